//! The scenario's conditions, effects, treaties, armies and war plans compiled once, when it is
//! loaded, into forms with every id resolved to its index: a turn tests conditions and carries out
//! effects without looking a name up, so no id can be missing mid-game.
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ids::{ArmyIx, CharacterIx, FactionIx, Ids, ProvinceIx};
use super::units::PERCENT;
use crate::scenario::{self, Compare, Condition, Date, Effect, Role, Scenario, TreatyKind};

/// A scenario condition with every id resolved to its index. A flag is its index in
/// [`Ids::flags`].
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Always,
    Never,
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
    After(Date),
    Before(Date),
    Holds { faction: FactionIx, province: ProvinceIx },
    AtWar { a: FactionIx, b: FactionIx },
    TreatyInForce(usize),
    Flag(usize),
    Chose { event: usize, option: usize },
    Alive(CharacterIx),
    Serves { character: CharacterIx, faction: FactionIx },
    Rules { character: CharacterIx, faction: FactionIx },
    HasRole { character: CharacterIx, role: Role },
    FactionActive(FactionIx),
    ArmyIn { faction: FactionIx, province: ProvinceIx },
    Besieged(ProvinceIx),
    SiegeMonths { province: ProvinceIx, is: Compare },
    SiegeLifted { province: ProvinceIx, by: FactionIx },
    Treasury { faction: FactionIx, is: Compare },
    Grain { faction: FactionIx, is: Compare },
    Legitimacy { faction: FactionIx, is: Compare },
    Cohesion { faction: FactionIx, is: Compare },
    Troops { faction: FactionIx, is: Compare },
    Provinces { faction: FactionIx, is: Compare },
    Opinion { of: FactionIx, towards: FactionIx, is: Compare },
    ProvinceGrain { province: ProvinceIx, is: Compare },
    HumanPlays(FactionIx),
    ArmyExists(ArmyIx),
    ArmyAt { army: ArmyIx, province: ProvinceIx },
    Captive(CharacterIx),
    Dead(CharacterIx),
    Exiled(CharacterIx),
}

impl Test {
    /// Roughly how much testing costs: 1 for a field, 2 for a component lookup, more for lists
    /// and scans of every army or province.
    fn cost(&self) -> u32 {
        use Test as T;
        match self {
            T::Always | T::Never | T::After(_) | T::Before(_) | T::Flag(_) | T::Besieged(_) => 1,
            T::SiegeMonths { .. } | T::AtWar { .. } | T::Opinion { .. } | T::HumanPlays(_) | T::TreatyInForce(_) => 1,
            T::Holds { .. } | T::Alive(_) | T::Serves { .. } | T::Rules { .. } | T::HasRole { .. } => 2,
            T::FactionActive(_) | T::Treasury { .. } | T::Grain { .. } | T::Legitimacy { .. } => 2,
            T::Cohesion { .. } | T::ProvinceGrain { .. } | T::Chose { .. } => 2,
            T::ArmyExists(_) | T::ArmyAt { .. } | T::Captive(_) | T::Dead(_) | T::Exiled(_) => 2,
            T::ArmyIn { .. } | T::Troops { .. } | T::Provinces { .. } | T::SiegeLifted { .. } => 8,
            T::Not(inner) => inner.cost(),
            T::All(list) | T::Any(list) => list.iter().map(Self::cost).sum(),
        }
    }

