//! The plain serde types of the scenario format (version 1): what a RON scenario file holds.
//!
//! Quantities are `i64` so that a negative or absurd number is reported by validation with every
//! other mistake of the file instead of stopping the parse; validation guarantees the ranges the
//! simulation relies on. Units: silver in thousands of taels, grain in units that feed a thousand
//! people for a month, troops and people as heads, morale, loyalty and legitimacy from 0 to 100.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::logic::{Condition, Effect, Weight};
use super::rules::{Difficulty, Rules};

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole scenario: metadata and every list of things in the game.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Version of the format the file is written in; must be [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Identifier used on the command line (`jingkang run ID`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// A paragraph shown on the start screen; its first line is the one-line summary.
    #[serde(default)]
    pub description: String,
    /// The first turn.
    pub start: Date,
    /// The last turn; the scenario ends after it.
    pub end: Date,
    /// Files merged into this one, relative to this file, inside its folder.
    #[serde(default)]
    pub includes: Vec<String>,
    /// Reign eras, used to show dates ("Xuanhe 2").
    #[serde(default)]
    pub eras: Vec<Era>,
    /// Overrides of the rule parameters; every one not given keeps its default.
    #[serde(default)]
    pub rules: Rules,
    /// The difficulty the scenario is played at unless the player picks another; normal if none.
    /// It is resolved into the rules when a campaign starts, so a save never holds one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Difficulty>,
    /// When winter comes and whether it freezes the rivers.
    #[serde(default, skip_serializing_if = "Winter::is_default")]
    pub winter: Winter,
    /// The name of the money, plural: sums are counted in thousands of it ("500 thousand taels").
    #[serde(default = "taels", skip_serializing_if = "is_taels")]
    pub currency: String,
    /// Who owns which provinces at the start, overriding the owners written in the map:
    /// faction id to province ids.
    #[serde(default)]
    pub owners: BTreeMap<String, Vec<String>>,
    /// Figures of the map's provinces changed for this scenario.
    #[serde(default)]
    pub province_setup: Vec<ProvinceSetup>,
    /// Every list section, also allowed in included files.
    #[serde(default)]
    pub troop_kinds: Vec<TroopKind>,
    #[serde(default)]
    pub terrains: Vec<Terrain>,
    #[serde(default)]
    pub traits: Vec<Trait>,
    #[serde(default)]
    pub factions: Vec<Faction>,
    #[serde(default)]
    pub characters: Vec<Character>,
    #[serde(default)]
    pub provinces: Vec<Province>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub lines: Vec<Line>,
    #[serde(default)]
    pub armies: Vec<Army>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub treaties: Vec<Treaty>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub victory: Vec<Victory>,
    #[serde(default)]
    pub history: Vec<HistoryCheck>,
    /// Objectives that guide the AI: what a faction (or one of its armies) should go for.
    #[serde(default)]
    pub war_plans: Vec<WarPlan>,
    /// Odds the design aims for, measured over many seeds by `jingkang calibrate`.
    #[serde(default)]
    pub calibration: Vec<Target>,
}

/// When winter comes, which slows marches and starves camps, and whether its frost freezes the
/// rivers, so that crossing one costs nothing extra.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Winter {
    /// The winter months, 1 to 12.
    #[serde(default = "northern_winter")]
    pub months: Vec<i64>,
    /// Whether rivers freeze in winter (a `River` connection may say otherwise with `freezes`).
    #[serde(default = "yes")]
    pub rivers_freeze: bool,
}

impl Default for Winter {
    fn default() -> Self {
        Self { months: northern_winter(), rivers_freeze: true }
    }
}

impl Winter {
    /// Whether this is the winter of North China: November to February, rivers frozen.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

fn is_false(b: &bool) -> bool {
    !b
}

fn is_two(n: &i64) -> bool {
    *n == 2
}

fn taels() -> String {
    "taels".to_string()
}

fn is_taels(currency: &str) -> bool {
    currency == "taels"
}

fn northern_winter() -> Vec<i64> {
    vec![11, 12, 1, 2]
}

/// An included file: the same list sections as a scenario, and nothing else.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub eras: Vec<Era>,
    #[serde(default)]
    pub troop_kinds: Vec<TroopKind>,
    #[serde(default)]
    pub terrains: Vec<Terrain>,
    #[serde(default)]
    pub traits: Vec<Trait>,
    #[serde(default)]
    pub factions: Vec<Faction>,
    #[serde(default)]
    pub characters: Vec<Character>,
    #[serde(default)]
    pub provinces: Vec<Province>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub lines: Vec<Line>,
    #[serde(default)]
    pub armies: Vec<Army>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub treaties: Vec<Treaty>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub victory: Vec<Victory>,
    #[serde(default)]
    pub history: Vec<HistoryCheck>,
    #[serde(default)]
    pub war_plans: Vec<WarPlan>,
    #[serde(default)]
    pub calibration: Vec<Target>,
}

