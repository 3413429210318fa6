//! The AI: orders for every army of every faction no human plays, and its diplomacy.
//!
//! Two planners share what the AI reads of the map each month ([`Month`], [`Sight`]): the
//! strategic planner ([`strategy`]) of the normal and hard levels, and the classic AI of the easy
//! level, here. In the classic AI each army, in order: besieges the enemy city it stands in
//! (storming it when the odds are overwhelming, blockading it otherwise); else marches to the most
//! valuable target it can hope to win, weighing worth against distance: an own city under siege to
//! relieve, an enemy city to take; an army guarding a threatened capital stays; at peace, armies
//! go home.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::scenario::Rules;
use crate::sim::collect::refill;
use crate::sim::compiled::TreatyTerms;
use crate::sim::conditions::View;
use crate::sim::data::{Planner, Reached};
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::judgement::{PeaceOffer, Plight, indemnities, judge_demand, judge_peace, losing};
use crate::sim::power::{aggression, assault_power, city_defence, field_power, wall_factor, weighted_men};
use crate::sim::schedule::{OrderSystems, Turn};
use crate::sim::state::{
    Army, Capital, CharacterTraits, Defences, InPlay, Levies, Order, OrderGiven, Owner, Payroll, Plan, Populace,
    Proposal, SimRng, Spirit, Stance, Troops, WarGoals,
};
use crate::sim::units::MIDDLE;

mod levies;
mod strategy;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, plan.in_set(OrderSystems::Ai));
}

/// The AI's month: orders for the armies, then diplomacy (which reads the war goals the armies'
/// plans set). One system, as both read the whole game through one [`Picture`].
fn plan(
    picture: Picture,
    mut goals: ResMut<WarGoals>,
    mut rng: ResMut<SimRng>,
    mut orders: MessageWriter<OrderGiven>,
    mut scratch: Local<Scratch>,
) {
    plan_armies(&picture, &picture.view, &mut goals, &mut orders, &mut scratch);
    let Scratch { month, court, .. } = &mut *scratch;
    month.strengths(picture.entities.factions.len(), &mut court.strength);
    plan_diplomacy(&picture, &goals, month, court, &mut rng, &mut orders);
}

/// What the AI reads.
#[derive(SystemParam)]
struct Picture<'w, 's> {
    /// The game as conditions see it: the AI reads the same resources.
    view: View<'w, 's>,
    /// Each province's index, owner, people and defences.
    cities: Query<'w, 's, (&'static ProvinceIx, &'static Owner, &'static Populace, &'static Defences)>,
    factions: Query<'w, 's, (&'static InPlay, &'static Capital)>,
    armies: Query<'w, 's, (&'static Army, &'static Troops, &'static Spirit, &'static Plan)>,
    /// Levies called up and mustering.
    levies: Res<'w, Levies>,
    /// Whether each faction could pay its armies last month.
    payrolls: Query<'w, 's, &'static Payroll>,
    /// What each commander's skills and traits make of his army.
    traits: Res<'w, CharacterTraits>,
}

impl<'w, 's> std::ops::Deref for Picture<'w, 's> {
    type Target = View<'w, 's>;
    fn deref(&self) -> &View<'w, 's> {
        &self.view
    }
}

/// An army as the AI sees it.
#[derive(Clone, Copy)]
struct Force {
    army: Army,
    power: f64,
    /// Men weighted by their kind's field power, as [`strengths`] counts them.
    men: f64,
    plan: Plan,
}

/// What the AI reads of the whole map once a month, before any faction plans.
#[derive(Default)]
struct Month {
    /// The war plans in force, as indices into the scenario's war plans.
    plans: Vec<usize>,
    forces: Vec<Force>,
    owners: Vec<Option<FactionIx>>,
    cities: Vec<Option<City>>,
    /// Who claims each province by a peace.
    claimants: Vec<Option<FactionIx>>,
    is_capital: Vec<bool>,
    /// The provinces each faction holds.
    held: ProvinceSets,
    /// The provinces a peace promises each faction (see `claimants`).
    claimed: ProvinceSets,
    /// The provinces each faction besieges.
    besieging: ProvinceSets,
}

/// A set of provinces for each faction, as bits: a faction's targets are unions and
/// intersections of these, read a word of provinces at a time.
#[derive(Default)]
struct ProvinceSets {
    /// Words per faction.
    words: usize,
    bits: Vec<u64>,
}

impl ProvinceSets {
    /// Empty sets of `provinces` provinces for `factions` factions.
    fn clear(&mut self, factions: usize, provinces: usize) {
        self.words = provinces.div_ceil(64);
        refill(&mut self.bits, factions * self.words, 0);
    }

    fn insert(&mut self, faction: FactionIx, province: usize) {
        self.bits[faction.get() * self.words + province / 64] |= 1 << (province % 64);
    }