    /// Resolves the ids of a validated condition.
    pub fn compile(condition: &Condition, s: &Scenario, ids: &Ids) -> Self {
        use Condition as C;
        // Tests have no side effects, so a list may be tested in any order: the cheap tests first
        // spare the dear ones whenever they decide.
        let list = |items: &[Condition]| {
            let mut tests: Vec<Self> = items.iter().map(|c| Self::compile(c, s, ids)).collect();
            tests.sort_by_key(Self::cost);
            tests
        };
        let (f, p, c) = (|id: &str| ids.faction(id), |id: &str| ids.province(id), |id: &str| ids.character(id));
        match condition {
            C::Always => Self::Always,
            C::Never => Self::Never,
            C::All(items) => Self::All(list(items)),
            C::Any(items) => Self::Any(list(items)),
            C::Not(inner) => Self::Not(Box::new(Self::compile(inner, s, ids))),
            C::After(date) => Self::After(*date),
            C::Before(date) => Self::Before(*date),
            C::Holds { faction, province } => Self::Holds { faction: f(faction), province: p(province) },
            C::AtWar { a, b } => Self::AtWar { a: f(a), b: f(b) },
            C::TreatyInForce(t) => Self::TreatyInForce(ids.treaty(t)),
            // A flag no effect sets is never set.
            C::Flag(flag) => ids.flags.get(flag).map_or(Self::Never, |flag| Self::Flag(*flag)),
            C::Chose { event, option } => match ids.option(s, event, option) {
                Ok((event, option)) => Self::Chose { event, option },
                Err(_) => Self::Never,
            },
            C::Alive(character) => Self::Alive(c(character)),
            C::Serves { character, faction } => Self::Serves { character: c(character), faction: f(faction) },
            C::Rules { character, faction } => Self::Rules { character: c(character), faction: f(faction) },
            C::HasRole { character, role } => Self::HasRole { character: c(character), role: *role },
            C::FactionActive(faction) => Self::FactionActive(f(faction)),
            C::ArmyIn { faction, province } => Self::ArmyIn { faction: f(faction), province: p(province) },
            C::Besieged(province) => Self::Besieged(p(province)),
            C::SiegeLifted { province, by } => Self::SiegeLifted { province: p(province), by: f(by) },
            C::SiegeMonths { province, is } => Self::SiegeMonths { province: p(province), is: *is },
            C::Treasury { faction, is } => Self::Treasury { faction: f(faction), is: *is },
            C::Grain { faction, is } => Self::Grain { faction: f(faction), is: *is },
            C::Legitimacy { faction, is } => Self::Legitimacy { faction: f(faction), is: *is },
            C::Cohesion { faction, is } => Self::Cohesion { faction: f(faction), is: *is },
            C::Troops { faction, is } => Self::Troops { faction: f(faction), is: *is },
            C::Provinces { faction, is } => Self::Provinces { faction: f(faction), is: *is },
            C::Opinion { of, towards, is } => Self::Opinion { of: f(of), towards: f(towards), is: *is },
            C::ProvinceGrain { province, is } => Self::ProvinceGrain { province: p(province), is: *is },
            C::HumanPlays(faction) => Self::HumanPlays(f(faction)),
            C::ArmyExists(army) => Self::ArmyExists(ids.army(army)),
            C::ArmyAt { army, province } => Self::ArmyAt { army: ids.army(army), province: p(province) },
            C::Captive(character) => Self::Captive(c(character)),
            C::Dead(character) => Self::Dead(c(character)),
            C::Exiled(character) => Self::Exiled(c(character)),
        }
    }
}

/// A treaty's terms with ids resolved; a peace's indemnity is paid off as it goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TreatyTerms {
    Alliance {
        against: Vec<FactionIx>,
        shares: Vec<(FactionIx, Vec<ProvinceIx>)>,
    },
    Tribute {
        payer: FactionIx,
        payee: FactionIx,
        yearly: f64,
    },
    Truce {
        until: Date,
    },
    /// `vassal` pays `overlord` `tribute` of its income and follows it into war and peace.
    Vassal {
        overlord: FactionIx,
        vassal: FactionIx,
        tribute: f64,
    },
    Peace {
        payer: Option<FactionIx>,
        payee: FactionIx,
        indemnity_left: f64,
        instalment: f64,
        hostages: Vec<usize>,
        /// Provinces handed over by the peace, and to whom.
        ceded: Vec<(ProvinceIx, FactionIx)>,
    },
}

/// A scenario treaty with its ids resolved: what comes into force when it is signed.
#[derive(Clone, Debug, PartialEq)]
pub struct TreatySpec {
    /// Its slot among the scenario's treaties ([`Ids::treaty_ids`]).
    pub ix: usize,
    pub name: String,
    pub parties: Vec<FactionIx>,
    pub terms: TreatyTerms,
}

