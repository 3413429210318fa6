//! Sieges under way and the record of every siege of the game.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Date;
pub use crate::scenario::FallCause;
use crate::sim::ids::{ArmyIx, FactionIx, ProvinceIx};

/// A siege under way.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Siege {
    pub besieger: FactionIx,
    pub since: Date,
    pub months: u32,
    /// 0-1: at 1 the walls are breached and the city is stormed.
    pub breach: f64,
    /// Months the city has gone without grain.
    pub starving: u32,
    /// What the city eats, as a share of its rations, all siege long (`siege_store_luck`).
    #[serde(default = "full_rations", skip_serializing_if = "is_full_rations")]
    pub rations: f64,
    /// How many times the garrison has sallied (the chronicle tells the first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sallies: u32,
    /// A sally ordered by an event for this month's siege, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sortie: Option<Sortie>,
    /// A surprise attack on the walls ordered by an event for this month's siege, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surprise: Option<Surprise>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn full_rations() -> f64 {
    1.0
}

fn is_full_rations(rations: &f64) -> bool {
    *rations == 1.0
}

/// Men of a garrison sent out against the besiegers by an event (`Sally`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sortie {
    pub men: f64,
    /// Their troop kind, by index.
    pub kind: usize,
}

/// A band of a besieging army sent by an event to get inside the city by surprise (`Surprise`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Surprise {
    pub army: ArmyIx,
    pub men: f64,
}

impl Siege {
    /// A siege `besieger` begins in month `since`, its city eating `rations` of its rations.
    pub fn begun(besieger: FactionIx, since: Date, rations: f64) -> Self {
        Siege {
            besieger,
            since,
            months: 0,
            breach: 0.0,
            starving: 0,
            rations,
            sallies: 0,
            sortie: None,
            surprise: None,
        }
    }
}

/// The siege of each province, if any.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sieges(pub Vec<Option<Siege>>);

impl Sieges {
    /// Whether `province` is under siege.
    pub fn besieged(&self, province: ProvinceIx) -> bool {
        self.0.get(province.get()).is_some_and(Option::is_some)
    }
}

/// A siege, finished or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiegeRecord {
    pub province: ProvinceIx,
    pub besieger: FactionIx,
    pub defender: Option<FactionIx>,
    pub start: Date,
    pub end: Option<Date>,
    pub months: u32,
    /// `None` while it goes on, or when it was lifted.
    pub cause: Option<FallCause>,
}

/// Every siege of the game, in the order they began.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiegeLog(pub Vec<SiegeRecord>);

impl SiegeLog {
    /// Ends the open siege of `province`; false if none was open.
    pub fn close(&mut self, province: ProvinceIx, date: Date, cause: Option<FallCause>) -> bool {
        let Some(record) = self.0.iter_mut().rev().find(|r| r.province == province && r.end.is_none()) else {
            return false;
        };
        record.end = Some(date);
        record.months = u32::try_from(record.start.months_until(date).max(0) + 1).unwrap_or(0);
        record.cause = cause;
        true
    }

    /// How many sieges `besieger` has laid to `province`, the one under way included.
    pub fn sieges_of(&self, province: ProvinceIx, besieger: FactionIx) -> usize {
        self.0.iter().filter(|r| r.province == province && r.besieger == besieger).count()
    }
}
