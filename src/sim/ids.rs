//! Dense indices for the things of a scenario, in scenario order, and the tables that turn a
//! scenario's ids into them.
//!
//! The simulation refers to factions, provinces, characters and armies by these indices, never by
//! `Entity` or by id: they are stable across runs, saves and threads, so iteration in index order is
//! the deterministic order the rules rely on. Ids are looked up here once, when a scenario is
//! loaded and compiled; a turn never looks a name up.
use rustc_hash::FxHashMap as HashMap;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::scenario::{Effect, Scenario, levy_army_id};

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

            /// The index of the `i`-th item of its list. Validation caps the lists indexed so at
            /// [`MAX_INDEXED`](crate::scenario::MAX_INDEXED) items, so for a validated scenario
            /// the conversion never fails and no index wraps.
            pub fn new(i: usize) -> Self {
                Self(u16::try_from(i).expect("validation caps indexed lists at MAX_INDEXED items"))
            }

            /// Every index of a list of `n` items, in order (checked once, not item by item).
            pub fn all(n: usize) -> impl Iterator<Item = Self> {
                (0..Self::new(n).0).map(Self)
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

/// The scenario's ids and the indices they stand for.
#[derive(Debug, Default)]
pub struct Ids {
    pub factions: HashMap<String, FactionIx>,
    pub provinces: HashMap<String, ProvinceIx>,
    pub characters: HashMap<String, CharacterIx>,
    /// Starting armies, every army an event may raise (`SpawnArmy`), and each province's levy,
    /// in that order.
    pub armies: HashMap<String, ArmyIx>,
    /// The index of the first province's levy: province `p`'s is `levies + p`.
    pub levies: usize,
    /// Each army slot's id, by index.
    pub army_ids: Vec<String>,
    /// Each army's name, by index (the first option that raises it names it).
    pub army_names: Vec<String>,
    /// How raid reports in the chronicle name each army: a starting army by its name, an army an
    /// event raises by its id with spaces for underscores (as they always have; the window uses
    /// [`Ids::army_names`]).
    pub army_labels: Vec<String>,
    pub troop_kinds: HashMap<String, usize>,
    pub terrains: HashMap<String, usize>,
    pub traits: HashMap<String, usize>,
    pub events: HashMap<String, usize>,
    pub treaties: HashMap<String, usize>,
    /// Each treaty slot's id: the scenario's treaties, then those events sign, in that order.
    pub treaty_ids: Vec<String>,
    /// Every flag an effect may set or clear, by name: conditions test flags by index.
    pub flags: HashMap<String, usize>,
}

/// An `EVENT=OPTION` answer that names nothing in the scenario.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ChoiceError {
    #[error("\"{0}\" is not EVENT=OPTION")]
    Malformed(String),
    #[error("unknown event \"{event}\"{}", suggest(.suggestion))]
    UnknownEvent { event: String, suggestion: Option<String> },
    #[error("event \"{event}\" has no option \"{option}\" (its options: {options})")]
    UnknownOption { event: String, option: String, options: String },
}

fn suggest(s: &Option<String>) -> String {
    s.as_ref().map(|s| format!(" (did you mean \"{s}\"?)")).unwrap_or_default()
}

/// Numbers the items of `ids` in order.
fn number<I: Copy>(ids: impl Iterator<Item = String>, ix: impl Fn(usize) -> I) -> HashMap<String, I> {
    ids.enumerate().map(|(i, id)| (id, ix(i))).collect()
}

impl Ids {
    /// The ids of a validated scenario: its lists numbered in order, plus the army and treaty
    /// slots and the flags its events' effects bring.
    pub fn of(s: &Scenario) -> Self {
        let mut army_ids: Vec<String> = s.armies.iter().map(|a| a.id.clone()).collect();
        let mut army_names: Vec<String> = s.armies.iter().map(|a| a.name.clone()).collect();
        let mut treaty_ids: Vec<String> = s.treaties.iter().map(|t| t.id.clone()).collect();
        let mut flags: HashMap<String, usize> = HashMap::default();
        let mut effects = Vec::new();
        for effect in s.events.iter().flat_map(|e| &e.options).flat_map(|o| &o.effects) {
            effect.visit(&mut |e| effects.push(e));
        }
        for effect in effects {
            // Options of events may raise the same army or sign the same treaty in different
            // ways: one id, one slot.
            match effect {
                Effect::SpawnArmy(a) if !army_ids.contains(&a.id) => {
                    army_ids.push(a.id.clone());
                    army_names.push(a.name.clone());
                }
                Effect::SignTreaty(t) if !treaty_ids.contains(&t.id) => treaty_ids.push(t.id.clone()),
                Effect::SetFlag(f) | Effect::ClearFlag(f) => {
                    let next = flags.len();
                    flags.entry(f.clone()).or_insert(next);
                }
                _ => {}
            }
        }
        // Then each province's levy, in province order.
        let levies = army_ids.len();
        for p in &s.provinces {
            army_ids.push(levy_army_id(&p.id));
            army_names.push(format!("Levy of {}", p.name));
        }
        let army_labels = army_ids
            .iter()
            .enumerate()
            .map(|(i, id)| match s.armies.iter().find(|a| &a.id == id) {
                Some(a) => a.name.clone(),
                None if i >= levies => army_names[i].clone(),
                None => id.replace('_', " "),
            })
            .collect();
        Self {
            factions: number(s.factions.iter().map(|f| f.id.clone()), FactionIx::new),
            provinces: number(s.provinces.iter().map(|p| p.id.clone()), ProvinceIx::new),
            characters: number(s.characters.iter().map(|c| c.id.clone()), CharacterIx::new),
            armies: number(army_ids.iter().cloned(), ArmyIx::new),
            army_ids,
            army_names,
            army_labels,
            levies,
            troop_kinds: number(s.troop_kinds.iter().map(|t| t.id.clone()), |i| i),
            terrains: number(s.terrains.iter().map(|t| t.id.clone()), |i| i),
            traits: number(s.traits.iter().map(|t| t.id.clone()), |i| i),
            events: number(s.events.iter().map(|e| e.id.clone()), |i| i),
            treaties: number(treaty_ids.iter().cloned(), |i| i),
            treaty_ids,
            flags,
        }
    }

    // The look-ups below index by an id of a validated scenario, which validation has checked
    // names something: they run while a scenario is compiled, never during a turn.

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

    pub fn troop_kind(&self, id: &str) -> usize {
        self.troop_kinds[id]
    }

    /// A trait's index in the scenario's `traits`.
    pub fn trait_ix(&self, id: &str) -> usize {
        self.traits[id]
    }

    pub fn treaty(&self, id: &str) -> usize {
        self.treaties[id]
    }

    pub fn event(&self, id: &str) -> usize {
        self.events[id]
    }

    /// The event and option an `EVENT=OPTION` pair names: the one resolver of answers, for the
    /// command line, calibration targets and `Chose` conditions alike.
    pub fn option(&self, scenario: &Scenario, event: &str, option: &str) -> Result<(usize, usize), ChoiceError> {
        let Some(&e) = self.events.get(event) else {
            let suggestion = crate::scenario::closest_id(event, scenario.events.iter().map(|e| e.id.as_str()));
            return Err(ChoiceError::UnknownEvent { event: event.to_string(), suggestion });
        };
        let options = &scenario.events[e].options;
        match options.iter().position(|o| o.id == option) {
            Some(o) => Ok((e, o)),
            None => Err(ChoiceError::UnknownOption {
                event: event.to_string(),
                option: option.to_string(),
                options: options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", "),
            }),
        }
    }
}