impl TreatySpec {
    /// Resolves a validated scenario treaty; a peace's indemnity is paid in instalments over
    /// `indemnity_months`.
    pub fn compile(t: &scenario::Treaty, ids: &Ids, indemnity_months: f64) -> Self {
        let parties: Vec<FactionIx> = t.parties.iter().map(|p| ids.faction(p)).collect();
        let terms = match &t.kind {
            TreatyKind::Alliance { against, shares } => TreatyTerms::Alliance {
                against: against.iter().map(|f| ids.faction(f)).collect(),
                shares: shares
                    .iter()
                    .map(|s| (ids.faction(&s.faction), s.provinces.iter().map(|p| ids.province(p)).collect()))
                    .collect(),
            },
            TreatyKind::Tribute { payer, payee, yearly } => {
                TreatyTerms::Tribute { payer: ids.faction(payer), payee: ids.faction(payee), yearly: *yearly as f64 }
            }
            TreatyKind::Truce { until } => TreatyTerms::Truce { until: *until },
            TreatyKind::Vassal { overlord, vassal, tribute } => {
                TreatyTerms::Vassal { overlord: ids.faction(overlord), vassal: ids.faction(vassal), tribute: *tribute }
            }
            TreatyKind::Peace { payer, indemnity, hostages, ceded } => {
                let payer = payer.as_deref().map(|p| ids.faction(p));
                let payee = parties.iter().copied().find(|p| Some(*p) != payer).unwrap_or(parties[0]);
                TreatyTerms::Peace {
                    payer,
                    payee,
                    indemnity_left: *indemnity as f64,
                    instalment: *indemnity as f64 / indemnity_months,
                    hostages: hostages.iter().map(|h| ids.character(h).get()).collect(),
                    ceded: ceded.iter().map(|c| (ids.province(&c.province), ids.faction(&c.to))).collect(),
                }
            }
        };
        Self { ix: ids.treaty(&t.id), name: t.name.clone(), parties, terms }
    }

    /// The provinces a peace hands over, and to whom, in treaty order.
    pub fn cessions(&self) -> &[(ProvinceIx, FactionIx)] {
        match &self.terms {
            TreatyTerms::Peace { ceded, .. } => ceded,
            _ => &[],
        }
    }
}

/// An army as a scenario raises it, ids resolved: a starting army or one an event brings.
#[derive(Clone, Debug, PartialEq)]
pub struct Spawn {
    pub ix: ArmyIx,
    pub name: String,
    /// Whether the name is plural ("the Jin horsemen"), for the verbs that follow it.
    pub plural: bool,
    pub owner: FactionIx,
    pub location: ProvinceIx,
    pub commander: Option<CharacterIx>,
    /// Men by troop kind, in the scenario's `troop_kinds` order.
    pub men: Vec<f64>,
    pub morale: f64,
    pub supply: f64,
    pub grain: f64,
}

impl Spawn {
    /// Resolves a validated scenario army.
    pub fn compile(a: &scenario::Army, s: &Scenario, ids: &Ids) -> Self {
        Self {
            ix: ids.army(&a.id),
            name: a.name.clone(),
            plural: a.plural,
            owner: ids.faction(&a.owner),
            location: ids.province(&a.location),
            commander: a.commander.as_deref().map(|c| ids.character(c)),
            men: men_by_kind(&a.troops, s, ids),
            morale: a.morale as f64,
            supply: a.supply as f64,
            grain: a.grain as f64,
        }
    }
}

/// A scenario's `{kind: men}` map as men by troop kind, in `troop_kinds` order.
fn men_by_kind(troops: &std::collections::BTreeMap<String, i64>, s: &Scenario, ids: &Ids) -> Vec<f64> {
    let mut men = vec![0.0; s.troop_kinds.len()];
    for (kind, n) in troops {
        men[ids.troop_kind(kind)] += *n as f64;
    }
    men
}

