//! The static data of a campaign: the validated scenario, its ids and compiled [`Program`], the
//! map graph and its shortest routes, and the summed traits of factions. Built once per scenario
//! and shared, read-only, by every system and every run of a sweep. (Characters' traits and the
//! names of factions and provinces change in play: they are state, see `state::CharacterTraits`
//! and `state::Names`.)
use std::sync::Arc;

use bevy_ecs::prelude::*;

use super::compiled::Program;
use super::ids::{ArmyIx, CharacterIx, FactionIx, Ids, ProvinceIx};
use crate::scenario::{ConnectionKind, Difficulty, Rules, Scenario, Terrain, ValidScenario};

/// The static data as a resource, shared by every campaign of the same scenario.
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

/// A validated scenario ready to be played: ids, compiled program, map graph and routes.
#[derive(Debug)]
pub struct StaticData {
    /// Unique to this value: tells apart scenarios (or rule changes) a worker may cache.
    pub id: u64,
    /// The scenario, its difficulty resolved into its rules (see [`StaticData::at_difficulty`]).
    pub scenario: Scenario,
    pub ids: Ids,
    /// For each province, its neighbours with the connection's index, sorted by neighbour index.
    pub neighbours: Vec<Vec<(ProvinceIx, usize)>>,
    /// Each character's traits at the start, as indices into the scenario's `traits`, in the
    /// order he lists them.
    pub starting_traits: Vec<Vec<usize>>,
    /// Each faction's trait modifiers.
    pub faction_traits: Vec<Traits>,
    /// Each province's index in the scenario's `terrains`.
    pub terrain_ix: Vec<usize>,
    /// Shortest routes between provinces, outside winter and in winter (frozen rivers).
    pub routes: [Routes; 2],
    /// Whether each month (1-12, by index) is a winter month.
    winter: [bool; 13],
    /// The scenario's conditions, effects, treaties and armies with their ids resolved.
    pub program: Program,
    /// For each province, the provinces within `supply_range` roads of it (itself first, then by
    /// steps and index).
    pub supply_reach: Vec<Vec<ProvinceIx>>,
    /// Which AI plays each faction when nobody does: the rules' `ai_planner` for all of them,
    /// unless a tool (the tournament) sets another per faction before the campaign starts.
    pub planners: Vec<Planner>,
    /// Each faction's levy troop kind, if it raises levies.
    levy_kinds: Vec<Option<usize>>,
}

/// For each province, those within `range` roads of it, by breadth-first search: itself first,
/// then by steps and index.
fn supply_reach(neighbours: &[Vec<(ProvinceIx, usize)>], range: f64) -> Vec<Vec<ProvinceIx>> {
    // A float parameter counted in whole steps, as the supply rules count it.
    let range = range.max(0.0) as usize;
    let n = neighbours.len();
    let mut seen = vec![usize::MAX; n];
    (0..n)
        .map(|from| {
            let mut reach = vec![ProvinceIx::new(from)];
            seen[from] = from;
            let mut start = 0;
            for _ in 0..range {
                let end = reach.len();
                let mut next: Vec<ProvinceIx> = Vec::new();
                for at in &reach[start..end] {
                    for (p, _) in &neighbours[at.get()] {
                        if seen[p.get()] != from {
                            seen[p.get()] = from;
                            next.push(*p);
                        }
                    }
                }
                next.sort();
                reach.extend(next);
                start = end;
            }
            reach
        })
        .collect()
}

/// How the AI plans a faction's war.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Planner {
    /// Each army picks its own target (the easy level).
    Classic,
    /// The faction's war is planned as a whole: threats, defence, concentration, objectives.
    Strategic,
}

impl Planner {
    /// The planner the rules' `ai_planner` names.
    pub fn of(rules: &Rules) -> Self {
        if rules.ai_planner >= 0.5 { Self::Strategic } else { Self::Classic }
    }
}

impl StaticData {
    /// A validated scenario at the difficulty it sets for itself (normal if none).
    pub fn new(valid: &ValidScenario) -> Self {
        Self::at_difficulty(valid, None)
    }

