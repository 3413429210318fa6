//! The closed vocabulary of conditions and effects that events, victories and history checks use.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::model::{Army, Role, Treaty};

/// A comparison of a figure with a threshold.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub enum Compare {
    AtLeast(f64),
    AtMost(f64),
}

impl Compare {
    /// Whether `value` passes.
    pub fn holds(self, value: f64) -> bool {
        match self {
            Compare::AtLeast(t) => value >= t,
            Compare::AtMost(t) => value <= t,
        }
    }

    /// The threshold.
    pub fn threshold(self) -> f64 {
        match self {
            Compare::AtLeast(t) | Compare::AtMost(t) => t,
        }
    }
}

/// Something true or false about the state of the game.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub enum Condition {
    #[default]
    Always,
    Never,
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// The current date is this month or later.
    After(Date),
    /// The current date is before this month.
    Before(Date),
    /// `faction` owns `province`.
    Holds {
        faction: String,
        province: String,
    },
    /// The two factions are at war.
    AtWar {
        a: String,
        b: String,
    },
    /// The treaty with this id is in force.
    TreatyInForce(String),
    /// A flag set by an effect.
    Flag(String),
    /// `option` was chosen in `event`.
    Chose {
        event: String,
        option: String,
    },
    /// The character is alive and in play.
    Alive(String),
    /// The character serves the faction.
    Serves {
        character: String,
        faction: String,
    },
    /// The character rules the faction.
    Rules {
        character: String,
        faction: String,
    },
    /// The character holds the role.
    HasRole {
        character: String,
        role: Role,
    },
    /// The faction is in play.
    FactionActive(String),
    /// An army of `faction` stands in `province`.
    ArmyIn {
        faction: String,
        province: String,
    },
    /// The province is under siege.
    Besieged(String),
    /// A siege of the province by the faction has been lifted: its army came and went again
    /// (beaten off, relieved or marched away) without taking the city.
    SiegeLifted {
        province: String,
        by: String,
    },
    /// Months the province has been under siege.
    SiegeMonths {
        province: String,
        is: Compare,
    },
    /// A faction's silver.
    Treasury {
        faction: String,
        is: Compare,
    },
    /// A faction's grain.
    Grain {
        faction: String,
        is: Compare,
    },
    /// A faction's legitimacy.
    Legitimacy {
        faction: String,
        is: Compare,
    },
    /// A faction's court cohesion.
    Cohesion {
        faction: String,
        is: Compare,
    },
    /// Men under arms in a faction's armies.
    Troops {
        faction: String,
        is: Compare,
    },
    /// Number of provinces a faction owns.
    Provinces {
        faction: String,
        is: Compare,
    },
    /// `of`'s opinion of `towards`.
    Opinion {
        of: String,
        towards: String,
        is: Compare,
    },
    /// Grain in a province's stores.
    ProvinceGrain {
        province: String,
        is: Compare,
    },
    /// A human plays the faction.
    HumanPlays(String),
    /// The army is in the field: raised, not disbanded, with men.
    ArmyExists(String),
    /// The army is in the field in the province.
    ArmyAt {
        army: String,
        province: String,
    },
    /// The character is held prisoner.
    Captive(String),
    /// The character is dead.
    Dead(String),
    /// The character is in exile.
    Exiled(String),
}