    /// Whether `province` is in `faction`'s set.
    fn contains(&self, faction: FactionIx, province: ProvinceIx) -> bool {
        let t = province.get();
        self.word(faction.get(), t / 64) >> (t % 64) & 1 == 1
    }

    /// Word `w` of `faction`'s set.
    fn word(&self, faction: usize, w: usize) -> u64 {
        self.bits[faction * self.words + w]
    }
}

/// What one faction sees of the map, worked out once rather than per army and target.
#[derive(Default)]
struct Sight {
    /// The faction's war plans in force, as indices into the scenario's war plans.
    plans: Vec<usize>,
    enemies: Vec<bool>,
    enemy_power: Vec<f64>,
    /// Power the faction's armies already sent to each province will bring (negative).
    claimed: Vec<f64>,
    /// Provinces one of its plans names, as bits (see [`ProvinceSets`]).
    named: Vec<u64>,
    /// Alliance shares (see [`war_goals`]).
    goal: Vec<Option<f64>>,
    targets: Vec<Target>,
    /// Each province's place in `targets`, if it is one ([`NOT_A_TARGET`] if not).
    target_at: Vec<u32>,
    /// Each target's plans (see [`Target::plans`]), one after another.
    target_plans: Vec<usize>,
}

/// [`Sight::target_at`] of a province that is not a target.
const NOT_A_TARGET: u32 = u32::MAX;

/// Planning space kept from month to month, so that planning allocates nothing once warmed up.
#[derive(Default)]
struct Scratch {
    month: Month,
    sight: Sight,
    staff: strategy::Staff,
    court: Court,
}

/// What the AI's diplomacy reads of each faction.
#[derive(Default)]
struct Court {
    /// Men under arms, as [`strengths`] counts them.
    strength: Vec<f64>,
    in_play: Vec<bool>,
    /// Silver in the treasury.
    wealth: Vec<f64>,
    /// The enemies of the faction planning.
    enemies: Vec<FactionIx>,
}

fn plan_armies(
    p: &Picture,
    view: &View,
    goals: &mut WarGoals,
    orders: &mut MessageWriter<OrderGiven>,
    scratch: &mut Scratch,
) {
    let Scratch { month, sight, staff, .. } = scratch;
    let war_plans = &p.data.program.war_plans;
    month.plans.clear();
    month.plans.extend((0..war_plans.len()).filter(|i| view.holds(&war_plans[*i].when)));
    let nf = p.entities.factions.len();
    goals.0.resize_with(nf, Vec::new);
    goals.0.iter_mut().for_each(Vec::clear);
    for plan in month.plans.iter().map(|i| &war_plans[*i]).filter(|plan| plan.goal) {
        goals.0[plan.faction.get()].push(plan.target);
    }
    month.read(p);
    for (faction, faction_entity) in p.entities.faction_ixs().zip(&p.entities.factions) {
        let Ok((in_play, capital)) = p.factions.get(*faction_entity) else { continue };
        let strategic = p.data.planners[faction.get()] == Planner::Strategic;
        // The planner may call up levies with no army in the field.
        let has_armies =
            month.forces.iter().any(|x| x.army.owner == faction) || (strategic && p.data.levy_kind(faction).is_some());
        if !in_play.0 || p.players.is_human(faction) || !has_armies {
            continue;
        }
        sight.look(p, month, faction);
        if strategic {
            strategy::plan_faction(p, month, sight, faction, capital.0, staff, orders);
            continue;
        }
        for force in month.forces.iter().filter(|x| x.army.owner == faction) {
            if let Some(order) = army_order(p, month, sight, faction, capital.0, force) {
                orders.write(OrderGiven { faction, order });
            }
        }
    }
}

impl Month {
    /// Reads the armies in the field and each province's owner, worth, defences and claimant.
    fn read(&mut self, p: &Picture) {
        self.forces.clear();
        p.armies.iter().for_each(|(a, t, s, plan)| {
            if t.total() > 0.0 {
                let power = field_power(&p.data, &p.traits, a, t, s, a.location);
                self.forces.push(Force { army: *a, power, men: weighted_men(&p.data, t), plan: *plan });
            }
        });
        // In army order, which sums and orders depend on.
        self.forces.sort_unstable_by_key(|f| f.army.ix);
        let n = p.entities.provinces.len();
        refill(&mut self.owners, n, None);
        refill(&mut self.cities, n, None);
        let rules = p.data.rules();
        p.cities.iter().for_each(|(province, owner, populace, defences)| {
            self.owners[province.get()] = owner.0;
            self.cities[province.get()] = Some(City {
                worth: populace.wealth + populace.population / rules.ai_people_worth + 1.0,
                hold: defences.garrison * wall_factor(rules, defences.walls),
                garrison: defences.garrison,
                sheltered: defences.walls >= rules.shelter_walls,
            });
        });
        p.treaties.claimants(&self.owners, &mut self.claimants);
        refill(&mut self.is_capital, n, false);
        p.factions.iter().for_each(|(_, capital)| {
            if let Some(c) = capital.0 {
                self.is_capital[c.get()] = true;
            }
        });
        let nf = p.entities.factions.len();
        self.held.clear(nf, n);
        self.claimed.clear(nf, n);
        for (t, (owner, claimant)) in self.owners.iter().zip(&self.claimants).enumerate() {
            owner.inspect(|f| self.held.insert(*f, t));
            claimant.inspect(|f| self.claimed.insert(*f, t));
        }
        self.besieging.clear(nf, n);
        for (t, siege) in p.sieges.0.iter().enumerate() {
            siege.inspect(|s| self.besieging.insert(s.besieger, t));
        }
    }
}