/// An effect with its ids resolved: what the domains carry out, each its own part. Values too
/// large to copy (a treaty, a raised army) are indices into the [`Program`]'s tables.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Chronicle(Arc<str>),
    SetFlag(usize),
    ClearFlag(usize),
    Treasury {
        faction: FactionIx,
        add: f64,
    },
    Grain {
        faction: FactionIx,
        add: f64,
    },
    Legitimacy {
        faction: FactionIx,
        add: f64,
    },
    Cohesion {
        faction: FactionIx,
        add: f64,
    },
    Pay {
        from: FactionIx,
        to: FactionIx,
        amount: f64,
    },
    Cede {
        province: ProvinceIx,
        to: FactionIx,
    },
    Opinion {
        of: FactionIx,
        towards: FactionIx,
        add: f64,
    },
    Trust {
        of: FactionIx,
        towards: FactionIx,
        add: f64,
    },
    DeclareWar {
        attacker: FactionIx,
        defender: FactionIx,
    },
    MakePeace {
        a: FactionIx,
        b: FactionIx,
    },
    /// The treaty [`Program::treaties`]`[i]` comes into force.
    SignTreaty(usize),
    /// The treaty in slot `i` ends.
    EndTreaty(usize),
    /// The army [`Program::spawns`]`[i]` takes the field.
    SpawnArmy(usize),
    DisbandArmy(ArmyIx),
    /// Men by troop kind index; negative numbers are losses.
    Reinforce {
        army: ArmyIx,
        troops: Arc<[(usize, f64)]>,
    },
    ArmyMorale {
        army: ArmyIx,
        add: f64,
    },
    Loot {
        province: ProvinceIx,
        by: FactionIx,
        share: f64,
    },
    AdjustProvince {
        province: ProvinceIx,
        change: ProvinceChange,
    },
    Appoint {
        character: CharacterIx,
        role: Role,
    },
    Dismiss {
        character: CharacterIx,
        role: Role,
    },
    Exile(CharacterIx),
    Execute(CharacterIx),
    Activate(CharacterIx),
    Defect {
        character: CharacterIx,
        to: FactionIx,
        with_army: bool,
    },
    SetRuler {
        faction: FactionIx,
        character: CharacterIx,
    },
    Loyalty {
        character: CharacterIx,
        add: f64,
    },
    /// The character gains the trait with this index in the scenario's `traits`, unless he has it.
    AddTrait {
        character: CharacterIx,
        trait_: usize,
    },
    /// The character loses the trait with this index in the scenario's `traits`, if he has it.
    RemoveTrait {
        character: CharacterIx,
        trait_: usize,
    },
    /// The faction goes by a new name from now on.
    RenameFaction {
        faction: FactionIx,
        name: Arc<str>,
        plural: bool,
    },
    /// The province goes by a new name from now on.
    RenameProvince {
        province: ProvinceIx,
        name: Arc<str>,
        plural: bool,
    },
    /// The army goes by a new name from now on.
    RenameArmy {
        army: ArmyIx,
        name: Arc<str>,
    },
    SetCommander {
        army: ArmyIx,
        character: CharacterIx,
    },
    ActivateFaction(FactionIx),
    DeactivateFaction(FactionIx),
    SetCapital {
        faction: FactionIx,
        province: ProvinceIx,
    },
    /// Event `i` fires next month, whatever its trigger.
    FireEvent(usize),
    /// The `then` commands if `when` holds when the option is taken, else the `otherwise` ones.
    /// Resolved by the events rules when the option is taken: no domain ever receives one.
    If {
        when: Test,
        then: Vec<Command>,
        otherwise: Vec<Command>,
    },
    /// An army loses a share of its men.
    Attrition {
        army: ArmyIx,
        share: f64,
    },
    /// A captive goes free.
    Release(CharacterIx),
    /// `from` pays `to` up to `amount` and the captive goes free.
    Ransom {
        character: CharacterIx,
        from: FactionIx,
        to: FactionIx,
        amount: f64,
    },
    /// `faction` calls up `men` in `province` by the mobilisation rules, as troops of `kind` (the
    /// faction's levy kind if `None`).
    Levy {
        faction: FactionIx,
        province: ProvinceIx,
        men: f64,
        kind: Option<usize>,
        /// The army the drafts join once mustered.
        join: Option<ArmyIx>,
    },
    /// The holder of besieged `province` sends `men` of its garrison out as troops of `kind`.
    Sally {
        province: ProvinceIx,
        men: f64,
        kind: usize,
    },
    /// A band of `men` from `army`, besieging `province`, tries to get in by surprise.
    Surprise {
        army: ArmyIx,
        province: ProvinceIx,
        men: f64,
    },
    /// A character dies of age (the rules send this; no scenario effect does).
    Die(CharacterIx),
    /// A commander falls in battle or with his city (the rules send this, and the rule that
    /// kills him tells how in the chronicle).
    Fall(CharacterIx),
}

