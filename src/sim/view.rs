//! A read-only picture of a campaign for front ends: plain data, rebuilt after each turn, so a
//! window (or a test) never touches the simulation's components.
use bevy_ecs::prelude::*;
use serde::Serialize;

use super::compiled::TreatyTerms;
use super::data::StaticData;
use super::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};
use super::power::{LevySite, Search, SupplyMap, levy_limit, may_levy, supply_range, supply_steps};
use super::readout::Reading;
use super::state::{
    Calendar, CheckStatus, EventState, GameOver, HistoryRecord, Levies, Names, Proposals, Relations, Sieges, Stance,
    Treaties,
};
use super::units::per_thousand;
use crate::scenario::Date;

/// Everything a player can see of the campaign at the start of a month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GameView {
    /// The month about to be played.
    pub date: Date,
    pub turn: u32,
    pub factions: Vec<FactionView>,
    /// In scenario order.
    pub provinces: Vec<ProvinceView>,
    /// Armies in the field, in scenario order.
    pub armies: Vec<ArmyView>,
    /// Every pair of factions once, `a < b`.
    pub relations: Vec<RelationView>,
    pub treaties: Vec<TreatyView>,
    /// Events waiting for a human's answer, in the order they fired.
    pub awaiting: Vec<usize>,
    pub history: Vec<CheckView>,
    /// Proposals waiting for a human's answer, with their index for [`Order::AnswerProposal`](super::Order).
    pub proposals: Vec<ProposalView>,
    /// Set when the campaign has ended.
    pub outcome: Option<OutcomeView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactionView {
    pub ix: FactionIx,
    /// The name it goes by now.
    pub name: String,
    /// Still in the game: it holds land or has an army.
    pub alive: bool,
    pub treasury: f64,
    pub grain: f64,
    pub legitimacy: f64,
    pub cohesion: f64,
    pub troops: f64,
    pub provinces: usize,
    pub ruler: Option<CharacterIx>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProvinceView {
    pub ix: ProvinceIx,
    /// The name it goes by now.
    pub name: String,
    pub owner: Option<FactionIx>,
    pub population: f64,
    pub wealth: f64,
    /// The faction the people hold legitimate, and how strongly (0-100).
    pub loyal_to: Option<FactionIx>,
    pub loyalty: f64,
    pub walls: f64,
    pub garrison: f64,
    pub grain: f64,
    pub siege: Option<SiegeView>,
    /// The largest levy its owner may call up in it this month, if any.
    pub levy: Option<LevyView>,
}

/// A levy a faction may call up: the most men, what they cost, and the months to muster.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LevyView {
    pub men: f64,
    pub silver: f64,
    pub grain: f64,
    pub months: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SiegeView {
    pub besieger: FactionIx,
    pub months: u32,
    /// 0-1: at 1 the walls are breached.
    pub breach: f64,
    /// Months the city has gone without grain.
    pub starving: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmyView {
    pub ix: ArmyIx,
    /// The name it goes by now.
    pub name: String,
    pub owner: FactionIx,
    pub location: ProvinceIx,
    pub commander: Option<CharacterIx>,
    /// Men by troop kind, in the scenario's `troop_kinds` order.
    pub troops: Vec<f64>,
    pub morale: f64,
    pub supply: f64,
    pub grain: f64,
    pub destination: Option<ProvinceIx>,
    pub stance: Stance,
}

impl ArmyView {
    pub fn men(&self) -> f64 {
        self.troops.iter().sum()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RelationView {
    pub a: FactionIx,
    pub b: FactionIx,
    pub at_war: bool,
    /// What `a` thinks of `b`, and `b` of `a`.
    pub opinion: (f64, f64),
    pub trust: (f64, f64),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TreatyView {
    pub name: String,
    pub parties: Vec<FactionIx>,
    pub since: Date,
    /// The terms in one line.
    pub terms: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProposalView {
    pub index: usize,
    pub from: FactionIx,
    pub to: FactionIx,
    /// "offer of peace with 500 thousand taels".
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckView {
    pub text: String,
    pub expected: Date,
    pub status: CheckStatus,
    pub happened: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeView {
    pub winner: Option<FactionIx>,
    pub description: String,
    pub date: Date,
}

/// The way an army would march to a province, and how long it would take.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    /// The provinces entered, in order, ending with the destination.
    pub steps: Vec<ProvinceIx>,
    /// Months of march at the army's speed in the current season.
    pub months: u32,
}

impl GameView {
    /// The view of a campaign's world as it stands.
    pub fn of(world: &World) -> Self {
        let read = Reading::of(world);
        let calendar = world.resource::<Calendar>();
        let names = world.resource::<Names>();
        let mut provinces = provinces(&read, names, world.resource::<Sieges>());
        let levies = world.resource::<Levies>();
        for p in &mut provinces {
            p.levy = levy(&read, levies, calendar.date, p);
        }
        let armies = armies(&read, names);
        let factions = factions(&read, names, &provinces, &armies);
        Self {
            date: calendar.date,
            turn: calendar.turn,
            factions,
            provinces,
            armies,
            relations: relations(world.resource::<Relations>()),
            treaties: treaties(read.data, names, world.resource::<Treaties>()),
            awaiting: world.resource::<EventState>().awaiting.clone(),
            history: history(read.data, world.resource::<HistoryRecord>()),
            proposals: proposals(read.data, names, world.resource::<Proposals>()),
            outcome: world.resource::<GameOver>().0.as_ref().map(|o| OutcomeView {
                winner: o.winner,
                description: o.description.clone(),
                date: o.date,
            }),
        }
    }

    /// The army with index `ix`, if it is in the field.
    pub fn army(&self, ix: ArmyIx) -> Option<&ArmyView> {
        self.armies.iter().find(|a| a.ix == ix)
    }

    /// The relation between two factions.
    pub fn relation(&self, a: FactionIx, b: FactionIx) -> Option<&RelationView> {
        self.relations.iter().find(|r| (r.a, r.b) == (a, b) || (r.a, r.b) == (b, a))
    }
}

/// The largest levy `p`'s owner may call up in it now, by the mobilisation rules.
fn levy(read: &Reading, levies: &Levies, now: Date, p: &ProvinceView) -> Option<LevyView> {
    let (data, owner) = (read.data, p.owner?);
    let levy_army = read.army(data.levy_army(p.ix)).map(|a| (a.army.owner, a.army.location));
    let site = LevySite { province: p.ix, owner: p.owner, besieged: p.siege.is_some(), levy_army };
    if !may_levy(data, levies, now, owner, &site) {
        return None;
    }
    let rules = data.rules();
    let treasury = read.faction(owner).treasury;
    let men = levy_limit(rules, p.population, treasury.silver, treasury.grain);
    (men >= rules.remnant_men.max(1.0)).then(|| LevyView {
        men,
        silver: per_thousand(men, rules.levy_silver),
        grain: per_thousand(men, rules.levy_grain),
        months: rules.levy_months.round().max(1.0) as u32,
    })
}

/// Every province, in order, with its siege.
fn provinces(read: &Reading, names: &Names, sieges: &Sieges) -> Vec<ProvinceView> {
    read.entities
        .province_ixs()
        .map(|ix| {
            let p = read.province(ix);
            ProvinceView {
                ix,
                name: names.province(ix).to_string(),
                owner: p.owner.0,
                population: p.populace.population,
                wealth: p.populace.wealth,
                loyal_to: p.populace.loyal_to,
                loyalty: p.populace.loyalty,
                walls: p.defences.walls,
                garrison: p.defences.garrison,
                grain: p.defences.grain,
                siege: sieges.0.get(ix.get()).copied().flatten().map(|s| SiegeView {
                    besieger: s.besieger,
                    months: s.months,
                    breach: s.breach,
                    starving: s.starving,
                }),
                levy: None,
            }
        })
        .collect()
}

/// The armies in the field with men, in order.
fn armies(read: &Reading, names: &Names) -> Vec<ArmyView> {
    read.armies()
        .flatten()
        .filter(|a| a.troops.total() > 0.0)
        .map(|a| ArmyView {
            ix: a.army.ix,
            name: names.army(read.data, a.army.ix).to_string(),
            owner: a.army.owner,
            location: a.army.location,
            commander: a.army.commander,
            troops: a.troops.men().to_vec(),
            morale: a.spirit.morale,
            supply: a.spirit.supply,
            grain: a.spirit.grain,
            destination: a.plan.destination,
            stance: a.plan.stance,
        })
        .collect()
}

/// Every faction, in order, with the provinces it holds and the men it has in the field.
fn factions(read: &Reading, names: &Names, provinces: &[ProvinceView], armies: &[ArmyView]) -> Vec<FactionView> {
    read.entities
        .faction_ixs()
        .map(|f| {
            let state = read.faction(f);
            let held = provinces.iter().filter(|p| p.owner == Some(f)).count();
            let troops: f64 = armies.iter().filter(|a| a.owner == f).map(ArmyView::men).sum();
            FactionView {
                ix: f,
                name: names.faction(f).to_string(),
                alive: held > 0 || troops > 0.0,
                treasury: state.treasury.silver,
                grain: state.treasury.grain,
                legitimacy: state.standing.legitimacy,
                cohesion: state.standing.cohesion,
                troops,
                provinces: held,
                ruler: state.ruler.0,
            }
        })
        .collect()
}

/// Every pair of factions once, `a < b`.
fn relations(relations: &Relations) -> Vec<RelationView> {
    let n = relations.size();
    let pairs = FactionIx::all(n).flat_map(|a| FactionIx::all(n).filter(move |b| *b > a).map(move |b| (a, b)));
    pairs
        .map(|(a, b)| RelationView {
            a,
            b,
            at_war: relations.at_war(a, b),
            opinion: (relations.opinion(a, b), relations.opinion(b, a)),
            trust: (relations.trust(a, b), relations.trust(b, a)),
        })
        .collect()
}

fn treaties(data: &StaticData, names: &Names, treaties: &Treaties) -> Vec<TreatyView> {
    treaties
        .all()
        .map(|t| TreatyView {
            name: t.name.clone(),
            parties: t.parties.clone(),
            since: t.since,
            terms: describe_terms(data, names, &t.terms),
        })
        .collect()
}

fn history(data: &StaticData, record: &HistoryRecord) -> Vec<CheckView> {
    data.scenario
        .history
        .iter()
        .zip(&record.0)
        .map(|(check, state)| CheckView {
            text: check.text.clone(),
            expected: check.date,
            status: state.status,
            happened: state.happened,
        })
        .collect()
}

fn proposals(data: &StaticData, names: &Names, proposals: &Proposals) -> Vec<ProposalView> {
    proposals
        .0
        .iter()
        .enumerate()
        .map(|(index, p)| ProposalView { index, from: p.from, to: p.to, text: p.proposal.describe(data, names) })
        .collect()
}

/// One line saying what a treaty binds its parties to, naming its parties as they are named now.
fn describe_terms(data: &StaticData, names: &Names, terms: &TreatyTerms) -> String {
    let listed = |fs: &[FactionIx]| fs.iter().map(|f| names.faction(*f)).collect::<Vec<_>>().join(", ");
    match terms {
        TreatyTerms::Alliance { against, shares } if against.is_empty() => {
            format!("alliance; {} shares agreed", shares.len())
        }
        TreatyTerms::Alliance { against, .. } => format!("alliance against {}", listed(against)),
        TreatyTerms::Tribute { payer, payee, yearly } => {
            let pays = names.faction_agrees(*payer).verb("pays", "pay");
            format!("{} {pays} {} {} a year", names.faction(*payer), names.faction(*payee), data.money(*yearly))
        }
        TreatyTerms::Truce { until } => format!("truce until {until}"),
        TreatyTerms::Vassal { overlord, vassal, tribute } => format!(
            "{} serves {}, paying {:.0}% of its income",
            names.faction(*vassal),
            names.faction(*overlord),
            tribute * crate::sim::units::PERCENT
        ),
        TreatyTerms::Peace { payee, indemnity_left, ceded, .. } => {
            let mut text = format!("peace; {} still owed to {}", data.money(*indemnity_left), names.faction(*payee));
            if !ceded.is_empty() {
                let places: Vec<&str> = ceded.iter().map(|(p, _)| names.province(*p)).collect();
                text.push_str(&format!("; ceded: {}", places.join(", ")));
            }
            text
        }
    }
}

/// For each province, how many steps its armies would be from `faction`'s supply (0: in
/// supply), or `None` beyond the supply range: the window's supply overlay.
pub fn supply_reach(world: &World, faction: FactionIx) -> Vec<Option<usize>> {
    let read = Reading::of(world);
    let sieges = world.resource::<Sieges>();
    let owners = read.owners();
    let besieged: Vec<bool> = read.entities.province_ixs().map(|p| sieges.besieged(p)).collect();
    let map = SupplyMap { relations: world.resource::<Relations>(), owners: &owners, besieged: &besieged };
    let range = supply_range(read.data.rules());
    let mut search = Search::default();
    read.entities.province_ixs().map(|from| supply_steps(read.data, &map, faction, from, range, &mut search)).collect()
}

/// The fewest days an army is counted to march in a month, so that the months of a route stay
/// finite for an army that cannot march.
const SLOWEST_MARCH_DAYS: f64 = 0.1;

/// The road `army` would take to `to` and the months it needs at its usual pace (the month's
/// weather and roads give or take `march_luck` of it), or `None` if there is no road (or the army
/// is not in the field).
pub fn route(world: &World, army: ArmyIx, to: ProvinceIx) -> Option<Route> {
    let read = Reading::of(world);
    let data = read.data;
    let rules = data.rules();
    let winter = data.is_winter(world.resource::<Calendar>().date);
    let a = read.army(army)?;
    let from = a.army.location;
    let routes = data.routes(winter);
    let mut steps = Vec::new();
    let mut at = from;
    while at != to {
        at = routes.next_step(at, to)?;
        steps.push(at);
    }
    let season = if winter { rules.winter_march } else { 1.0 };
    let speed = a.troops.speed(&data.scenario.troop_kinds, rules.max_speed);
    let per_month = (rules.march_days * speed * season).max(SLOWEST_MARCH_DAYS);
    let months = (routes.days(from, to) / per_month).ceil().max(if steps.is_empty() { 0.0 } else { 1.0 });
    Some(Route { steps, months: months as u32 })
}

#[cfg(test)]
mod tests {
    use crate::sim::testing::{scenario, sim};

    #[test]
    fn the_view_shows_owners_armies_and_a_route_with_its_months() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 10000})"#,
            "",
        );
        let game = sim(s, 1);
        let view = game.view();
        let data = game.data();
        let red = data.faction("red");
        let a = view.armies.first().expect("the red army is in the field");
        assert_eq!((a.owner, a.men()), (red, 10_000.0));
        assert!(view.provinces.iter().any(|p| p.owner == Some(red)));
        let far = data.province("c");
        let route = game.route(a.ix, far).expect("a road to c");
        assert_eq!(route.steps.last(), Some(&far));
        assert!(route.months >= 1);
        assert_eq!(game.route(a.ix, a.location).map(|r| r.months), Some(0));
        // Red's own province is in supply; the enemy's far capital beyond one step.
        let reach = game.supply_reach(red);
        assert_eq!(reach[data.province("a").get()], Some(0));
        assert!(reach[far.get()].is_none_or(|steps| steps >= 2));
    }
}