impl Month {
    /// Each faction's men under arms as [`strengths`] counts them, into `strength`: armies
    /// without men add nothing.
    fn strengths(&self, factions: usize, strength: &mut Vec<f64>) {
        refill(strength, factions, 0.0);
        for x in &self.forces {
            strength[x.army.owner.get()] += x.men;
        }
    }
}

impl Sight {
    /// What `faction` sees this month: its enemies and their power in each province, its plans,
    /// and the provinces worth a march.
    fn look(&mut self, p: &Picture, month: &Month, faction: FactionIx) {
        let n = month.owners.len();
        let war_plans = &p.data.program.war_plans;
        let nf = p.entities.factions.len();
        self.enemies.clear();
        self.enemies.extend(FactionIx::all(nf).map(|o| o != faction && p.relations.at_war(faction, o)));
        refill(&mut self.enemy_power, n, 0.0);
        for x in month.forces.iter().filter(|x| self.enemies[x.army.owner.get()]) {
            self.enemy_power[x.army.location.get()] += x.power;
        }
        self.plans.clear();
        self.plans.extend(month.plans.iter().copied().filter(|i| war_plans[*i].faction == faction));
        refill(&mut self.claimed, n, 0.0);
        let words = month.held.words;
        refill(&mut self.named, words, 0);
        for i in &self.plans {
            let t = war_plans[*i].target.get();
            self.named[t / 64] |= 1 << (t % 64);
        }
        // Alliance shares: what the treaty promises us is worth twice as much, what it promises an
        // ally is left to him.
        self.goal.resize(n, None);
        war_goals(p, faction, &mut self.goal);
        self.targets.clear();
        self.target_plans.clear();
        refill(&mut self.target_at, n, NOT_A_TARGET);
        // The only provinces worth a march: enemy or claimed cities, own cities an enemy
        // besieges, and own cities a plan names; in province order, as the scores' ties require.
        let f = faction.get();
        for w in 0..words {
            let (mut enemy_held, mut enemy_besieging) = (0, 0);
            for e in (0..nf).filter(|e| self.enemies[*e]) {
                enemy_held |= month.held.word(e, w);
                enemy_besieging |= month.besieging.word(e, w);
            }
            let take = enemy_held | month.claimed.word(f, w);
            let own = month.held.word(f, w) & !take;
            let relieve = own & enemy_besieging;
            let hold = own & !relieve & self.named[w];
            let mut all = take | relieve | hold;
            while all != 0 {
                let bit = all.trailing_zeros() as usize;
                all &= all - 1;
                let t = w * 64 + bit;
                let aim = if take >> bit & 1 == 1 {
                    Aim::Take
                } else if relieve >> bit & 1 == 1 {
                    Aim::Relieve
                } else {
                    Aim::Hold
                };
                self.add_target(p, month, t, aim);
            }
        }
    }

    /// Adds province `t` to the targets, with its worth and the plans naming it.
    fn add_target(&mut self, p: &Picture, month: &Month, t: usize, aim: Aim) {
        let Some(city) = month.cities[t] else { return };
        let worth = if month.is_capital[t] { city.worth * p.data.rules().ai_capital_worth } else { city.worth };
        let first_plan = self.target_plans.len();
        self.target_at[t] = self.targets.len() as u32;
        if self.named[t / 64] >> (t % 64) & 1 == 1 {
            let war_plans = &p.data.program.war_plans;
            let plans = self.plans.iter().copied().filter(|i| war_plans[*i].target.get() == t);
            self.target_plans.extend(plans);
        }
        self.targets.push(Target {
            province: t,
            worth: worth * self.goal[t].unwrap_or(1.0),
            hold: city.hold,
            aim,
            plans: first_plan..self.target_plans.len(),
        });
    }

    fn at_war(&self, other: Option<FactionIx>) -> bool {
        other.is_some_and(|o| self.enemies[o.get()])
    }

    /// An enemy's city, or one a peace promises the faction.
    fn hostile(&self, month: &Month, faction: FactionIx, t: usize) -> bool {
        self.at_war(month.owners[t]) || month.claimants[t] == Some(faction)
    }
}