/// A reign era: from `start`, dates of `faction` (or of every faction) show as "NAME YEAR".
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Era {
    pub name: String,
    pub start: Date,
    /// The faction whose calendar this is; `None` for all.
    #[serde(default)]
    pub faction: Option<String>,
}

/// A kind of troops and what it is good at; every figure is a multiplier around 1.0.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TroopKind {
    pub id: String,
    pub name: String,
    /// Fighting power per man in the open field.
    #[serde(default = "one")]
    pub field: f64,
    /// Power per man when storming walls.
    #[serde(default = "one")]
    pub assault: f64,
    /// Power per man when defending walls.
    #[serde(default = "one")]
    pub defence: f64,
    /// March speed multiplier.
    #[serde(default = "one")]
    pub speed: f64,
    /// Pay per thousand men per month, in thousands of taels.
    #[serde(default = "one")]
    pub upkeep: f64,
    /// Horsemen: terrain's `mounted` multiplier applies to them.
    #[serde(default)]
    pub mounted: bool,
}

/// A kind of land and how it changes marching, fighting and foraging.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Terrain {
    pub id: String,
    pub name: String,
    /// Multiplier on the days it takes to cross.
    #[serde(default = "one")]
    pub move_cost: f64,
    /// Multiplier on a defender's power.
    #[serde(default = "one")]
    pub defence: f64,
    /// Multiplier on mounted troops' power.
    #[serde(default = "one")]
    pub mounted: f64,
    /// Multiplier on the grain an army can forage.
    #[serde(default = "one")]
    pub forage: f64,
    /// How the map draws land of this kind: relief for hills and mountains, tufts of grass for
    /// steppe, and so on. It changes nothing in the rules.
    #[serde(default, skip_serializing_if = "Pattern::is_plain")]
    pub pattern: Pattern,
}

/// The marks the map draws over land of a terrain.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    /// No marks: open farmland and great cities.
    #[default]
    Plain,
    Hills,
    Mountains,
    Steppe,
    Forest,
    Marsh,
    Desert,
}

impl Pattern {
    /// Whether it is the default, unmarked land.
    pub fn is_plain(&self) -> bool {
        *self == Pattern::Plain
    }
}

/// A named trait of a faction or character and the modifiers it brings.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trait {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub modifiers: Vec<Modifier>,
}

/// What a trait changes; each value is added to the named figure.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub enum Modifier {
    /// Commander's battle skill (0-10 scale).
    Command(f64),
    /// Skill at defending walls (0-10 scale).
    Defence(f64),
    /// Skill at diplomacy (0-10 scale).
    Diplomacy(f64),
    /// Skill at administration (0-10 scale).
    Administration(f64),
    /// Loyalty drift per month (points).
    Loyalty(f64),
    /// Morale of led or owned armies (points).
    ArmyMorale(f64),
    /// Legitimacy drift per month (points).
    Legitimacy(f64),
    /// Court cohesion drift per month (points).
    Cohesion(f64),
    /// Share of income lost or gained (-0.1 = a tenth lost).
    Income(f64),
    /// Multiplier offset on fighting power (0.2 = a fifth stronger).
    Fighting(f64),
    /// Multiplier offset on power when storming walls.
    Assault(f64),
    /// Weight an AI gives to aggression (points).
    Aggression(f64),
}

/// A state: who plays, what it owns at start, its treasury and standing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Faction {
    pub id: String,
    pub name: String,
    /// The name in the script of its own time and place ("開封" for Kaifeng), shown beside
    /// `name` in the window; `None` when it has none worth showing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_name: Option<String>,
    /// A plural name ("Xinye and Fancheng"), which the chronicle gives plural verbs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub plural: bool,
    #[serde(default)]
    pub description: String,
    /// Map colour, `"#rrggbb"`.
    pub colour: String,
    /// Its capital province, which it must own; `None` for a landless faction.
    pub capital: Option<String>,
    /// The ruling character, who must serve this faction.
    #[serde(default)]
    pub ruler: Option<String>,
    /// Silver, in thousands of taels.
    #[serde(default)]
    pub treasury: i64,
    /// Grain in the state granaries.
    #[serde(default)]
    pub grain: i64,
    /// The mandate to rule, 0-100.
    #[serde(default = "fifty")]
    pub legitimacy: i64,
    /// Court cohesion, 0-100: how well the court holds together.
    #[serde(default = "fifty")]
    pub cohesion: i64,
    #[serde(default)]
    pub traits: Vec<String>,
    /// Whether the state ends when its ruler is a captive, dead or in exile and no heir serves
    /// it (a dynasty that is the state, as Liao was); by default a state ends only with its last
    /// province and army.
    #[serde(default, skip_serializing_if = "is_false")]
    pub falls_with_ruler: bool,
    /// The troop kind its levies take the field as; `None` for a faction that raises no levies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levy: Option<String>,
    /// Whether a human may pick it on the start screen.
    #[serde(default = "yes")]
    pub playable: bool,
    /// `false` for a state that appears later, brought in by an event.
    #[serde(default = "yes")]
    pub active: bool,
}

