//! Provinces: who owns each, its people, its defences and stores, and what the month did to it.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::{Date, Rules};
use crate::sim::ids::FactionIx;
use crate::sim::units::PERCENT;

use super::messages::ProvinceTransferred;
use super::records::Calendar;

/// Marks a province entity (its index is its [`ProvinceIx`](crate::sim::ProvinceIx) component).
#[derive(Component, Clone, Copy, Debug)]
pub struct Province;

/// The faction that owns a province.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner(pub Option<FactionIx>);

/// A province's people and what they yield.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Populace {
    pub population: f64,
    /// Silver a month, thousands of taels.
    pub wealth: f64,
    /// The faction the people hold legitimate.
    pub loyal_to: Option<FactionIx>,
    /// How strongly, 0-100.
    pub loyalty: f64,
}

impl Populace {
    /// Share of the yield that reaches `owner`: all of it if the people hold him legitimate.
    pub fn yield_share(&self, owner: FactionIx, rules: &Rules) -> f64 {
        if self.loyal_to == Some(owner) {
            1.0
        } else {
            rules.disloyal_yield + (1.0 - rules.disloyal_yield) * (1.0 - self.loyalty / PERCENT)
        }
    }
}

/// A city's defences and the grain in its stores.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Defences {
    /// 0-10.
    pub walls: f64,
    pub garrison: f64,
    pub grain: f64,
}

/// The month each province first changed hands in this game, if it has.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstTransfers(pub Vec<Option<Date>>);

/// Tells the other domains a province changed hands, and records the month of its first change:
/// every rule that hands a province over writes through this.
#[derive(bevy_ecs::system::SystemParam)]
pub struct Transfers<'w> {
    messages: MessageWriter<'w, ProvinceTransferred>,
    first: ResMut<'w, FirstTransfers>,
    calendar: Res<'w, Calendar>,
}

impl Transfers<'_> {
    pub fn write(&mut self, transfer: ProvinceTransferred) {
        if let Some(slot) = self.first.0.get_mut(transfer.province.get()) {
            slot.get_or_insert(self.calendar.date);
        }
        self.messages.write(transfer);
    }
}

/// Grain already foraged from each province, which recovers month by month.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Foraged(pub Vec<f64>);