/// The order for one army of `faction`, if it needs a new one.
fn army_order(
    p: &Picture,
    month: &Month,
    sight: &mut Sight,
    faction: FactionIx,
    capital: Option<ProvinceIx>,
    force: &Force,
) -> Option<Order> {
    let war_plans = &p.data.program.war_plans;
    let rules = p.data.rules();
    let here = force.army.location;
    let plans = || sight.plans.iter().map(|i| &war_plans[*i]);
    // 1. Stand before an enemy city: besiege it, unless a war plan sends this army elsewhere or
    // forbids this city.
    let called_away = plans().any(|plan| {
        (plan.army == Some(force.army.ix) && plan.target != here && plan.weight >= rules.ai_main_objective)
            || (plan.target == here && plan.weight <= 0.0 && plan.army.is_none_or(|a| a == force.army.ix))
    });
    if sight.hostile(month, faction, here.get())
        && force.plan.destination.is_none()
        && sight.enemy_power[here.get()] <= 0.0
        && !called_away
    {
        let stance = siege_stance(p, force, here);
        return (force.plan.stance != stance)
            .then_some(Order::Besiege { army: force.army.ix, assault: stance == Stance::Assault });
    }
    // 2. Guard a threatened capital.
    let routes = p.data.routes(p.data.is_winter(p.calendar.date));
    let threatened = |c: ProvinceIx| {
        month.forces.iter().any(|x| {
            sight.enemies[x.army.owner.get()]
                && routes.near(x.army.location, c).is_some_and(|d| d <= rules.ai_threat_days)
        })
    };
    if capital == Some(here) && threatened(here) && force.plan.destination.is_none() && !called_away {
        return None;
    }
    // 3. The best target worth its distance.
    match best_target(p, sight, routes.around(here), force) {
        Some(target) => {
            sight.claimed[target.get()] -= force.power;
            (target != here && force.plan.destination != Some(target))
                .then_some(Order::March { army: force.army.ix, to: target })
        }
        None => {
            // Nothing worth attacking: go home, or hold.
            let home = way_home(p, month, faction, capital, here).filter(|c| *c != here);
            let stay = month.owners[here.get()] == Some(faction);
            match home {
                Some(c) if !stay && force.plan.destination != Some(c) => {
                    Some(Order::March { army: force.army.ix, to: c })
                }
                _ if stay && force.plan.destination.is_some() => Some(Order::Hold { army: force.army.ix }),
                _ => None,
            }
        }
    }
}

/// Where an army of `faction` at `here` goes home to: the capital, if the faction holds it and
/// it lies within the planning horizon; beyond it, the nearest own walled city that is not
/// besieged (an army does not cross half a map of thousands of provinces to get home), or the
/// capital all the same if there is none.
fn way_home(
    p: &Picture,
    month: &Month,
    faction: FactionIx,
    capital: Option<ProvinceIx>,
    here: ProvinceIx,
) -> Option<ProvinceIx> {
    let capital = capital.filter(|c| month.owners[c.get()] == Some(faction))?;
    let routes = p.data.routes(p.data.is_winter(p.calendar.date));
    if routes.near(here, capital).is_some() {
        return Some(capital);
    }
    nearest_refuge(p, month, faction, here).or(Some(capital))
}

/// The nearest own walled city that is not besieged within the planning horizon of `here` (of
/// equally near ones, the first), where an army of `faction` can shelter.
fn nearest_refuge(p: &Picture, month: &Month, faction: FactionIx, here: ProvinceIx) -> Option<ProvinceIx> {
    let routes = p.data.routes(p.data.is_winter(p.calendar.date));
    routes.around(here).iter().map(|r| r.province).find(|t| {
        month.owners[t.get()] == Some(faction)
            && month.cities[t.get()].is_some_and(|c| c.sheltered)
            && !p.sieges.besieged(*t)
    })
}

/// The target within the planning horizon (`around`, the provinces within it) with the best
/// worth for its distance that `force` can hope to win, if any; the first in province order on
/// a tie.
fn best_target(p: &Picture, sight: &Sight, around: &[Reached], force: &Force) -> Option<ProvinceIx> {
    let war_plans = &p.data.program.war_plans;
    let rules = p.data.rules();
    let aggression = aggression(&p.data, force.army.owner);
    let mut best: Option<(f64, ProvinceIx)> = None;
    for reached in around {
        let Some(target) = sight.targets.get(sight.target_at[reached.province.get()] as usize) else { continue };
        let t = target.province;
        let days = reached.days;
        // The war plans' weights, multiplied in plan order.
        let mut planned = 1.0;
        for plan in sight.target_plans[target.plans.clone()].iter().map(|i| &war_plans[*i]) {
            if plan.army.is_none_or(|a| a == force.army.ix) {
                planned *= plan.weight;
            }
        }
        if planned <= 0.0 {
            continue;
        }
        let worth = target.worth * planned;
        let value = match target.aim {
            Aim::Take => {
                let resistance = sight.enemy_power[t] + sight.claimed[t];
                // A war plan's main objective is worth more risk: other armies will follow.
                let nerve = if planned >= rules.ai_main_objective { rules.ai_main_objective_nerve } else { 1.0 };
                if force.power * aggression < resistance * rules.ai_attack_ratio * nerve {
                    continue;
                }
                worth / (1.0 + target.hold / force.power.max(1.0))
            }
            Aim::Relieve => {
                let besiegers = sight.enemy_power[t];
                if force.power * aggression < besiegers / rules.ai_attack_ratio {
                    continue;
                }
                worth * rules.ai_relieve_worth
            }
            // A plan to stand in one's own province: go there and hold it.
            Aim::Hold if planned > 1.0 => worth,
            Aim::Hold => continue,
        };
        let score = value / (1.0 + days / rules.ai_distance_days);
        // Targets are in province order: of equal scores, the lowest province.
        if best.is_none_or(|(s, b)| score > s || (score == s && t < b.get())) {
            best = Some((score, ProvinceIx::new(t)));
        }
    }
    best.map(|(_, t)| t)
}