/// The parts a character may play.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Ruler,
    Heir,
    Minister,
    Commander,
}

/// A character's abilities, each 0-10.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Skills {
    #[serde(default = "five")]
    pub command: i64,
    #[serde(default = "five")]
    pub defence: i64,
    #[serde(default = "five")]
    pub diplomacy: i64,
    #[serde(default = "five")]
    pub administration: i64,
}

impl Default for Skills {
    fn default() -> Self {
        Self { command: 5, defence: 5, diplomacy: 5, administration: 5 }
    }
}

/// A ruler, minister or commander.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Character {
    pub id: String,
    pub name: String,
    /// The name in the script of its own time and place ("開封" for Kaifeng), shown beside
    /// `name` in the window; `None` when it has none worth showing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_name: Option<String>,
    #[serde(default)]
    pub description: String,
    /// The faction served; `None` for someone who serves nobody yet.
    pub faction: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub skills: Skills,
    /// Loyalty to the faction served, 0-100.
    #[serde(default = "seventy")]
    pub loyalty: i64,
    #[serde(default)]
    pub traits: Vec<String>,
    /// `false` for someone who enters the story later, through an event.
    #[serde(default = "yes")]
    pub active: bool,
    /// The year of his birth: with it he may die of age (the `mortality_` rules); without it he
    /// dies only by the story's events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<i64>,
}

/// A prefecture or city.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Province {
    pub id: String,
    pub name: String,
    /// The name in the script of its own time and place ("開封" for Kaifeng), shown beside
    /// `name` in the window; `None` when it has none worth showing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_name: Option<String>,
    /// A plural name ("Xinye and Fancheng"), which the chronicle gives plural verbs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub plural: bool,
    /// (longitude, latitude) in degrees.
    pub position: (f64, f64),
    pub terrain: String,
    /// The owning faction; `None` for unowned land.
    pub owner: Option<String>,
    /// People living there.
    #[serde(default)]
    pub population: i64,
    /// Silver it yields a month to its owner, in thousands of taels.
    #[serde(default)]
    pub wealth: i64,
    /// Grain in the city's stores.
    #[serde(default)]
    pub grain: i64,
    /// Strength of the walls, 0 (none) to 10.
    #[serde(default)]
    pub walls: i64,
    /// Men defending the walls.
    #[serde(default)]
    pub garrison: i64,
    /// The faction its people hold legitimate; by default its owner.
    #[serde(default)]
    pub loyal_to: Option<String>,
    /// How strongly its people hold to `loyal_to`, 0-100.
    #[serde(default = "sixty")]
    pub loyalty: i64,
    /// Its borders drawn by hand, (longitude, latitude) points around its city; without them the
    /// map gives it the land nearer its city than any other's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Vec<(f64, f64)>>,
}

/// A scenario's changes to a province of its map; every field given replaces the map's value.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename = "Setup")]
pub struct ProvinceSetup {
    pub province: String,
    #[serde(default)]
    pub population: Option<i64>,
    #[serde(default)]
    pub wealth: Option<i64>,
    #[serde(default)]
    pub grain: Option<i64>,
    #[serde(default)]
    pub walls: Option<i64>,
    #[serde(default)]
    pub garrison: Option<i64>,
    #[serde(default)]
    pub loyal_to: Option<String>,
    #[serde(default)]
    pub loyalty: Option<i64>,
}

/// The ways between provinces.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConnectionKind {
    Road,
    Pass,
    /// A road that crosses a great river.
    River,
    Sea,
}

/// A way between two provinces, usable both ways.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub from: String,
    pub to: String,
    pub kind: ConnectionKind,
    /// Days of march for infantry on open ground.
    pub days: i64,
    /// For a `River`: whether it freezes in winter; by default as the scenario's `winter` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freezes: Option<bool>,
}