/// What `AdjustProvince` adds to a province's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProvinceChange {
    pub population: f64,
    pub wealth: f64,
    pub grain: f64,
    pub walls: f64,
    pub garrison: f64,
    pub loyalty: f64,
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

/// A factor rising evenly from `floor` at 0 to 1 at 100 on a 0-100 scale (morale, supply).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rising {
    floor: f64,
    /// The points that add one whole: worked out once, when the rules are compiled.
    span: f64,
}

impl Rising {
    pub fn from_floor(floor: f64) -> Self {
        Self { floor, span: PERCENT / (1.0 - floor) }
    }

    /// The factor at `points`. A division by the span, which is exact for the default floors
    /// (100 / (1 - 0.5) = 200, 100 / (1 - 0.6) = 250): the same figures as always, bit for bit.
    pub fn at(self, points: f64) -> f64 {
        self.floor + points / self.span
    }
}

/// Everything of the scenario a turn acts on, compiled: conditions, effects, treaties and armies,
/// in the order of the lists they come from, and the factors the rule parameters make.
#[derive(Debug, Default)]
pub struct Program {
    /// The war plans, ids resolved.
    pub war_plans: Vec<WarPlan>,
    /// Each event's trigger.
    pub triggers: Vec<Test>,
    /// The faction that answers each event.
    pub event_factions: Vec<FactionIx>,
    /// Each event's options' AI weight factors: `factors[event][option][factor]`.
    pub factors: Vec<Vec<Vec<Test>>>,
    /// Each event's options' effects: `effects[event][option][effect]`.
    pub effects: Vec<Vec<Vec<Command>>>,
    /// Each history check's condition.
    pub checks: Vec<Test>,
    /// Each victory's condition.
    pub victories: Vec<Test>,
    /// Each victory's faction.
    pub victors: Vec<FactionIx>,
    /// The scenario's treaties in force at the start, in scenario order.
    pub starting_treaties: Vec<TreatySpec>,
    /// The treaties effects sign ([`Command::SignTreaty`]), one per `SignTreaty` effect.
    pub treaties: Vec<TreatySpec>,
    /// The starting armies, in scenario order, then one army per `SpawnArmy` effect
    /// ([`Command::SpawnArmy`]).
    pub spawns: Vec<Spawn>,
    /// How many of [`Program::spawns`] are starting armies.
    pub starting_armies: usize,
    /// What morale makes of an army's power (`morale_power_floor`).
    pub morale_power: Rising,
    /// What supply makes of an army's power in the field (`supply_power_floor`).
    pub supply_power: Rising,
    /// The characters who may die of age, with the year of their birth, in character order.
    pub mortals: Vec<(CharacterIx, i64)>,
}

