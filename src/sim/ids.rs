//! Dense indices for the things of a scenario, in scenario order, and the static data they index.
//!
//! The simulation refers to factions, provinces, characters and armies by these indices, never by
//! `Entity`: they are stable across runs, saves and threads, so iteration in index order is the
//! deterministic order the rules rely on.
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::conditions::Test;
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

/// Taken from the [`Data`] resource, which every campaign's world holds from its creation.
impl FromWorld for Data {
    fn from_world(world: &mut World) -> Self {
        world.resource::<Data>().clone()
    }
}

/// The static data as a system reads it: taken from the [`Data`] resource once, when the system
/// is first run, and kept by the system. Static data never changes during a campaign (a restored
/// save gets a new world), so this costs nothing a month where a `Res<Data>` costs a lookup.
pub type Static<'s> = Local<'s, Data>;

/// Lookups from ids to indices, plus the map graph.
#[derive(Debug)]
pub struct StaticData {
    /// Unique to this value: tells apart scenarios (or rule changes) a worker may cache.
    pub id: u64,
    pub scenario: Scenario,
    pub factions: HashMap<String, FactionIx>,
    pub provinces: HashMap<String, ProvinceIx>,
    pub characters: HashMap<String, CharacterIx>,
    /// Starting armies and every army an event may raise (`SpawnArmy`), in that order.
    pub armies: HashMap<String, ArmyIx>,
    pub army_ids: Vec<String>,
    /// Each army's name, by index (the first option that raises it names it).
    pub army_names: Vec<String>,
    pub troop_kinds: HashMap<String, usize>,
    pub events: HashMap<String, usize>,
    pub treaties: HashMap<String, usize>,
    pub treaty_ids: Vec<String>,
    /// Every flag an effect may set or clear, by name: conditions test flags by index.
    pub flags: HashMap<String, usize>,
    /// For each province, its neighbours with the connection's index, sorted by neighbour index.
    pub neighbours: Vec<Vec<(ProvinceIx, usize)>>,
    /// Each character's skills with the modifiers of his traits.
    pub character_traits: Vec<Traits>,
    /// Each faction's trait modifiers.
    pub faction_traits: Vec<Traits>,
    /// Each province's index in the scenario's `terrains`.
    pub terrain_ix: Vec<usize>,
    /// Shortest routes between provinces, outside winter and in winter (frozen rivers).
    pub routes: [Routes; 2],
    /// The scenario's conditions with their ids resolved.
    pub tests: Tests,
}

/// Every condition of the scenario compiled to a [`Test`], in the order of the lists they come from.
#[derive(Debug, Default)]
pub struct Tests {
    /// The war plans, ids resolved.
    pub war_plans: Vec<WarPlan>,
    /// Each event's trigger.
    pub triggers: Vec<Test>,
    /// Each event's options' AI weight factors: `factors[event][option][factor]`.
    pub factors: Vec<Vec<Vec<Test>>>,
    /// Each history check's condition.
    pub checks: Vec<Test>,
    /// Each victory's condition.
    pub victories: Vec<Test>,
}

/// A war plan with its ids resolved.
#[derive(Debug)]
pub struct WarPlan {
    pub faction: FactionIx,
    pub army: Option<ArmyIx>,
    pub target: ProvinceIx,
    pub weight: f64,
    pub goal: bool,
    pub when: Test,
}

impl Tests {
    fn compile(d: &StaticData) -> Self {
        let s = &d.scenario;
        let test = |c| Test::compile(c, d);
        Self {
            war_plans: s
                .war_plans
                .iter()
                .map(|p| WarPlan {
                    faction: d.faction(&p.faction),
                    army: p.army.as_deref().map(|a| d.army(a)),
                    target: d.province(&p.target),
                    weight: p.weight,
                    goal: p.goal,
                    when: test(&p.when),
                })
                .collect(),
            triggers: s.events.iter().map(|e| test(&e.trigger)).collect(),
            factors: s
                .events
                .iter()
                .map(|e| e.options.iter().map(|o| o.ai.factors.iter().map(|f| test(&f.when)).collect()).collect())
                .collect(),
            checks: s.history.iter().map(|c| test(&c.condition)).collect(),
            victories: s.victory.iter().map(|v| test(&v.condition)).collect(),
        }
    }
}

