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
        for winter in [false, true] {
            let routes = Routes::build(&data.neighbours, |c, to| data.step_days(c, to, winter));
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

/// Days of march, ordered as `f64::total_cmp` orders them, for the search's queue.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Days(f64);

impl Eq for Days {}

impl PartialOrd for Days {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Days {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// All-pairs shortest marches: `days[a][b]` at speed 1.0 and the first step from `a` toward `b`.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    pub days: Vec<Vec<f64>>,
    pub next: Vec<Vec<Option<ProvinceIx>>>,
    /// From each province, every province it can reach with the days it takes, nearest first
    /// (then by index): what lies within some days' march is a prefix.
    pub nearest: Vec<Vec<(f64, ProvinceIx)>>,
}

impl Routes {
    /// Dijkstra from every province on a binary heap, ties broken by province index so routes
    /// are deterministic: the province settled next is always the nearest unsettled one, and of
    /// equally near ones the lowest index.
    fn build(neighbours: &[Vec<(ProvinceIx, usize)>], step_days: impl Fn(usize, ProvinceIx) -> f64) -> Self {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let n = neighbours.len();
        let mut days = vec![vec![f64::INFINITY; n]; n];
        let mut next = vec![vec![None; n]; n];
        let mut done = vec![false; n];
        let mut queue: BinaryHeap<Reverse<(Days, usize)>> = BinaryHeap::new();
        for source in 0..n {
            let dist = &mut days[source];
            let first = &mut next[source];
            dist[source] = 0.0;
            done.fill(false);
            queue.clear();
            queue.push(Reverse((Days(0.0), source)));
            while let Some(Reverse((Days(d), u))) = queue.pop() {
                // A province is queued again each time it comes nearer; only its nearest counts.
                if done[u] || d > dist[u] {
                    continue;
                }
                done[u] = true;
                for &(w, connection) in &neighbours[u] {
                    let candidate = dist[u] + step_days(connection, w);
                    if candidate < dist[w.get()] {
                        dist[w.get()] = candidate;
                        first[w.get()] = if u == source { Some(w) } else { first[u] };
                        queue.push(Reverse((Days(candidate), w.get())));
                    }
                }
            }
        }
        let nearest = days
            .iter()
            .map(|row| {
                let mut list: Vec<(f64, ProvinceIx)> =
                    (0..n).filter(|t| row[*t].is_finite()).map(|t| (row[t], ProvinceIx::new(t))).collect();
                list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                list
            })
            .collect();
        Self { days, next, nearest }
    }

    /// The provinces within `days` of march of `from` (itself first), nearest first.
    pub fn within(&self, from: ProvinceIx, days: f64) -> &[(f64, ProvinceIx)] {
        let list = &self.nearest[from.get()];
        &list[..list.partition_point(|(d, _)| *d <= days)]
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
