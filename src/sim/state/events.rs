//! Events and decisions: flags, answers given, which events fired, who answers how.
use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Date;
use crate::sim::data::StaticData;
use crate::sim::ids::FactionIx;

/// Flags set by effects, by their index in [`crate::sim::Ids::flags`].
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags(Vec<bool>);

impl Flags {
    pub fn is_set(&self, flag: usize) -> bool {
        self.0.get(flag).copied().unwrap_or(false)
    }

    pub fn set(&mut self, flag: usize, on: bool) {
        if self.0.len() <= flag {
            self.0.resize(flag + 1, false);
        }
        self.0[flag] = on;
    }

    /// The names of the flags set, for saves: they outlive any numbering.
    pub fn names(&self, data: &StaticData) -> BTreeSet<String> {
        data.ids.flags.iter().filter(|(_, f)| self.is_set(**f)).map(|(name, _)| name.clone()).collect()
    }

    /// The flags of `names`; names no effect of the scenario sets are left out.
    pub fn from_names(names: &BTreeSet<String>, data: &StaticData) -> Self {
        let mut flags = Self::default();
        for f in names.iter().filter_map(|name| data.ids.flags.get(name)) {
            flags.set(*f, true);
        }
        flags
    }
}

/// An answer given to an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceRecord {
    pub date: Date,
    pub event: usize,
    pub option: usize,
    pub faction: FactionIx,
    /// Whether it is the option history chose.
    pub historical: bool,
}

/// Every answer given so far, in order.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices(pub Vec<ChoiceRecord>);

impl Choices {
    /// Whether option `option` of event `event` (both indices) was chosen.
    pub fn chose(&self, event: usize, option: usize) -> bool {
        self.0.iter().any(|c| c.event == event && c.option == option)
    }
}

/// Which events have fired and which are forced to fire next turn.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventState {
    pub fired: Vec<bool>,
    pub forced: BTreeSet<usize>,
    /// Events of human factions waiting for an answer, in the order they fired.
    pub awaiting: Vec<usize>,
}

impl EventState {
    /// No event of a scenario of `events` events fired yet.
    pub fn new(events: usize) -> Self {
        Self { fired: vec![false; events], forced: BTreeSet::new(), awaiting: Vec::new() }
    }
}

/// How events are answered: who plays which faction, and which options are imposed.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Players {
    /// Factions played by humans.
    pub humans: BTreeSet<FactionIx>,
    /// Take the historical option of every event nobody imposes an answer to.
    pub historical: bool,
    /// Imposed answers: event index to option index.
    pub imposed: BTreeMap<usize, usize>,
}

impl Players {
    pub fn is_human(&self, f: FactionIx) -> bool {
        self.humans.contains(&f)
    }
}

/// Answers human players have given to events awaiting them: event index to option index.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAnswers(pub Vec<(usize, usize)>);
