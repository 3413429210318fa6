//! The calendar: the current month, advanced at the end of every turn.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Turn, TurnSystems};
use crate::scenario::Date;

/// The month being played and the scenario's bounds.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// The month this turn resolves.
    pub date: Date,
    /// Turns played so far.
    pub turn: u32,
    pub start: Date,
    pub end: Date,
}

impl Calendar {
    /// A calendar at the scenario's first month.
    pub fn new(start: Date, end: Date) -> Self {
        Self { date: start, turn: 0, start, end }
    }

    /// Whether the last month has been played.
    pub fn is_past_end(&self) -> bool {
        self.date > self.end
    }

    /// Whether this turn is the scenario's last month.
    pub fn is_last_month(&self) -> bool {
        self.date == self.end
    }

    /// Winter months slow armies and starve camps: November to February.
    pub fn is_winter(&self) -> bool {
        matches!(self.date.month, 11 | 12 | 1 | 2)
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, advance_month.in_set(TurnSystems::End));
}

fn advance_month(mut calendar: ResMut<Calendar>) {
    calendar.date = calendar.date.plus_months(1);
    calendar.turn += 1;
}