    /// A validated scenario played at `difficulty`, or at the one the scenario sets if `None`.
    /// The level is resolved into the rules here, once (see [`Difficulty::apply`]): the campaign,
    /// and any save of it, carries the rules it is played by.
    pub fn at_difficulty(valid: &ValidScenario, difficulty: Option<Difficulty>) -> Self {
        Self::configured(valid, difficulty, true)
    }

    /// As [`StaticData::at_difficulty`], with the scenario's war plans or without them (the rule
    /// `ai_war_plans` set to 0, so a save of the campaign plays on without them too).
    pub fn configured(valid: &ValidScenario, difficulty: Option<Difficulty>, war_plans: bool) -> Self {
        let mut s = valid.scenario().clone();
        let level = difficulty.or(s.difficulty).unwrap_or_default();
        level.apply(&mut s.rules);
        s.difficulty = None;
        if !war_plans {
            s.rules.ai_war_plans = 0.0;
        }
        Self::of(s)
    }

    /// Builds the tables of a scenario whose rules are final.
    fn of(s: Scenario) -> Self {
        let ids = Ids::of(&s);
        let mut neighbours = vec![Vec::new(); s.provinces.len()];
        for (i, c) in s.connections.iter().enumerate() {
            let (a, b) = (ids.province(&c.from), ids.province(&c.to));
            neighbours[a.get()].push((b, i));
            neighbours[b.get()].push((a, i));
        }
        for list in &mut neighbours {
            list.sort();
        }
        let terrain_ix: Vec<usize> = s.provinces.iter().map(|p| ids.terrains[&p.terrain]).collect();
        let starting_traits =
            s.characters.iter().map(|c| c.traits.iter().map(|id| ids.trait_ix(id)).collect()).collect();
        let faction_traits = s
            .factions
            .iter()
            .map(|f| f.traits.iter().fold(Traits::default(), |acc, id| acc.with(&s.traits[ids.trait_ix(id)].modifiers)))
            .collect();
        let mut program = Program::compile(&s, &ids);
        if s.rules.ai_war_plans < 0.5 {
            program.war_plans.clear();
        }
        let planners = vec![Planner::of(&s.rules); s.factions.len()];
        let levy_kinds = s.factions.iter().map(|f| f.levy.as_deref().map(|k| ids.troop_kind(k))).collect();
        let mut winter = [false; 13];
        for month in &s.winter.months {
            // Validated to lie in 1-12.
            if let Some(slot) = usize::try_from(*month).ok().and_then(|m| winter.get_mut(m)) {
                *slot = true;
            }
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut data = Self {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            scenario: s,
            ids,
            neighbours,
            terrain_ix,
            starting_traits,
            faction_traits,
            routes: [Routes::default(), Routes::default()],
            winter,
            program,
            planners,
            levy_kinds,
            supply_reach: Vec::new(),
        };
        data.supply_reach = supply_reach(&data.neighbours, data.rules().supply_range);
        let horizon = data.planning_horizon();
        for winter in [false, true] {
            let routes = Routes::new(&data.neighbours, |c, to| data.step_days(c, to, winter), horizon);
            data.routes[usize::from(winter)] = routes;
        }
        data
    }

    /// Character `c`'s skills with the modifiers of `traits` (indices into the scenario's
    /// `traits`) added up, in their order: the same sum, bit for bit, whenever the same traits
    /// are added up, at the start, after an effect or from a save.
    pub fn character_abilities(&self, c: CharacterIx, traits: &[usize]) -> Traits {
        let skills = &self.scenario.characters[c.get()].skills;
        let base = Traits {
            command: skills.command as f64,
            defence: skills.defence as f64,
            diplomacy: skills.diplomacy as f64,
            administration: skills.administration as f64,
            ..Traits::default()
        };
        traits.iter().fold(base, |acc, t| acc.with(&self.scenario.traits[*t].modifiers))
    }

    /// The rule parameters of the scenario: its `rules` over the defaults.
    pub fn rules(&self) -> &Rules {
        &self.scenario.rules
    }

    /// Days to march along connection `connection` into `to`, in winter or not: a river costs
    /// `river_crossing` times the days unless it is frozen.
    pub fn step_days(&self, connection: usize, to: ProvinceIx, winter: bool) -> f64 {
        let rules = self.rules();
        let c = &self.scenario.connections[connection];
        let terrain = self.terrain_of(to);
        let frozen = winter && c.freezes.unwrap_or(self.scenario.winter.rivers_freeze);
        let river = if c.kind == ConnectionKind::River && !frozen { rules.river_crossing } else { 1.0 };
        c.days as f64 * terrain.move_cost.max(rules.min_move_cost) * river
    }

    /// Whether `date` falls in the scenario's winter (by default November to February), which
    /// slows marches, starves camps and may freeze the rivers.
    pub fn is_winter(&self, date: crate::scenario::Date) -> bool {
        self.winter.get(usize::from(date.month)).copied().unwrap_or(false)
    }

    /// The terrain of a province.
    pub fn terrain_of(&self, p: ProvinceIx) -> &Terrain {
        &self.scenario.terrains[self.terrain_ix[p.get()]]
    }

    /// The days of march within which the AI plans (`ai_plan_days`), and no less than any
    /// distance it weighs threats within: how far ahead routes are searched from each start.
    fn planning_horizon(&self) -> f64 {
        let r = self.rules();
        r.ai_plan_days.max(r.ai_horizon_days).max(r.ai_reach_days).max(r.ai_threat_days)
    }

    /// Routes for the season.
    pub fn routes(&self, winter: bool) -> &Routes {
        &self.routes[usize::from(winter)]
    }

    /// Whether `a` and `b` are the same province or neighbours.
    pub fn adjacent(&self, a: ProvinceIx, b: ProvinceIx) -> bool {
        a == b || self.neighbours[a.get()].iter().any(|(n, _)| *n == b)
    }

    // Look-ups of a scenario id, for setting up campaigns and tests; a turn never uses them.

    pub fn faction(&self, id: &str) -> FactionIx {
        self.ids.faction(id)
    }

    pub fn province(&self, id: &str) -> ProvinceIx {
        self.ids.province(id)
    }

    pub fn character(&self, id: &str) -> CharacterIx {
        self.ids.character(id)
    }

    pub fn army(&self, id: &str) -> ArmyIx {
        self.ids.army(id)
    }

    /// The number of army slots: starting armies and every army an event may raise.
    pub fn army_slots(&self) -> usize {
        self.ids.army_ids.len()
    }

    pub fn faction_id(&self, f: FactionIx) -> &str {
        &self.scenario.factions[f.get()].id
    }

    pub fn province_id(&self, p: ProvinceIx) -> &str {
        &self.scenario.provinces[p.get()].id
    }

    pub fn character_name(&self, c: CharacterIx) -> &str {
        &self.scenario.characters[c.get()].name
    }

    /// The army province `p`'s levies take the field as.
    pub fn levy_army(&self, p: ProvinceIx) -> ArmyIx {
        ArmyIx::new(self.ids.levies + p.get())
    }

    /// Whether army `a` is a province's levy.
    pub fn is_levy(&self, a: ArmyIx) -> bool {
        a.get() >= self.ids.levies
    }

    /// The troop kind faction `f`'s levies take the field as, if it raises any.
    pub fn levy_kind(&self, f: FactionIx) -> Option<usize> {
        self.levy_kinds[f.get()]
    }

    /// The name of an army slot: the starting army's, or the first option's that raises it.
    pub fn army_name(&self, a: ArmyIx) -> &str {
        &self.ids.army_names[a.get()]
    }

    /// How the chronicle's raid reports name an army slot (see [`Ids::army_labels`]).
    pub fn army_label(&self, a: ArmyIx) -> &str {
        &self.ids.army_labels[a.get()]
    }

    /// A sum of money, counted in thousands, in the scenario's currency, as a reader takes it
    /// in (see [`money_in_words`]).
    pub fn money(&self, thousands: f64) -> String {
        money_in_words(thousands, &self.scenario.currency)
    }

    /// The faction that answers event `event`.
    pub fn event_faction(&self, event: usize) -> FactionIx {
        self.program.event_factions[event]
    }

    /// Event `event`'s id and option `option`'s, for reports.
    pub fn option_ids(&self, event: usize, option: usize) -> (&str, &str) {
        let e = &self.scenario.events[event];
        (&e.id, &e.options[option].id)
    }

    /// Resolves `EVENT=OPTION` answers (from the command line) to event and option indices.
    pub fn resolve_choices(
        &self,
        choices: &[String],
    ) -> Result<std::collections::BTreeMap<usize, usize>, super::ids::ChoiceError> {
        let mut imposed = std::collections::BTreeMap::new();
        for choice in choices {
            let (event, option) =
                choice.split_once('=').ok_or_else(|| super::ids::ChoiceError::Malformed(choice.clone()))?;
            let (e, o) = self.ids.option(&self.scenario, event, option)?;
            imposed.insert(e, o);
        }
        Ok(imposed)
    }
}

/// Days of march as a key that orders as `f64::total_cmp` orders the days, for the search's
/// queue (an integer compares faster than a float's total order).
fn days_key(days: f64) -> i64 {
    let bits = days.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// A province a search from some start reached: the days of march to it at speed 1.0 and the
/// first province on the way (none for the start itself).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reached {
    pub days: f64,
    pub province: ProvinceIx,
    pub first: Option<ProvinceIx>,
    /// The province before it on the way (the start itself for the start).
    pub previous: ProvinceIx,
}

/// The provinces within the horizon of one start, nearest first (then by index), and where each
/// lies in that list, in province order, for lookups.
#[derive(Clone, Debug)]
struct Tree {
    reached: Vec<Reached>,
    /// Each reached province's index shifted 16 bits up, or-ed with its place in `reached`:
    /// sorted, a lookup by province is a binary search.
    by_province: Vec<u32>,
    /// Whether the search ran out of provinces before the horizon: then no other province can
    /// be reached at all.
    complete: bool,
}

impl Tree {
    fn find(&self, to: ProvinceIx) -> Option<&Reached> {
        let k = self.by_province.binary_search_by(|k| (k >> 16).cmp(&u32::from(to.0))).ok()?;
        self.reached.get((self.by_province[k] & 0xffff) as usize)
    }
}

/// What a search does on settling a province.
enum Flow {
    Continue,
    Stop,
}

/// A search's working space, kept by each thread between searches: marks instead of clearing
/// make a search cost what it reaches, not the size of the map.
#[derive(Default)]
struct SearchSpace {
    days: Vec<f64>,
    first: Vec<Option<ProvinceIx>>,
    previous: Vec<ProvinceIx>,
    /// `seen[p] == epoch`: `days[p]` and `first[p]` belong to this search.
    seen: Vec<u32>,
    /// `settled[p] == epoch`: province `p` is settled in this search.
    settled: Vec<u32>,
    epoch: u32,
    queue: std::collections::BinaryHeap<std::cmp::Reverse<(i64, u16)>>,
}

impl SearchSpace {
    /// Starts a new search over `n` provinces.
    fn begin(&mut self, n: usize) {
        if self.seen.len() != n || self.epoch == u32::MAX {
            *self = Self {
                days: vec![0.0; n],
                first: vec![None; n],
                previous: vec![ProvinceIx(0); n],
                seen: vec![0; n],
                settled: vec![0; n],
                ..Self::default()
            };
        }
        self.epoch += 1;
        self.queue.clear();
    }