/// What a drawn line shows.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum LineKind {
    Coast,
    River,
    Border,
    Wall,
    /// The edge of the known world, closed: the map is drawn inside it, and every city lies in it.
    Frame,
}

/// A line drawn on the map: coast, river, wall.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Line {
    #[serde(default)]
    pub name: String,
    pub kind: LineKind,
    /// (longitude, latitude) points, at least two (three for a `Frame`).
    pub points: Vec<(f64, f64)>,
    /// How boldly it is drawn, 1 (a stream) to 3 (a great river, a great wall).
    #[serde(default = "two", skip_serializing_if = "is_two")]
    pub importance: i64,
}

/// An army in the field.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Army {
    pub id: String,
    pub name: String,
    /// A plural name ("Xinye and Fancheng"), which the chronicle gives plural verbs.
    #[serde(default, skip_serializing_if = "is_false")]
    pub plural: bool,
    pub owner: String,
    pub location: String,
    #[serde(default)]
    pub commander: Option<String>,
    /// Men by troop kind id.
    pub troops: BTreeMap<String, i64>,
    /// 0-100.
    #[serde(default = "seventy")]
    pub morale: i64,
    /// How well supplied it is, 0-100.
    #[serde(default = "hundred")]
    pub supply: i64,
    /// Grain carried in the baggage train.
    #[serde(default)]
    pub grain: i64,
}

/// How two factions stand at the start.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub between: (String, String),
    /// -100 (hatred) to 100 (friendship).
    #[serde(default)]
    pub opinion: i64,
    /// 0 (none) to 100: confidence that promises are kept.
    #[serde(default = "fifty")]
    pub trust: i64,
    #[serde(default)]
    pub war: bool,
}

/// An agreement between factions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Treaty {
    pub id: String,
    pub name: String,
    pub parties: Vec<String>,
    pub kind: TreatyKind,
}

/// The kinds of treaty and their terms.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum TreatyKind {
    /// War together against `against`; each share says who takes which provinces.
    Alliance {
        against: Vec<String>,
        #[serde(default)]
        shares: Vec<Share>,
    },
    /// `payer` pays `payee` a yearly sum, a twelfth each month.
    Tribute { payer: String, payee: String, yearly: i64 },
    /// No war between the parties until `until`.
    Truce { until: Date },
    /// Peace on terms: an indemnity, ceded provinces, hostages.
    Peace {
        #[serde(default)]
        payer: Option<String>,
        #[serde(default)]
        indemnity: i64,
        #[serde(default)]
        ceded: Vec<Cession>,
        #[serde(default)]
        hostages: Vec<String>,
    },
    /// `vassal` serves `overlord`: it pays it `tribute` (a share, 0-1) of its income each month,
    /// goes to war with its overlord's enemies and makes peace with those its overlord is at peace
    /// with. A war between the two ends it, as it ends any treaty.
    Vassal {
        overlord: String,
        vassal: String,
        #[serde(default)]
        tribute: f64,
    },
}

/// Provinces an ally is promised.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub faction: String,
    pub provinces: Vec<String>,
}

/// A province handed to a faction.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cession {
    pub province: String,
    pub to: String,
}

/// How an event comes to a faction.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub enum EventKind {
    /// Fires by itself when its trigger holds (and its chance comes up).
    #[default]
    Event,
    /// Offered to the faction while its trigger holds; taken when the faction chooses.
    Decision,
}

/// An event or decision: a turning point with options.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// The faction that answers it.
    pub faction: String,
    #[serde(default)]
    pub kind: EventKind,
    #[serde(default)]
    pub trigger: Condition,
    /// Percent chance each month that it fires while the trigger holds.
    #[serde(default = "hundred_f")]
    pub chance: f64,
    #[serde(default)]
    pub repeatable: bool,
    pub options: Vec<EventOption>,
}

/// One answer to an event, written `Option(...)`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename = "Option")]
pub struct EventOption {
    pub id: String,
    pub name: String,
    /// What it means and does, in the game's voice.
    #[serde(default)]
    pub text: String,
    /// The option history chose; at most one per event.
    #[serde(default)]
    pub historical: bool,
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// How much an AI faction likes this option.
    #[serde(default)]
    pub ai: Weight,
}

/// A way to win.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Victory {
    pub id: String,
    pub faction: String,
    pub description: String,
    pub condition: Condition,
    /// Checked only when the scenario ends, instead of every turn.
    #[serde(default)]
    pub at_end: bool,
}

/// An objective for the AI: while `when` holds, `target` is worth `weight` times as much to the
/// faction's armies (or to one army); a weight of 0 forbids it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WarPlan {
    pub faction: String,
    #[serde(default)]
    pub army: Option<String>,
    pub target: String,
    pub weight: f64,
    #[serde(default)]
    pub when: Condition,
    /// A war goal: while `when` holds, the faction makes no peace with whoever holds `target`.
    #[serde(default)]
    pub goal: bool,
}