/// A province an army of the faction may march on, with what the faction sees of it this month.
struct Target {
    province: usize,
    /// Its worth to the faction before plans and distance.
    worth: f64,
    /// Its garrison, multiplied by the walls.
    hold: f64,
    aim: Aim,
    /// The faction's war plans that name it, in plan order, as a range of
    /// [`Sight::target_plans`].
    plans: std::ops::Range<usize>,
}

/// Why a province is a target.
#[derive(Clone, Copy)]
enum Aim {
    /// An enemy's or a claimed city, to take.
    Take,
    /// An own city an enemy besieges.
    Relieve,
    /// An own city a war plan names, to stand in.
    Hold,
}

/// What a province's capture is worth before its distance, and what holds it.
#[derive(Clone, Copy)]
struct City {
    worth: f64,
    /// The garrison, multiplied by the walls.
    hold: f64,
    /// The men inside, walls apart: what decides whether they sally.
    garrison: f64,
    /// Whether its walls shelter an army that stays inside from field battles (`shelter_walls`).
    sheltered: bool,
}

/// How the alliances in force weigh each province for `faction`, into `goal`: 2 if promised to
/// it, 0 if promised to an ally, `None` (read as 1) otherwise; the first treaty (in treaty order)
/// that shares a province out decides.
fn war_goals(p: &Picture, faction: FactionIx, goal: &mut [Option<f64>]) {
    goal.fill(None);
    let promised = p.data.rules().ai_promised_worth;
    for t in p.treaties.all() {
        let TreatyTerms::Alliance { shares, .. } = &t.terms else { continue };
        if !t.parties.contains(&faction) {
            continue;
        }
        for (who, provinces) in shares {
            for province in provinces {
                let slot = &mut goal[province.get()];
                if slot.is_none() {
                    *slot = Some(if *who == faction { promised } else { 0.0 });
                }
            }
        }
    }
}

/// Storm when the odds are overwhelming, else blockade.
fn siege_stance(p: &Picture, force: &Force, province: ProvinceIx) -> Stance {
    let Some(Ok((army, troops, spirit, _))) = p.entities.army(force.army.ix).map(|e| p.armies.get(e)) else {
        return Stance::Blockade;
    };
    let Ok((_, _, _, defences)) = p.cities.get(p.entities.province(province)) else { return Stance::Blockade };
    let rules = p.data.rules();
    let attack = assault_power(&p.data, &p.traits, army, troops, spirit);
    // The AI judges a storm by the garrison alone, as if the city were never starving.
    let defence = city_defence(rules, defences, defences.garrison, rules.garrison_skill, false);
    if attack > rules.ai_assault_ratio * defence { Stance::Assault } else { Stance::Blockade }
}

/// Peace when losing badly, or on terms when winning; war on a weak, rich neighbour once no
/// other war is left.
fn plan_diplomacy(
    p: &Picture,
    goals: &WarGoals,
    month: &Month,
    court: &mut Court,
    rng: &mut SimRng,
    orders: &mut MessageWriter<OrderGiven>,
) {
    court.read(p);
    let nf = p.entities.factions.len();
    for me in FactionIx::all(nf) {
        if !court.in_play[me.get()] || p.players.is_human(me) {
            continue;
        }
        court.enemies.clear();
        court.enemies.extend(FactionIx::all(nf).filter(|b| *b != me && p.relations.at_war(me, *b)));
        if p.calendar.turn.is_multiple_of(whole_count(p.data.rules().ai_peace_months)) {
            sue_for_peace(p, goals, month, court, me, orders);
            demand_peace(p, goals, month, court, me, orders);
        }
        if court.enemies.is_empty() {
            consider_betrayal(p, court, me, rng, orders);
        }
    }
}