    fn days(&self, p: usize) -> f64 {
        if self.seen[p] == self.epoch { self.days[p] } else { f64::INFINITY }
    }
}

thread_local! {
    static SEARCH: std::cell::RefCell<SearchSpace> = std::cell::RefCell::new(SearchSpace::default());
}

/// Shortest marches on the map for one season, searched on demand: from each start, once, the
/// provinces within the planning horizon (kept, and shared by every run of a sweep), and beyond
/// it, a search to the one province asked. Memory grows with the starts used times the provinces
/// within the horizon, not with the square of the map.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// The map as a graph: province `p`'s neighbours and the days to step into each are
    /// `edges[offsets[p]..offsets[p + 1]]`, by neighbour index.
    offsets: Vec<u32>,
    edges: Vec<(ProvinceIx, f64)>,
    horizon: f64,
    trees: Vec<std::sync::OnceLock<Tree>>,
}

impl Routes {
    /// The routes of a map whose province `p` neighbours `neighbours[p]` (neighbour and
    /// connection), `step_days(connection, to)` days to step into `to`, searched ahead
    /// `horizon` days from each start.
    fn new(
        neighbours: &[Vec<(ProvinceIx, usize)>],
        step_days: impl Fn(usize, ProvinceIx) -> f64,
        horizon: f64,
    ) -> Self {
        let mut offsets = Vec::with_capacity(neighbours.len() + 1);
        let mut edges = Vec::new();
        offsets.push(0);
        for list in neighbours {
            edges.extend(list.iter().map(|&(to, c)| (to, step_days(c, to))));
            offsets.push(u32::try_from(edges.len()).unwrap_or(u32::MAX));
        }
        let trees = (0..neighbours.len()).map(|_| std::sync::OnceLock::new()).collect();
        Self { offsets, edges, horizon, trees }
    }