/// How a besieged city fell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FallCause {
    /// Its stores ran out and its garrison gave up.
    Starvation,
    /// It was stormed.
    Assault,
    /// Its walls were breached.
    Breach,
    /// Nobody defended it.
    Undefended,
    /// An army inside its walls went over to the enemy and opened the gates.
    Betrayal,
}

/// An aim of the design: over many seeds, with the given choices, `measure` should hold in a share
/// of runs within the bounds (or, with `change`, differ by that much from the historical choices).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    /// What is measured, e.g. "Kaifeng falls by 1127-03".
    pub text: String,
    /// Take the historical option of every event not in `choose`.
    #[serde(default = "yes")]
    pub historical: bool,
    /// Imposed answers: event id to option id.
    #[serde(default)]
    pub choose: BTreeMap<String, String>,
    pub measure: Measure,
    /// Least share of runs (0 to 1).
    #[serde(default)]
    pub at_least: Option<f64>,
    /// Greatest share of runs (0 to 1).
    #[serde(default)]
    pub at_most: Option<f64>,
    /// Bound the change from the historical choices (same seeds) instead of the share itself.
    #[serde(default)]
    pub change: bool,
    /// Greatest share (0 to 1) of the runs in which the measure's history check came true that
    /// saw it come true in one and the same month: a campaign, not a timetable. Only for a
    /// measure that names a check (`Matched`, `HappenedBy`, `Within`). Left out of a save when unset, so
    /// saves without it read and hash as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_in_one_month: Option<f64>,
}

impl Measure {
    /// The history check the measure names, if it names one.
    pub fn check(&self) -> Option<&str> {
        match self {
            Measure::Matched(check) | Measure::HappenedBy { check, .. } | Measure::Within { check, .. } => Some(check),
            _ => None,
        }
    }
}

/// What a calibration target counts in one run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum Measure {
    /// A history check matched history (within its tolerance).
    Matched(String),
    /// A history check came true at or before `by`.
    HappenedBy {
        check: String,
        by: Date,
    },
    /// A siege of `province` ended with its fall, to `to` (any faction if `None`), by `cause` (any if
    /// `None`), after a number of months in `months` (inclusive), by the date `by`.
    Fell {
        province: String,
        #[serde(default)]
        to: Option<String>,
        #[serde(default)]
        cause: Option<FallCause>,
        #[serde(default)]
        months: Option<(u32, u32)>,
        #[serde(default)]
        by: Option<Date>,
    },
    /// `faction` holds `province` when the game ends.
    HoldsAtEnd {
        faction: String,
        province: String,
    },
    /// `faction` won (nobody if `None`).
    Wins(Option<String>),
    /// Every one of the history checks came true, each in the same month as the one before it or
    /// later: the story ran in this order.
    InOrder(Vec<String>),
    /// The history check first came true no more than `months` before or after its date.
    Within {
        check: String,
        months: u32,
    },
    All(Vec<Measure>),
    Any(Vec<Measure>),
    Not(Box<Measure>),
}

/// A dated fact of the historical record, used to measure divergence; written `Check(...)`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename = "Check")]
pub struct HistoryCheck {
    pub id: String,
    /// What happened, e.g. "Taiyuan is held by Jin".
    pub text: String,
    /// When it happened.
    pub date: Date,
    pub condition: Condition,
    /// Months either side of `date` that still count as matching history.
    #[serde(default = "two")]
    pub tolerance: i64,
}

fn one() -> f64 {
    1.0
}
fn hundred_f() -> f64 {
    100.0
}
fn yes() -> bool {
    true
}
fn two() -> i64 {
    2
}
fn five() -> i64 {
    5
}
fn fifty() -> i64 {
    50
}
fn sixty() -> i64 {
    60
}
fn seventy() -> i64 {
    70
}
fn hundred() -> i64 {
    100
}

impl Scenario {
    /// `date` in the reign era of `faction` (or the scenario's general calendar): "Xuanhe 7".
    /// `None` when no era covers it.
    pub fn era_year(&self, date: super::Date, faction: Option<&str>) -> Option<String> {
        self.eras
            .iter()
            .filter(|e| e.start <= date && (e.faction.is_none() || e.faction.as_deref() == faction))
            // The latest era to start wins; a faction's own calendar beats the general one.
            .max_by_key(|e| (e.start, e.faction.is_some()))
            .map(|e| format!("{} {}", e.name, date.year - e.start.year + 1))
    }
}