impl Program {
    /// Compiles a validated scenario whose ids are `ids`.
    pub fn compile(s: &Scenario, ids: &Ids) -> Self {
        let test = |c| Test::compile(c, s, ids);
        let indemnity_months = s.rules.indemnity_months;
        let mut program = Self {
            war_plans: s
                .war_plans
                .iter()
                .map(|p| WarPlan {
                    faction: ids.faction(&p.faction),
                    army: p.army.as_deref().map(|a| ids.army(a)),
                    target: ids.province(&p.target),
                    weight: p.weight,
                    goal: p.goal,
                    when: test(&p.when),
                })
                .collect(),
            triggers: s.events.iter().map(|e| test(&e.trigger)).collect(),
            event_factions: s.events.iter().map(|e| ids.faction(&e.faction)).collect(),
            factors: s
                .events
                .iter()
                .map(|e| e.options.iter().map(|o| o.ai.factors.iter().map(|f| test(&f.when)).collect()).collect())
                .collect(),
            effects: Vec::new(),
            checks: s.history.iter().map(|c| test(&c.condition)).collect(),
            victories: s.victory.iter().map(|v| test(&v.condition)).collect(),
            victors: s.victory.iter().map(|v| ids.faction(&v.faction)).collect(),
            starting_treaties: s.treaties.iter().map(|t| TreatySpec::compile(t, ids, indemnity_months)).collect(),
            treaties: Vec::new(),
            spawns: s.armies.iter().map(|a| Spawn::compile(a, s, ids)).collect(),
            starting_armies: s.armies.len(),
            morale_power: Rising::from_floor(s.rules.morale_power_floor),
            supply_power: Rising::from_floor(s.rules.supply_power_floor),
            mortals: s.characters.iter().filter_map(|c| Some((ids.character(&c.id), c.born?))).collect(),
        };
        program.effects = s
            .events
            .iter()
            .map(|e| e.options.iter().map(|o| o.effects.iter().map(|x| program.command(x, s, ids)).collect()).collect())
            .collect();
        program
    }