impl Court {
    /// Who is in play, and each faction's silver (strengths are read with the armies).
    fn read(&mut self, p: &Picture) {
        self.in_play.clear();
        self.in_play.extend(p.entities.factions.iter().map(|e| p.factions.get(*e).is_ok_and(|(i, _)| i.0)));
        self.wealth.clear();
        self.wealth.extend(p.entities.factions.iter().map(|e| p.view.factions.get(*e).map_or(0.0, |(t, ..)| t.silver)));
    }
}

/// How `faction`'s war looks from its own side: its capital besieged, its legitimacy.
fn plight(p: &Picture, faction: FactionIx) -> Plight {
    let court = p.entities.factions[faction.get()];
    Plight {
        capital_besieged: p.factions.get(court).ok().and_then(|(_, c)| c.0).is_some_and(|c| p.sieges.besieged(c)),
        legitimacy: p.view.factions.get(court).map_or(MIDDLE, |(_, s, ..)| s.legitimacy),
    }
}

/// Losing a war (see [`losing`]), a faction sues each enemy for peace, unless the enemy holds
/// one of its war goals. It offers the least of the [`indemnities`] that it judges the enemy
/// would take, judging as the enemy will from what it can see (strengths, treasuries, trust, its
/// own capital); if none would do, it sends none.
fn sue_for_peace(
    p: &Picture,
    goals: &WarGoals,
    month: &Month,
    court: &Court,
    me: FactionIx,
    orders: &mut MessageWriter<OrderGiven>,
) {
    let rules = p.data.rules();
    let mine = plight(p, me);
    for &enemy in &court.enemies {
        // A faction does not give up a war goal the enemy still holds.
        let goal_held = goals.unmet(me, |province| month.owners[province.get()] == Some(enemy)).is_some();
        if !losing(rules, mine, &court.strength, me, enemy) || goal_held {
            continue;
        }
        let offer = indemnities(rules, court.wealth[me.get()]).find(|indemnity| {
            let offer = PeaceOffer {
                indemnity: *indemnity,
                ceded: 0,
                capital_besieged: mine.capital_besieged,
                unmet_goal: None,
            };
            let treasury = court.wealth[enemy.get()];
            judge_peace(&p.data, &p.relations, enemy, me, &court.strength, treasury, offer).accepts()
        });
        if let Some(indemnity) = offer {
            let proposal = Proposal::Peace { indemnity, ceded: Vec::new() };
            orders.write(OrderGiven { faction: me, order: Order::Propose { to: enemy, proposal } });
        }
    }
}

/// Winning a war, a faction demands peace of an enemy that counts itself losing (judged, as the
/// enemy will, from what the demander sees): silver in proportion to its advantage
/// ([`demanded`]) and the cities it has under siege, if the demander would take
/// those terms itself ([`judge_peace`], as if the enemy offered them: not while it is so much the
/// stronger that it means to take more, nor while the enemy's capital is under siege). Never
/// while the enemy holds one of its war goals or a main objective of its war plans in force.
fn demand_peace(
    p: &Picture,
    goals: &WarGoals,
    month: &Month,
    court: &Court,
    me: FactionIx,
    orders: &mut MessageWriter<OrderGiven>,
) {
    let rules = p.data.rules();
    let war_plans = &p.data.program.war_plans;
    for &enemy in &court.enemies {
        let held_by_enemy = |province: ProvinceIx| month.owners[province.get()] == Some(enemy);
        let aims_unmet =
            goals.unmet(me, held_by_enemy).is_some()
                || month.plans.iter().map(|i| &war_plans[*i]).any(|plan| {
                    plan.faction == me && plan.weight >= rules.ai_main_objective && held_by_enemy(plan.target)
                });
        let theirs = plight(p, enemy);
        if aims_unmet || !losing(rules, theirs, &court.strength, enemy, me) {
            continue;
        }
        let ceded: Vec<ProvinceIx> = (p.sieges.0.iter().enumerate())
            .filter(|(t, siege)| siege.is_some_and(|s| s.besieger == me) && held_by_enemy(ProvinceIx::new(*t)))
            .map(|(t, _)| ProvinceIx::new(t))
            .collect();
        let silver = court.wealth[enemy.get()];
        let Some(indemnity) = demanded(rules, silver, &court.strength, me, enemy) else { continue };
        let offer =
            PeaceOffer { indemnity, ceded: ceded.len(), capital_besieged: theirs.capital_besieged, unmet_goal: None };
        let worth_it = judge_peace(&p.data, &p.relations, me, enemy, &court.strength, court.wealth[me.get()], offer);
        if worth_it.accepts() && judge_demand(true, silver, indemnity, None).accepts() {
            let proposal = Proposal::Demand { indemnity, ceded };
            orders.write(OrderGiven { faction: me, order: Order::Propose { to: enemy, proposal } });
        }
    }
}