/// A change to the state of the game.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum Effect {
    /// A sentence for the chronicle.
    Chronicle(String),
    SetFlag(String),
    ClearFlag(String),
    /// Add silver (negative to take).
    Treasury {
        faction: String,
        add: i64,
    },
    /// Add grain.
    Grain {
        faction: String,
        add: i64,
    },
    /// Add legitimacy points.
    Legitimacy {
        faction: String,
        add: i64,
    },
    /// Add court cohesion points.
    Cohesion {
        faction: String,
        add: i64,
    },
    /// Move silver from one treasury to another.
    Pay {
        from: String,
        to: String,
        amount: i64,
    },
    /// Hand a province (and its garrison's allegiance) to a faction.
    Cede {
        province: String,
        to: String,
    },
    /// Change `of`'s opinion of `towards`.
    Opinion {
        of: String,
        towards: String,
        add: i64,
    },
    /// Change `of`'s trust in `towards`.
    Trust {
        of: String,
        towards: String,
        add: i64,
    },
    DeclareWar {
        attacker: String,
        defender: String,
    },
    MakePeace {
        a: String,
        b: String,
    },
    /// A treaty comes into force.
    SignTreaty(Treaty),
    /// A treaty ends.
    EndTreaty(String),
    /// A new army takes the field.
    SpawnArmy(Army),
    /// The army is sent home: its men go back to the people of the province it stands in, if its
    /// own faction holds it.
    DisbandArmy(String),
    /// Men join an army, by troop kind; negative numbers are losses.
    Reinforce {
        army: String,
        troops: BTreeMap<String, i64>,
    },
    /// Add morale points to an army.
    ArmyMorale {
        army: String,
        add: i64,
    },
    /// `by` strips a province of a share (0-1) of its people, wealth and grain, and takes the grain and silver.
    Loot {
        province: String,
        by: String,
        share: f64,
    },
    /// Add to a province's figures.
    AdjustProvince {
        province: String,
        #[serde(default)]
        population: i64,
        #[serde(default)]
        wealth: i64,
        #[serde(default)]
        grain: i64,
        #[serde(default)]
        walls: i64,
        #[serde(default)]
        garrison: i64,
        #[serde(default)]
        loyalty: i64,
    },
    /// Give a character a role.
    Appoint {
        character: String,
        role: Role,
    },
    /// Take a role from a character.
    Dismiss {
        character: String,
        role: Role,
    },
    /// Send a character away: out of play, alive.
    Exile(String),
    /// Put a character to death.
    Execute(String),
    /// Bring a character into play.
    Activate(String),
    /// A character goes over to another faction, with the army he leads if `with_army`.
    Defect {
        character: String,
        to: String,
        #[serde(default)]
        with_army: bool,
    },
    /// A new ruler (an abdication or succession).
    SetRuler {
        faction: String,
        character: String,
    },
    /// Add loyalty points to a character.
    Loyalty {
        character: String,
        add: i64,
    },
    /// Give a character a trait: its modifiers count from now on. Nothing happens if he has it.
    AddTrait {
        character: String,
        #[serde(rename = "trait")]
        trait_: String,
    },
    /// Take a trait from a character: its modifiers no longer count. Nothing happens if he lacks
    /// it.
    RemoveTrait {
        character: String,
        #[serde(rename = "trait")]
        trait_: String,
    },
    /// A faction takes a new name ("Song becomes Southern Song"); its id stays. The new name is
    /// singular unless `plural`.
    RenameFaction {
        faction: String,
        name: String,
        #[serde(default)]
        plural: bool,
    },
    /// A province takes a new name ("Yanjing becomes Yanshan"); its id stays. The new name is
    /// singular unless `plural`.
    RenameProvince {
        province: String,
        name: String,
        #[serde(default)]
        plural: bool,
    },
    /// An army takes a new name ("Aguda's Host becomes the Eastern Route Army"); its id stays.
    RenameArmy {
        army: String,
        name: String,
    },
    /// Put a character at the head of an army.
    SetCommander {
        army: String,
        character: String,
    },
    /// Bring a faction into play.
    ActivateFaction(String),
    /// Take a faction out of play: its wars and treaties end (as when it has no land and no army
    /// left).
    DeactivateFaction(String),
    /// Move a faction's capital.
    SetCapital {
        faction: String,
        province: String,
    },
    /// Fire another event next month, whatever its trigger.
    FireEvent(String),
    /// The `then` effects if `when` holds when the option is taken, else the `else` ones.
    If {
        when: Condition,
        #[serde(default)]
        then: Vec<Effect>,
        #[serde(default, rename = "else")]
        otherwise: Vec<Effect>,
    },
    /// An army loses a share (0-1) of its men.
    Attrition {
        army: String,
        share: f64,
    },
    /// `faction` calls up `men` in `province`, which it owns, by the mobilisation rules: as many as
    /// the province's people, the treasury and the granary allow; they take the field as the
    /// province's levy after `levy_months`, as troops of `kind` (the faction's `levy` kind if
    /// none is given: engineers or horsemen a court hires are a kind of their own). With `join`,
    /// the men are drafts for that army: when they have mustered they join it wherever it is, if
    /// it is still the faction's and in the field.
    Levy {
        faction: String,
        province: String,
        men: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        join: Option<String>,
    },
    /// The holder of the besieged `province` sends `men` of its garrison out as `kind` troops
    /// against the besiegers, in this month's siege: the battle rules decide the fight; a routed
    /// sally may let the pursuers in through the open gate (`sally_gate_chance`). Nothing happens
    /// if no siege is under way there.
    Sally {
        province: String,
        men: i64,
        kind: String,
    },
    /// A band of `men` from `army`, which besieges `province`, tries to get inside the walls by
    /// surprise (a gate forced at dawn, ladders at a weak stretch), in this month's siege: the battle
    /// rules decide whether it takes the city or is cut down. Nothing happens if the army is not
    /// besieging the province.
    Surprise {
        army: String,
        province: String,
        men: i64,
    },
    /// A captive goes free, back to the faction he serves.
    Release(String),
    /// `from` pays `to` up to `amount` (as much as it has) and the captive goes free.
    Ransom {
        character: String,
        from: String,
        to: String,
        amount: i64,
    },
}

impl Effect {
    /// The effects nested in this one: an `If`'s `then` effects, then its `else` ones.
    pub fn nested(&self) -> &[Effect] {
        match self {
            Effect::If { then, .. } => then,
            _ => &[],
        }
    }

    /// The effects nested in an `If`'s `else` branch.
    pub fn nested_otherwise(&self) -> &[Effect] {
        match self {
            Effect::If { otherwise, .. } => otherwise,
            _ => &[],
        }
    }

    /// This effect and every effect nested in it, depth first (an `If` before its branches).
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Effect)) {
        f(self);
        for inner in self.nested().iter().chain(self.nested_otherwise()) {
            inner.visit(f);
        }
    }
}

/// How much an AI likes an option: `base`, multiplied by each factor whose condition holds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    #[serde(default = "one")]
    pub base: f64,
    #[serde(default)]
    pub factors: Vec<Factor>,
}

impl Default for Weight {
    fn default() -> Self {
        Self { base: 1.0, factors: Vec::new() }
    }
}

/// A multiplier on an AI weight while a condition holds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub when: Condition,
    pub times: f64,
}

fn one() -> f64 {
    1.0
}