    /// Dijkstra from `from` on a binary heap, ties broken by province index so routes are
    /// deterministic: the province settled next is always the nearest unsettled one, and of
    /// equally near ones the lowest index. `settle` is told each province as it is settled, in
    /// that order, until it says stop. Provinces more than `limit` days away are left out.
    /// Returns whether every reachable province was settled (none stopped, none left out).
    fn search(&self, from: ProvinceIx, limit: f64, mut settle: impl FnMut(Reached) -> Flow) -> bool {
        use std::cmp::Reverse;
        SEARCH.with(|space| {
            let mut guard = space.borrow_mut();
            let s = &mut *guard;
            s.begin(self.trees.len());
            let epoch = s.epoch;
            let source = from.get();
            s.days[source] = 0.0;
            s.first[source] = None;
            s.previous[source] = from;
            s.seen[source] = epoch;
            s.queue.push(Reverse((days_key(0.0), from.0)));
            let mut left_out = false;
            while let Some(Reverse((_, u))) = s.queue.pop() {
                let u = usize::from(u);
                let d = s.days[u];
                // A province is queued again each time it comes nearer; only its nearest counts.
                if s.settled[u] == epoch {
                    continue;
                }
                s.settled[u] = epoch;
                let (first, previous) = (s.first[u], s.previous[u]);
                if let Flow::Stop = settle(Reached { days: d, province: ProvinceIx::new(u), first, previous }) {
                    return false;
                }
                let (start, end) = (self.offsets[u] as usize, self.offsets[u + 1] as usize);
                for &(w, step) in &self.edges[start..end] {
                    let candidate = d + step;
                    let wi = w.get();
                    if candidate < s.days(wi) {
                        // Beyond the limit, it can only be left out: not queued at all.
                        if candidate > limit {
                            left_out = true;
                            continue;
                        }
                        s.days[wi] = candidate;
                        s.seen[wi] = epoch;
                        s.first[wi] = if u == source { Some(w) } else { first };
                        s.previous[wi] = ProvinceIx::new(u);
                        s.queue.push(Reverse((days_key(candidate), w.0)));
                    }
                }
            }
            !left_out
        })
    }

