//! Dense indices for the things of a scenario, in scenario order, and the static data they index.
//!
//! The simulation refers to factions, provinces, characters and armies by these indices, never by
//! `Entity`: they are stable across runs, saves and threads, so iteration in index order is the
//! deterministic order the rules rely on.
use std::collections::HashMap;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::{Scenario, ValidScenario};

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub u16);

        impl $name {
            /// The index as a `usize`, for indexing tables.
            pub fn get(self) -> usize {
                usize::from(self.0)
            }
        }
    };
}

index_type!(
    /// A faction's index in the scenario's `factions` list.
    FactionIx
);
index_type!(
    /// A province's index in the scenario's merged `provinces` list.
    ProvinceIx
);
index_type!(
    /// A character's index in the scenario's `characters` list.
    CharacterIx
);
index_type!(
    /// An army's index: starting armies first, then armies events may raise, in scenario order.
    ArmyIx
);

/// The validated scenario and lookup tables, shared read-only by every system and every run.
#[derive(Resource, Clone)]
pub struct Data(pub Arc<StaticData>);

impl std::ops::Deref for Data {
    type Target = StaticData;
    fn deref(&self) -> &StaticData {
        &self.0
    }
}

/// Lookups from ids to indices, plus the map graph.
#[derive(Debug)]
pub struct StaticData {
    pub scenario: Scenario,
    pub factions: HashMap<String, FactionIx>,
    pub provinces: HashMap<String, ProvinceIx>,
    pub characters: HashMap<String, CharacterIx>,
    /// Starting armies and every army an event may raise (`SpawnArmy`), in that order.
    pub armies: HashMap<String, ArmyIx>,
    pub army_ids: Vec<String>,
    pub troop_kinds: HashMap<String, usize>,
    pub events: HashMap<String, usize>,
    pub treaties: HashMap<String, usize>,
    pub treaty_ids: Vec<String>,
    /// For each province, its neighbours with the connection's index, sorted by neighbour index.
    pub neighbours: Vec<Vec<(ProvinceIx, usize)>>,
}

impl StaticData {
    /// Builds the lookups of a validated scenario.
    pub fn new(valid: &ValidScenario) -> Self {
        let s = valid.scenario().clone();
        let index = |ids: Vec<&String>| {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), i))
                .collect::<HashMap<_, _>>()
        };
        let factions = index(s.factions.iter().map(|f| &f.id).collect())
            .into_iter()
            .map(|(k, i)| (k, FactionIx(i as u16)))
            .collect();
        let provinces: HashMap<String, ProvinceIx> =
            index(s.provinces.iter().map(|p| &p.id).collect())
                .into_iter()
                .map(|(k, i)| (k, ProvinceIx(i as u16)))
                .collect();
        let characters = index(s.characters.iter().map(|c| &c.id).collect())
            .into_iter()
            .map(|(k, i)| (k, CharacterIx(i as u16)))
            .collect();
        let mut army_ids: Vec<String> = s.armies.iter().map(|a| a.id.clone()).collect();
        let mut treaty_ids: Vec<String> = s.treaties.iter().map(|t| t.id.clone()).collect();
        for event in &s.events {
            for option in &event.options {
                for effect in &option.effects {
                    match effect {
                        crate::scenario::Effect::SpawnArmy(a) => army_ids.push(a.id.clone()),
                        crate::scenario::Effect::SignTreaty(t) => treaty_ids.push(t.id.clone()),
                        _ => {}
                    }
                }
            }
        }
        let armies = army_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), ArmyIx(i as u16)))
            .collect();
        let treaties = treaty_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let troop_kinds = index(s.troop_kinds.iter().map(|t| &t.id).collect());
        let events = index(s.events.iter().map(|e| &e.id).collect());
        let mut neighbours = vec![Vec::new(); s.provinces.len()];
        for (i, c) in s.connections.iter().enumerate() {
            let (a, b) = (provinces[&c.from], provinces[&c.to]);
            neighbours[a.get()].push((b, i));
            neighbours[b.get()].push((a, i));
        }
        for list in &mut neighbours {
            list.sort();
        }
        Self {
            scenario: s,
            factions,
            provinces,
            characters,
            armies,
            army_ids,
            troop_kinds,
            events,
            treaties,
            treaty_ids,
            neighbours,
        }
    }

    pub fn faction(&self, id: &str) -> FactionIx {
        self.factions[id]
    }

    pub fn province(&self, id: &str) -> ProvinceIx {
        self.provinces[id]
    }

    pub fn character(&self, id: &str) -> CharacterIx {
        self.characters[id]
    }

    pub fn army(&self, id: &str) -> ArmyIx {
        self.armies[id]
    }

    pub fn faction_id(&self, f: FactionIx) -> &str {
        &self.scenario.factions[f.get()].id
    }

    pub fn faction_name(&self, f: FactionIx) -> &str {
        &self.scenario.factions[f.get()].name
    }

    pub fn province_id(&self, p: ProvinceIx) -> &str {
        &self.scenario.provinces[p.get()].id
    }

    pub fn province_name(&self, p: ProvinceIx) -> &str {
        &self.scenario.provinces[p.get()].name
    }

    pub fn character_name(&self, c: CharacterIx) -> &str {
        &self.scenario.characters[c.get()].name
    }
}