/// What `me` demands of a losing `enemy` with `silver`: of the enemy's [`indemnities`], the share
/// of the way to the largest that `me`'s strength over the enemy's is of `ai_peace_balance`.
fn demanded(rules: &Rules, silver: f64, strength: &[f64], me: FactionIx, enemy: FactionIx) -> Option<f64> {
    let steps: Vec<f64> = indemnities(rules, silver).collect();
    let balance = strength[me.get()] / strength[enemy.get()].max(1.0);
    let share = (balance / rules.ai_peace_balance).clamp(0.0, 1.0);
    // The steps are few (`ai_peace_steps`), so the count converts exactly.
    let step = ((steps.len() as f64 * share).ceil() as usize).max(1);
    steps.get(step - 1).copied()
}

/// With no war left, a weak, rich neighbour it distrusts tempts a faction (the first, in faction
/// order, that the dice give).
fn consider_betrayal(
    p: &Picture,
    court: &Court,
    me: FactionIx,
    rng: &mut SimRng,
    orders: &mut MessageWriter<OrderGiven>,
) {
    let rules = p.data.rules();
    let a = me.get();
    let aggression = aggression(&p.data, me);
    for other in FactionIx::all(p.entities.factions.len()) {
        let b = other.get();
        if b == a || !court.in_play[b] || truce_between(p, me, other) {
            continue;
        }
        let weak = court.strength[b] < rules.betrayal_ratio * court.strength[a];
        let rich = court.wealth[b] > court.wealth[a];
        let distrust = p.relations.trust(me, other) < rules.betrayal_max_trust;
        if weak && rich && distrust && rng.chance(rules.betrayal_chance * aggression) {
            orders.write(OrderGiven { faction: me, order: Order::DeclareWar { on: other } });
            break;
        }
    }
}

/// At war already, bound by a truce, or by any treaty signed within the last year.
fn truce_between(p: &Picture, a: FactionIx, b: FactionIx) -> bool {
    let date = p.calendar.date;
    p.relations.at_war(a, b)
        || p.treaties.truce(a, b, date)
        || p.treaties.all().any(|t| t.binds(a, b) && t.since.months_until(date) < MONTHS_PER_YEAR_I64)
}

/// Months in a year, for dates counted in whole months.
const MONTHS_PER_YEAR_I64: i64 = 12;

/// A count parameter (`ai_peace_months`, `ai_peace_steps`) as a whole number, at least one.
fn whole_count(count: f64) -> u32 {
    // The parameters' ranges start at 1 and are small, so the conversion keeps them whole.
    (count as u32).max(1)
}

#[cfg(test)]
mod tests {
    use crate::sim::state::{Relations, Treaties};
    use crate::sim::testing::{chronicle, scenario, sim};

    #[test]
    fn province_sets_span_several_words_per_faction() {
        let mut sets = super::ProvinceSets::default();
        sets.clear(2, 130);
        for p in [0, 64, 129] {
            sets.insert(crate::sim::FactionIx(1), p);
        }
        assert_eq!((sets.word(1, 0), sets.word(1, 1), sets.word(1, 2)), (1, 1, 1 << 1));
        assert!((0..3).all(|w| sets.word(0, w) == 0), "the other faction's set stays empty");
        sets.clear(2, 130);
        assert!((0..3).all(|w| sets.word(1, w) == 0), "cleared for the next month");
    }