/// All-pairs shortest marches: `days[a][b]` at speed 1.0 and the first step from `a` toward `b`.
#[derive(Debug, Clone)]
pub struct Routes {
    pub days: Vec<Vec<f64>>,
    pub next: Vec<Vec<Option<ProvinceIx>>>,
}

impl Routes {
    /// Dijkstra from every province, ties broken by province index so routes are deterministic.
    fn build(neighbours: &[Vec<(ProvinceIx, usize)>], step_days: impl Fn(usize, ProvinceIx) -> f64) -> Self {
        let n = neighbours.len();
        let mut days = vec![vec![f64::INFINITY; n]; n];
        let mut next = vec![vec![None; n]; n];
        for source in 0..n {
            let dist = &mut days[source];
            let first = &mut next[source];
            dist[source] = 0.0;
            let mut done = vec![false; n];
            loop {
                let mut best: Option<usize> = None;
                for v in 0..n {
                    if !done[v] && dist[v].is_finite() && best.is_none_or(|b| dist[v] < dist[b]) {
                        best = Some(v);
                    }
                }
                let Some(u) = best else { break };
                done[u] = true;
                for &(w, connection) in &neighbours[u] {
                    let candidate = dist[u] + step_days(connection, w);
                    if candidate < dist[w.get()] {
                        dist[w.get()] = candidate;
                        first[w.get()] = if u == source { Some(w) } else { first[u] };
                    }
                }
            }
        }
        Self { days, next }
    }

    /// The first province on the way from `from` to `to`.
    pub fn next_step(&self, from: ProvinceIx, to: ProvinceIx) -> Option<ProvinceIx> {
        self.next[from.get()][to.get()]
    }

    /// Days of march from `from` to `to` at speed 1.0 (infinite if there is no way).
    pub fn days(&self, from: ProvinceIx, to: ProvinceIx) -> f64 {
        self.days[from.get()][to.get()]
    }

    /// Days of march from `from` to every province, by province index.
    pub fn days_from(&self, from: ProvinceIx) -> &[f64] {
        &self.days[from.get()]
    }
}

impl StaticData {
    /// Days to march along connection `connection` into `to`, in winter or not.
    pub fn step_days(&self, connection: usize, to: ProvinceIx, winter: bool) -> f64 {
        let c = &self.scenario.connections[connection];
        let terrain = self.terrain_of(to);
        let river = if c.kind == crate::scenario::ConnectionKind::River && !winter {
            self.scenario.rules.river_crossing
        } else {
            1.0
        };
        c.days as f64 * terrain.move_cost.max(0.1) * river
    }

    /// The terrain of a province.
    pub fn terrain_of(&self, p: ProvinceIx) -> &crate::scenario::Terrain {
        &self.scenario.terrains[self.terrain_ix[p.get()]]
    }

    /// Routes for the season.
    pub fn routes(&self, winter: bool) -> &Routes {
        &self.routes[usize::from(winter)]
    }
}

impl StaticData {
    /// The rule parameters of the scenario: its `rules` over the defaults.
    pub fn rules(&self) -> &crate::scenario::Rules {
        &self.scenario.rules
    }