    /// The provinces within the horizon of `from`, searched the first time they are asked.
    fn tree(&self, from: ProvinceIx) -> &Tree {
        self.trees[from.get()].get_or_init(|| {
            let mut reached = Vec::new();
            let complete = self.search(from, self.horizon, |r| {
                reached.push(r);
                Flow::Continue
            });
            // Settled in this order already unless steps of no days tie provinces out of it.
            reached.sort_by(|a, b| a.days.total_cmp(&b.days).then(a.province.cmp(&b.province)));
            // Provinces are u16 indices, so a tree holds at most 2^16 of them.
            let mut by_province: Vec<u32> =
                reached.iter().enumerate().map(|(k, r)| u32::from(r.province.0) << 16 | k as u32).collect();
            by_province.sort_unstable();
            Tree { reached, by_province, complete }
        })
    }

    /// The days of march within which routes are kept: the AI plans within them.
    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// The provinces within `days` of march of `from` (itself first), nearest first; `days` is
    /// at most the [horizon](Self::horizon).
    pub fn within(&self, from: ProvinceIx, days: f64) -> &[Reached] {
        debug_assert!(days <= self.horizon, "{days} days lie beyond the routes' horizon");
        let list = &self.tree(from).reached;
        &list[..list.partition_point(|r| r.days <= days)]
    }