    /// Red and Blue at peace, bound by an old alliance; Red has `red` cavalry, Blue `blue` infantry
    /// and far more silver.
    fn allies(red: i64, blue: i64) -> crate::sim::Sim {
        let mut s = scenario(
            &format!(
                r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {{"cavalry": {red}}}),
                   Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "c", troops: {{"infantry": {blue}}})"#
            ),
            r#"treaties: [Treaty(id: "pact", name: "The Pact", parties: ["red", "blue"], kind: Alliance(against: []))],"#,
        );
        s.relations[0].war = false;
        s.relations[0].trust = 30;
        s.factions[1].treasury = 200_000;
        s.factions[0].treasury = 1_000;
        s.start = crate::scenario::Date::new(1125, 3);
        s.rules.betrayal_chance = 1.0;
        let mut game = sim(s, 9);
        // The pact is old: move the clock a year on without playing.
        let mut treaties = game.world_mut().resource_mut::<Treaties>();
        if let Some(t) = treaties.0[0].as_mut() {
            t.since = crate::scenario::Date::new(1120, 1);
        }
        game
    }

    #[test]
    fn an_ally_judged_weak_and_rich_is_betrayed() {
        let mut game = allies(60_000, 5_000);
        game.step();
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        assert!(game.world().resource::<Relations>().at_war(red, blue));
        assert!(
            chronicle(&game).iter().any(|l| l.contains("judges Blue weak and rich, breaks the The Pact")),
            "{:?}",
            chronicle(&game)
        );
        assert!(game.world().resource::<Relations>().trust(blue, red) < 30.0);
    }

    /// Red, far weaker than Blue and at war with it, with Blue's trust in Red at `trust`.
    fn losing_war(trust: i64) -> crate::sim::Sim {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 2000}),
               Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "c", troops: {"infantry": 30000})"#,
            "",
        );
        s.relations[0].trust = trust;
        s.factions[1].treasury = 1_000;
        // Blue stays home: the suit, not the war, is under test.
        crate::sim::testing::sim_with_humans(s, 3, &["blue"])
    }

    /// The peace offers Red has sent Blue (whom a player plays, so they wait for his answer).
    fn suits(game: &crate::sim::Sim) -> Vec<f64> {
        let proposals = &game.world().resource::<crate::sim::state::Proposals>().0;
        proposals
            .iter()
            .filter_map(|p| match p.proposal {
                crate::sim::state::Proposal::Peace { indemnity, .. } => Some(indemnity),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_suit_the_enemy_would_refuse_is_not_sent() {
        let mut game = losing_war(5);
        for _ in 0..13 {
            game.step();
        }
        assert!(suits(&game).is_empty(), "Blue does not trust Red: {:?}", suits(&game));
    }

    #[test]
    fn a_losing_faction_offers_the_least_the_enemy_would_take() {
        let mut game = losing_war(50);
        game.step();
        // Fifteen times as strong, Blue wants more than the first offers of 3,000 and 6,000 are
        // worth to it (its treasury is 1,000): Red offers 9,000, the third step.
        assert_eq!(suits(&game), vec![9000.0]);
    }

    /// Red, with `red` infantry, at war with Blue, with 10,000 infantry, `blue_silver` and
    /// `blue_legitimacy`; `humans` give no orders.
    fn winning_war(red: i64, blue_silver: i64, blue_legitimacy: i64, humans: &[&str]) -> crate::sim::Sim {
        let mut s = scenario(
            &format!(
                r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {{"infantry": {red}}}),
                   Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "c", troops: {{"infantry": 10000}})"#
            ),
            "",
        );
        s.relations[0].trust = 50;
        s.factions[1].treasury = blue_silver;
        s.factions[1].legitimacy = blue_legitimacy;
        crate::sim::testing::sim_with_humans(s, 3, humans)
    }

    /// The peace Red and Blue signed: who pays whom, and how much in all.
    fn peace(game: &crate::sim::Sim) -> Option<(String, String, f64)> {
        let months = game.data().rules().indemnity_months;
        game.world().resource::<Treaties>().all().find_map(|t| match t.terms {
            crate::sim::compiled::TreatyTerms::Peace { payer: Some(payer), payee, instalment, .. } => {
                let (payer, payee) = (game.data().faction_id(payer), game.data().faction_id(payee));
                Some((payer.to_string(), payee.to_string(), (instalment * months).round()))
            }
            _ => None,
        })
    }

    #[test]
    fn a_winning_faction_demands_peace_in_proportion_to_its_advantage() {
        // Three and a half times Blue's strength, Red asks for the last of Blue's indemnity steps
        // (nine tenths of its 10,000); Blue, losing, pays rather than fight on.
        let mut game = winning_war(35_000, 10_000, 50, &[]);
        game.step();
        let said = chronicle(&game).join("\n");
        assert!(said.contains("Red demands peace of Blue for 9.0 million taels"), "{said}");
        assert!(said.contains("Blue yields"), "{said}");
        assert_eq!(peace(&game), Some(("blue".into(), "red".into(), 9000.0)));
    }

    #[test]
    fn a_demand_waits_for_a_player_and_binds_him_as_payer() {
        // Blue, its legitimacy gone, counts itself losing; Red, one and a half times as strong
        // (0.6 of `ai_peace_balance`), asks for the second of three steps: 6,000 of Blue's 10,000.
        let mut game = winning_war(15_000, 10_000, 20, &["blue"]);
        game.step();
        let waiting = &game.world().resource::<crate::sim::state::Proposals>().0;
        let demand = waiting.iter().position(|p| matches!(p.proposal, crate::sim::state::Proposal::Demand { .. }));
        let Some(index) = demand else { panic!("no demand waits for Blue: {waiting:?}") };
        let blue = game.data().faction("blue");
        game.give(blue, crate::sim::Order::AnswerProposal { proposal: index, accept: true });
        game.step();
        assert_eq!(peace(&game), Some(("blue".into(), "red".into(), 6000.0)));
    }

    #[test]
    fn a_faction_winning_by_far_demands_nothing_of_a_poor_enemy() {
        // Fifteen times as strong, Red means to take more than Blue's 1,000 taels are worth.
        let mut game = winning_war(150_000, 1_000, 50, &[]);
        game.step();
        assert!(!chronicle(&game).iter().any(|l| l.contains("demands")), "{:?}", chronicle(&game));
        assert_eq!(peace(&game), None);
    }

    #[test]
    fn a_strong_ally_is_not_betrayed() {
        let mut game = allies(60_000, 100_000);
        for _ in 0..24 {
            game.step();
        }
        let (red, blue) = (game.data().faction("red"), game.data().faction("blue"));
        assert!(!game.world().resource::<Relations>().at_war(red, blue));
    }
}