    /// Builds the lookups of a validated scenario.
    pub fn new(valid: &ValidScenario) -> Self {
        let s = valid.scenario().clone();
        let index =
            |ids: Vec<&String>| ids.into_iter().enumerate().map(|(i, id)| (id.clone(), i)).collect::<HashMap<_, _>>();
        let factions = index(s.factions.iter().map(|f| &f.id).collect())
            .into_iter()
            .map(|(k, i)| (k, FactionIx(i as u16)))
            .collect();
        let provinces: HashMap<String, ProvinceIx> = index(s.provinces.iter().map(|p| &p.id).collect())
            .into_iter()
            .map(|(k, i)| (k, ProvinceIx(i as u16)))
            .collect();
        let characters = index(s.characters.iter().map(|c| &c.id).collect())
            .into_iter()
            .map(|(k, i)| (k, CharacterIx(i as u16)))
            .collect();
        let mut army_ids: Vec<String> = s.armies.iter().map(|a| a.id.clone()).collect();
        let mut army_names: Vec<String> = s.armies.iter().map(|a| a.name.clone()).collect();
        let mut treaty_ids: Vec<String> = s.treaties.iter().map(|t| t.id.clone()).collect();
        let mut flags: HashMap<String, usize> = HashMap::default();
        for event in &s.events {
            for option in &event.options {
                for effect in &option.effects {
                    // Options of events may raise the same army or sign the same treaty in
                    // different ways: one id, one slot.
                    match effect {
                        crate::scenario::Effect::SpawnArmy(a) if !army_ids.contains(&a.id) => {
                            army_ids.push(a.id.clone());
                            army_names.push(a.name.clone());
                        }
                        crate::scenario::Effect::SignTreaty(t) if !treaty_ids.contains(&t.id) => {
                            treaty_ids.push(t.id.clone())
                        }
                        crate::scenario::Effect::SetFlag(f) | crate::scenario::Effect::ClearFlag(f) => {
                            let next = flags.len();
                            flags.entry(f.clone()).or_insert(next);
                        }
                        _ => {}
                    }
                }
            }
        }
        let armies = army_ids.iter().enumerate().map(|(i, id)| (id.clone(), ArmyIx(i as u16))).collect();
        let treaties = treaty_ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
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
        let terrains = index(s.terrains.iter().map(|t| &t.id).collect());
        let terrain_ix: Vec<usize> = s.provinces.iter().map(|p| terrains[&p.terrain]).collect();
        let trait_ix = index(s.traits.iter().map(|t| &t.id).collect());
        let sum_traits =
            |ids: &[String], base: Traits| ids.iter().fold(base, |acc, id| acc.with(&s.traits[trait_ix[id]].modifiers));
        let character_traits = s
            .characters
            .iter()
            .map(|c| {
                let base = Traits {
                    command: c.skills.command as f64,
                    defence: c.skills.defence as f64,
                    diplomacy: c.skills.diplomacy as f64,
                    administration: c.skills.administration as f64,
                    ..Traits::default()
                };
                sum_traits(&c.traits, base)
            })
            .collect();
        let faction_traits = s.factions.iter().map(|f| sum_traits(&f.traits, Traits::default())).collect();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut data = Self {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            scenario: s,
            factions,
            provinces,
            characters,
            armies,
            army_ids,
            army_names,
            troop_kinds,
            events,
            treaties,
            treaty_ids,
            flags,
            neighbours,
            terrain_ix,
            character_traits,
            faction_traits,
            routes: [Routes { days: Vec::new(), next: Vec::new() }, Routes { days: Vec::new(), next: Vec::new() }],
            tests: Tests::default(),
        };
        data.tests = Tests::compile(&data);
        for winter in [false, true] {
            let routes = Routes::build(&data.neighbours, |c, to| data.step_days(c, to, winter));
            data.routes[usize::from(winter)] = routes;
        }
        data
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

/// Skills and trait modifiers added up: a character's (skills included) or a faction's.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Traits {
    pub command: f64,
    pub defence: f64,
    pub diplomacy: f64,
    pub administration: f64,
    pub loyalty: f64,
    pub army_morale: f64,
    pub legitimacy: f64,
    pub cohesion: f64,
    pub income: f64,
    pub fighting: f64,
    pub assault: f64,
    pub aggression: f64,
}

impl Traits {
    /// These traits plus `modifiers`.
    fn with(mut self, modifiers: &[crate::scenario::Modifier]) -> Self {
        use crate::scenario::Modifier as M;
        for m in modifiers {
            match *m {
                M::Command(v) => self.command += v,
                M::Defence(v) => self.defence += v,
                M::Diplomacy(v) => self.diplomacy += v,
                M::Administration(v) => self.administration += v,
                M::Loyalty(v) => self.loyalty += v,
                M::ArmyMorale(v) => self.army_morale += v,
                M::Legitimacy(v) => self.legitimacy += v,
                M::Cohesion(v) => self.cohesion += v,
                M::Income(v) => self.income += v,
                M::Fighting(v) => self.fighting += v,
                M::Assault(v) => self.assault += v,
                M::Aggression(v) => self.aggression += v,
            }
        }
        self
    }
}