    /// Every province within the horizon of `from` (itself first), nearest first.
    pub fn around(&self, from: ProvinceIx) -> &[Reached] {
        &self.tree(from).reached
    }

    /// Days of march from `from` to `to` if `to` lies within the horizon.
    pub fn near(&self, from: ProvinceIx, to: ProvinceIx) -> Option<f64> {
        self.tree(from).find(to).map(|r| r.days)
    }

    /// The way from `from` to `to`: from `from`'s routes if they have been searched and reach
    /// it, else by a search from `from` that stops at `to` (the same way, as the search settles
    /// provinces in the same order). A march passing through does not keep the routes of every
    /// province on its way.
    fn reach(&self, from: ProvinceIx, to: ProvinceIx) -> Option<Reached> {
        if let Some(tree) = self.trees[from.get()].get() {
            if let Some(r) = tree.find(to) {
                return Some(*r);
            }
            if tree.complete {
                return None;
            }
        }
        let mut found = None;
        self.search(from, f64::INFINITY, |r| {
            if r.province == to {
                found = Some(r);
                Flow::Stop
            } else {
                Flow::Continue
            }
        });
        found
    }

    /// The provinces on the way from `from` to `to` within the horizon, `to` first and back to
    /// the one after `from`, as `from`'s search found it (empty if `to` lies beyond the horizon
    /// or is `from`).
    pub fn road_back(&self, from: ProvinceIx, to: ProvinceIx) -> impl Iterator<Item = ProvinceIx> + '_ {
        let tree = self.tree(from);
        let mut at = tree.find(to).filter(|_| to != from);
        std::iter::from_fn(move || {
            let here = at?;
            at = tree.find(here.previous).filter(|r| r.province != from);
            Some(here.province)
        })
    }

    /// The first province on the way from `from` to `to`.
    pub fn next_step(&self, from: ProvinceIx, to: ProvinceIx) -> Option<ProvinceIx> {
        self.reach(from, to).and_then(|r| r.first)
    }

    /// Days of march from `from` to `to` at speed 1.0 (infinite if there is no way).
    pub fn days(&self, from: ProvinceIx, to: ProvinceIx) -> f64 {
        self.reach(from, to).map_or(f64::INFINITY, |r| r.days)
    }
}

