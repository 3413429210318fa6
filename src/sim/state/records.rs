//! The calendar and the game's records: the seed, the historical record and the outcome.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Date;
use crate::sim::ids::FactionIx;

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

    /// Whether this turn is the scenario's last month.
    pub fn is_last_month(&self) -> bool {
        self.date == self.end
    }
}

/// The seed the campaign was started with.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed(pub u64);

/// How the game ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The winning faction, `None` when nobody won.
    pub winner: Option<FactionIx>,
    /// The victory condition met, if any.
    pub victory: Option<usize>,
    pub description: String,
    pub date: Date,
}

/// The outcome, once the game is over.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameOver(pub Option<Outcome>);

/// Where a history check stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckStatus {
    /// Its window has not passed yet.
    Pending,
    /// It came true within its window.
    Matched,
    /// Its window passed without it.
    Diverged,
}

/// One history check's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckState {
    pub status: CheckStatus,
    /// The first month it was seen true.
    pub happened: Option<Date>,
}

impl CheckState {
    /// A check not yet judged.
    pub const PENDING: Self = Self { status: CheckStatus::Pending, happened: None };

    /// Nothing more can change: it matched, or its window passed after it was first seen true.
    pub fn is_settled(&self) -> bool {
        match self.status {
            CheckStatus::Matched => true,
            CheckStatus::Diverged => self.happened.is_some(),
            CheckStatus::Pending => false,
        }
    }
}

/// The state of every history check, in scenario order.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord(pub Vec<CheckState>);