    /// Resolves one effect, adding the treaty or army it brings to the tables.
    fn command(&mut self, effect: &Effect, s: &Scenario, ids: &Ids) -> Command {
        use Command as K;
        use Effect as E;
        let (f, p, c, a) = (
            |id: &str| ids.faction(id),
            |id: &str| ids.province(id),
            |id: &str| ids.character(id),
            |id: &str| ids.army(id),
        );
        // Validation leaves only flags some effect sets or clears, so each has its index.
        let flag = |id: &str| ids.flags.get(id).copied().unwrap_or_default();
        match effect {
            E::Chronicle(text) => K::Chronicle(Arc::from(text.as_str())),
            E::SetFlag(id) => K::SetFlag(flag(id)),
            E::ClearFlag(id) => K::ClearFlag(flag(id)),
            E::Treasury { faction, add } => K::Treasury { faction: f(faction), add: *add as f64 },
            E::Grain { faction, add } => K::Grain { faction: f(faction), add: *add as f64 },
            E::Legitimacy { faction, add } => K::Legitimacy { faction: f(faction), add: *add as f64 },
            E::Cohesion { faction, add } => K::Cohesion { faction: f(faction), add: *add as f64 },
            E::Pay { from, to, amount } => K::Pay { from: f(from), to: f(to), amount: *amount as f64 },
            E::Cede { province, to } => K::Cede { province: p(province), to: f(to) },
            E::Opinion { of, towards, add } => K::Opinion { of: f(of), towards: f(towards), add: *add as f64 },
            E::Trust { of, towards, add } => K::Trust { of: f(of), towards: f(towards), add: *add as f64 },
            E::DeclareWar { attacker, defender } => K::DeclareWar { attacker: f(attacker), defender: f(defender) },
            E::MakePeace { a, b } => K::MakePeace { a: f(a), b: f(b) },
            E::SignTreaty(t) => {
                self.treaties.push(TreatySpec::compile(t, ids, s.rules.indemnity_months));
                K::SignTreaty(self.treaties.len() - 1)
            }
            E::EndTreaty(id) => K::EndTreaty(ids.treaty(id)),
            E::SpawnArmy(army) => {
                self.spawns.push(Spawn::compile(army, s, ids));
                K::SpawnArmy(self.spawns.len() - 1)
            }
            E::DisbandArmy(id) => K::DisbandArmy(a(id)),
            E::Reinforce { army, troops } => K::Reinforce {
                army: a(army),
                troops: troops.iter().map(|(kind, n)| (ids.troop_kind(kind), *n as f64)).collect(),
            },
            E::ArmyMorale { army, add } => K::ArmyMorale { army: a(army), add: *add as f64 },
            E::Loot { province, by, share } => K::Loot { province: p(province), by: f(by), share: *share },
            E::AdjustProvince { province, population, wealth, grain, walls, garrison, loyalty } => K::AdjustProvince {
                province: p(province),
                change: ProvinceChange {
                    population: *population as f64,
                    wealth: *wealth as f64,
                    grain: *grain as f64,
                    walls: *walls as f64,
                    garrison: *garrison as f64,
                    loyalty: *loyalty as f64,
                },
            },
            E::Appoint { character, role } => K::Appoint { character: c(character), role: *role },
            E::Dismiss { character, role } => K::Dismiss { character: c(character), role: *role },
            E::Exile(character) => K::Exile(c(character)),
            E::Execute(character) => K::Execute(c(character)),
            E::Activate(character) => K::Activate(c(character)),
            E::Defect { character, to, with_army } => {
                K::Defect { character: c(character), to: f(to), with_army: *with_army }
            }
            E::SetRuler { faction, character } => K::SetRuler { faction: f(faction), character: c(character) },
            E::Loyalty { character, add } => K::Loyalty { character: c(character), add: *add as f64 },
            E::AddTrait { character, trait_ } => K::AddTrait { character: c(character), trait_: ids.trait_ix(trait_) },
            E::RemoveTrait { character, trait_ } => {
                K::RemoveTrait { character: c(character), trait_: ids.trait_ix(trait_) }
            }
            E::RenameFaction { faction, name, plural } => {
                K::RenameFaction { faction: f(faction), name: Arc::from(name.as_str()), plural: *plural }
            }
            E::RenameProvince { province, name, plural } => {
                K::RenameProvince { province: p(province), name: Arc::from(name.as_str()), plural: *plural }
            }
            E::RenameArmy { army, name } => K::RenameArmy { army: a(army), name: Arc::from(name.as_str()) },
            E::SetCommander { army, character } => K::SetCommander { army: a(army), character: c(character) },
            E::ActivateFaction(faction) => K::ActivateFaction(f(faction)),
            E::DeactivateFaction(faction) => K::DeactivateFaction(f(faction)),
            E::SetCapital { faction, province } => K::SetCapital { faction: f(faction), province: p(province) },
            E::FireEvent(id) => K::FireEvent(ids.event(id)),
            E::If { when, then, otherwise } => K::If {
                when: Test::compile(when, s, ids),
                then: then.iter().map(|e| self.command(e, s, ids)).collect(),
                otherwise: otherwise.iter().map(|e| self.command(e, s, ids)).collect(),
            },
            E::Attrition { army, share } => K::Attrition { army: a(army), share: *share },
            E::Release(character) => K::Release(c(character)),
            E::Ransom { character, from, to, amount } => {
                K::Ransom { character: c(character), from: f(from), to: f(to), amount: *amount as f64 }
            }
            E::Levy { faction, province, men, kind, join } => K::Levy {
                faction: f(faction),
                province: p(province),
                men: *men as f64,
                kind: kind.as_deref().map(|k| ids.troop_kind(k)),
                join: join.as_deref().map(a),
            },
            E::Surprise { army, province, men } => {
                K::Surprise { army: a(army), province: p(province), men: *men as f64 }
            }
            E::Sally { province, men, kind } => {
                K::Sally { province: p(province), men: *men as f64, kind: ids.troop_kind(kind) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::scenario;

    const EFFECTS: &str = r#"events: [Event(id: "terms", title: "Terms", faction: "blue", options: [
        Option(id: "yield", name: "Yield", effects: [
            Cede(province: "b", to: "red"),
            SetFlag("yielded"),
            SpawnArmy(Army(id: "levy", name: "The Levy", owner: "blue", location: "c", troops: {"infantry": 3000})),
            SignTreaty(Treaty(id: "peace", name: "The Peace", parties: ["red", "blue"],
                kind: Peace(payer: "blue", indemnity: 1200, ceded: [Cession(province: "b", to: "red")]))),
            Reinforce(army: "levy", troops: {"cavalry": 500, "infantry": -100}),
            FireEvent("terms"),
        ]),
    ])],"#;

    #[test]
    fn effects_are_compiled_to_commands_with_every_id_resolved() {
        let s = scenario("", EFFECTS);
        let ids = Ids::of(&s);
        let program = Program::compile(&s, &ids);
        let (red, blue) = (ids.faction("red"), ids.faction("blue"));
        let (b, c) = (ids.province("b"), ids.province("c"));
        let commands = &program.effects[0][0];
        assert_eq!(commands[0], Command::Cede { province: b, to: red });
        assert_eq!(commands[1], Command::SetFlag(ids.flags["yielded"]));
        let Command::SpawnArmy(levy) = commands[2] else { panic!("{:?}", commands[2]) };
        let spawn = &program.spawns[levy];
        assert_eq!((spawn.ix, spawn.owner, spawn.location), (ids.army("levy"), blue, c));
        assert_eq!((spawn.name.as_str(), spawn.men.as_slice()), ("The Levy", &[3000.0, 0.0][..]));
        let Command::SignTreaty(peace) = commands[3] else { panic!("{:?}", commands[3]) };
        let treaty = &program.treaties[peace];
        assert_eq!((treaty.ix, treaty.cessions()), (ids.treaty("peace"), &[(b, red)][..]));
        let TreatyTerms::Peace { instalment, payer, .. } = treaty.terms else { panic!("{:?}", treaty.terms) };
        assert_eq!((payer, instalment), (Some(blue), 1200.0 / s.rules.indemnity_months));
        let Command::Reinforce { army, troops } = &commands[4] else { panic!("{:?}", commands[4]) };
        assert_eq!((*army, &troops[..]), (ids.army("levy"), &[(1, 500.0), (0, -100.0)][..]));
        assert_eq!(commands[5], Command::FireEvent(0));
    }

    #[test]
    fn trait_and_rename_effects_are_compiled_with_their_indices() {
        let s = scenario(
            "",
            r#"traits: [Trait(id: "calm", name: "Calm"), Trait(id: "fierce", name: "Fierce", modifiers: [Command(3)])],
            events: [Event(id: "change", title: "Change", faction: "red", options: [Option(id: "o", name: "O", effects: [
                AddTrait(character: "blue_general", trait: "fierce"), RemoveTrait(character: "red_general", trait: "calm"),
                RenameFaction(faction: "blue", name: "The Blues", plural: true), RenameProvince(province: "c", name: "Sea"),
            ])])],"#,
        );
        let ids = Ids::of(&s);
        let commands = &Program::compile(&s, &ids).effects[0][0];
        let (red_general, blue_general) = (ids.character("red_general"), ids.character("blue_general"));
        assert_eq!(commands[0], Command::AddTrait { character: blue_general, trait_: 1 });
        assert_eq!(commands[1], Command::RemoveTrait { character: red_general, trait_: 0 });
        let blue = ids.faction("blue");
        assert_eq!(commands[2], Command::RenameFaction { faction: blue, name: "The Blues".into(), plural: true });
        let c = ids.province("c");
        assert_eq!(commands[3], Command::RenameProvince { province: c, name: "Sea".into(), plural: false });
    }

    #[test]
    fn the_default_power_floors_give_the_factors_of_old_bit_for_bit() {
        let morale = Rising::from_floor(0.5);
        let supply = Rising::from_floor(0.6);
        for points in [0.0, 1.0, 13.7, 33.3, 50.0, 62.5, 99.9, 100.0] {
            assert_eq!(morale.at(points), 0.5 + points / 200.0);
            assert_eq!(supply.at(points), 0.6 + points / 250.0);
        }
        assert_eq!((morale.at(0.0), morale.at(100.0)), (0.5, 1.0));
    }

    #[test]
    fn conditions_test_the_cheap_parts_first_and_an_unknown_answer_never_holds() {
        let s = scenario("", EFFECTS);
        let ids = Ids::of(&s);
        let any = crate::scenario::Condition::Any(vec![
            crate::scenario::Condition::Troops { faction: "red".into(), is: crate::scenario::Compare::AtLeast(1.0) },
            crate::scenario::Condition::Flag("yielded".into()),
        ]);
        let Test::Any(list) = Test::compile(&any, &s, &ids) else { panic!("an Any") };
        assert_eq!(list[0], Test::Flag(ids.flags["yielded"]), "the flag (cheap) before the troops (a scan)");
        let chose = crate::scenario::Condition::Chose { event: "terms".into(), option: "refuse".into() };
        assert_eq!(Test::compile(&chose, &s, &ids), Test::Never);
    }
}