/// A sum counted in thousands of `currency` as a reader takes it in: 90,000 as "90.0 million
/// taels", 850 as "850 thousand taels". The window and the chronicle both write money so.
pub fn money_in_words(thousands: f64, currency: &str) -> String {
    if thousands.abs() >= 999.5 {
        format!("{:.1} million {currency}", thousands / 1000.0)
    } else {
        format!("{thousands:.0} thousand {currency}")
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

#[cfg(test)]
mod tests {
    use crate::scenario::{Difficulty, validate_embedded};
    use crate::sim::testing::{scenario, sim};
    use crate::sim::{Sim, StaticData};

    fn hard_scenario() -> crate::scenario::ValidScenario {
        let mut s = scenario("", "");
        s.difficulty = Some(Difficulty::Hard);
        validate_embedded(s, "test").expect("valid")
    }

    #[test]
    fn a_scenario_sets_its_own_difficulty_and_a_player_may_pick_another() {
        let valid = hard_scenario();
        let own = StaticData::new(&valid);
        assert_eq!(own.rules().ai_bonus, own.rules().hard_ai_bonus);
        let easy = StaticData::at_difficulty(&valid, Some(Difficulty::Easy));
        assert_eq!(easy.rules().ai_bonus, easy.rules().easy_ai_bonus);
        let normal = StaticData::at_difficulty(&valid, Some(Difficulty::Normal));
        assert_eq!(normal.rules().ai_bonus, 1.0);
        assert_eq!(normal.scenario.difficulty, None, "the level is resolved into the rules, once");
        assert!(normal.planners.iter().all(|p| *p == super::Planner::Strategic));
        assert!(easy.planners.iter().all(|p| *p == super::Planner::Classic), "easy is the classic AI");
    }

    #[test]
    fn war_plans_may_be_switched_off_and_a_save_keeps_them_off() {
        let valid = crate::scenario::load_valid(&crate::scenario::ScenarioRef::Builtin("jingkang".into()))
            .expect("a built-in scenario");
        let with = StaticData::new(&valid);
        assert!(!with.program.war_plans.is_empty());
        let without = StaticData::configured(&valid, None, false);
        assert!(without.program.war_plans.is_empty());
        // Rebuilt from its own scenario (as a save is), the campaign still has none.
        let again = crate::scenario::validate_embedded(without.scenario.clone(), "save").expect("valid");
        assert!(StaticData::new(&again).program.war_plans.is_empty());
    }

    #[test]
    fn a_save_keeps_the_difficulty_it_was_played_at() {
        let valid = hard_scenario();
        let data = StaticData::at_difficulty(&valid, Some(Difficulty::Easy));
        let mut game = Sim::new(std::sync::Arc::new(data), &Default::default());
        game.step();
        let restored = Sim::restore(&game.snapshot()).expect("restores");
        assert_eq!(restored.data().rules().ai_bonus, 0.8, "not the scenario's own hard level");
        let fresh = sim(scenario("", ""), 1);
        assert_eq!(fresh.data().rules().ai_bonus, 1.0);
    }

    #[test]
    fn winter_comes_in_the_scenario_s_months_and_freezes_the_rivers_it_says() {
        use crate::scenario::{ConnectionKind, Date, Winter};
        let river = |winter: Winter, freezes: Option<bool>| {
            let mut s = scenario("", "");
            s.connections[0].kind = ConnectionKind::River;
            s.connections[0].freezes = freezes;
            s.winter = winter;
            StaticData::new(&validate_embedded(s, "test").expect("valid"))
        };
        let north = river(Winter::default(), None);
        assert!(north.is_winter(Date::new(1125, 12)) && !north.is_winter(Date::new(1125, 6)));
        let b = north.province("b");
        let (summer, winter) = (north.step_days(0, b, false), north.step_days(0, b, true));
        assert_eq!(summer, winter * north.rules().river_crossing, "a frozen river costs nothing extra");
        let south = river(Winter { months: vec![6, 7], rivers_freeze: false }, None);
        assert!(south.is_winter(Date::new(1125, 7)) && !south.is_winter(Date::new(1125, 12)));
        assert_eq!(south.step_days(0, b, true), summer, "the Yangtze does not freeze");
        let thawed = river(Winter::default(), Some(false));
        assert_eq!(thawed.step_days(0, b, true), summer, "one river may stay open");
        let frozen = river(Winter { months: vec![1], rivers_freeze: false }, Some(true));
        assert_eq!(frozen.step_days(0, b, true), winter, "and one may freeze where others do not");
    }

    /// Shortest days from `from` to every province by Bellman-Ford relaxation: slow, simple,
    /// and independent of the routes' search.
    fn reference_days(data: &StaticData, winter: bool, from: usize) -> Vec<f64> {
        let mut days = vec![f64::INFINITY; data.neighbours.len()];
        days[from] = 0.0;
        loop {
            let mut changed = false;
            for a in 0..days.len() {
                for &(b, c) in &data.neighbours[a] {
                    let d = days[a] + data.step_days(c, b, winter);
                    if d < days[b.get()] - 1e-9 {
                        days[b.get()] = d;
                        changed = true;
                    }
                }
            }
            if !changed {
                return days;
            }
        }
    }

    #[test]
    fn routes_searched_on_demand_are_the_shortest_within_the_horizon_and_beyond_it() {
        use crate::sim::ProvinceIx;
        let size = crate::sweep::MapSize { provinces: 150, factions: 3, seed: 5, months: 12 };
        let mut s = crate::scenario::parse_scenario_text(&crate::sweep::generate_scenario(&size)).expect("parses");
        // A short horizon, so that most routes lie beyond it.
        s.rules.ai_plan_days = 25.0;
        s.rules.ai_horizon_days = 20.0;
        s.rules.ai_reach_days = 20.0;
        s.rules.ai_threat_days = 20.0;
        let data = StaticData::new(&validate_embedded(s, "test").expect("valid"));
        let n = data.neighbours.len();
        for winter in [false, true] {
            let routes = data.routes(winter);
            assert_eq!(routes.horizon(), 25.0);
            for from in (0..n).step_by(7) {
                let reference = reference_days(&data, winter, from);
                let a = ProvinceIx::new(from);
                let around = routes.around(a);
                assert!(around.len() < n, "the horizon leaves provinces out");
                assert!(around.windows(2).all(|w| (w[0].days, w[0].province) <= (w[1].days, w[1].province)));
                for (to, &shortest) in reference.iter().enumerate() {
                    let b = ProvinceIx::new(to);
                    let days = routes.days(a, b);
                    assert!((days - shortest).abs() < 1e-9, "{from} -> {to}: {days} vs {shortest}");
                    assert_eq!(routes.near(a, b), (shortest <= 25.0).then_some(days), "{from} -> {to}");
                    match routes.next_step(a, b) {
                        None => assert!(from == to || days.is_infinite()),
                        // The first step is a neighbour on a shortest way.
                        Some(next) => {
                            let (_, c) = data.neighbours[from].iter().find(|(p, _)| *p == next).expect("a neighbour");
                            let via = data.step_days(*c, next, winter) + routes.days(next, b);
                            assert!((via - days).abs() < 1e-9, "{from} -> {to} via {}", next.get());
                        }
                    }
                }
                // The road back from a province within the horizon leads to the start.
                if let Some(far) = around.last().filter(|r| r.province != a) {
                    let road: Vec<ProvinceIx> = routes.road_back(a, far.province).collect();
                    assert_eq!(road.first(), Some(&far.province));
                    let last = *road.last().expect("not empty");
                    assert!(data.neighbours[from].iter().any(|(p, _)| *p == last), "the road starts next to {from}");
                }
            }
        }
    }

    #[test]
    fn sums_are_told_in_the_scenario_s_money() {
        let mut s = scenario("", "");
        let taels = StaticData::new(&validate_embedded(s.clone(), "test").expect("valid"));
        assert_eq!(taels.money(500.0), "500 thousand taels");
        s.currency = "denarii".into();
        let denarii = StaticData::new(&validate_embedded(s, "test").expect("valid"));
        assert_eq!(denarii.money(1234.4), "1.2 million denarii");
        assert_eq!(super::money_in_words(90_000.0, "taels"), "90.0 million taels");
        assert_eq!(super::money_in_words(999.7, "taels"), "1.0 million taels");
        assert_eq!(super::money_in_words(850.2, "taels"), "850 thousand taels");
        assert_eq!(super::money_in_words(-2_500.0, "taels"), "-2.5 million taels");
    }
}
