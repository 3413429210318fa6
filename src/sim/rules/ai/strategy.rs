//! The strategic planner: the AI of the normal and hard levels, which plans a faction's war as a
//! whole rather than army by army.
//!
//! Each month, for each faction nobody plays, it reads only what a player sees (armies, owners,
//! walls, garrisons, sieges, the roads) and gives its armies tasks in this order:
//! 1. **Threats**: the enemy power that can reach each province within `ai_horizon_days`, and
//!    the enemy power near it (all of an army in it, less the farther, none `ai_reach_days` away).
//! 2. **War plans**: an army a plan names for a main objective goes there.
//! 3. **Fall back**: an army facing more than `ai_refuse_ratio` times its side's power near it
//!    (`ai_trapped_ratio` times less where it is cut off) shelters behind its own walls, or leaves
//!    for the nearest own walled city.
//! 4. **Sieges**: an army before an enemy city with no enemy army in it keeps besieging it.
//! 5. **Defence**: own cities under threat, the most valuable first (the capital counts
//!    `ai_capital_worth` times). A besieged city is relieved only by armies that together can win;
//!    the capital, when its garrison cannot hold the threat alone, is covered by the armies that
//!    can reach it before the enemy, until `ai_defend_ratio` times the threat is met. Other cities
//!    keep their garrisons: armies are better spent striking.
//! 6. **Offence**: for each enemy or claimed city, the nearest free armies that together beat the
//!    enemy power near it by `ai_attack_ratio`, and bring at least `ai_siege_share` of the
//!    besiegers its garrison would sally against; the best worth for its walls, supply and the
//!    group's march goes first (a city its armies already besiege counts `ai_siege_commitment`
//!    times; the faction's aggression makes less of walls). The nearer armies of a group wait for the farthest (`ai_gather_days`), so that they
//!    arrive together; in winter no army starts a march longer than `ai_winter_days`. One group
//!    to a road: the cities on a group's road worth less than `ai_road_share` of its objective
//!    are left to it, so the next group opens another line.
//! 7. The armies left over join the nearest group, or go home.
//! 8. **Levies**: where the defence falls short, it calls up levies (see [`levies`]); at peace, or
//!    unable to pay its armies, it sends them home.
//!
//! War plans stay hints: their weights multiply an objective's worth and a weight of 0 forbids it.
use bevy_ecs::prelude::*;

use super::{Aim, Force, Month, Picture, Sight, levies, nearest_refuge, siege_stance, way_home};
use crate::sim::collect::refill;
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::power::aggression;
use crate::sim::state::{Order, OrderGiven, Stance};

/// What an army is to do this month.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Task {
    /// Not yet given a task.
    Free,
    /// Keep besieging the enemy city it stands before.
    Besiege,
    /// Stay where it is (behind its walls, or waiting for its group).
    Stay,
    /// Go to a province (and besiege it, if it is an enemy city when it gets there).
    Go(ProvinceIx),
}

/// A city the faction may march on this month.
struct Prospect {
    province: ProvinceIx,
    /// The power the faction must bring.
    need: f64,
    /// Its worth, its plans, its promise and supply weighed in; before walls and distance.
    worth: f64,
    /// Garrison times walls.
    hold: f64,
    /// The armies that may go, nearest first, as a range of [`Staff::candidates`].
    candidates: std::ops::Range<usize>,
    /// Whether a group has been sent to it this month.
    given: bool,
}

/// The planner's working space, kept from month to month so that planning allocates nothing once
/// warmed up.
#[derive(Default)]
pub(super) struct Staff {
    /// The faction's armies, as indices into [`Month::forces`], in army order.
    mine: Vec<usize>,
    /// Each of `mine`'s task.
    task: Vec<Task>,
    /// Enemy power within `ai_horizon_days` of each province.
    threat: Vec<f64>,
    /// Enemy power within `ai_reach_days` of each province, the nearer the more (all of it in the
    /// province, none at the limit).
    near: Vec<f64>,
    /// Days the nearest enemy army needs to reach each province (infinite beyond the horizon).
    first_enemy: Vec<f64>,
    /// Own cities under threat, with their value, most valuable first.
    threatened: Vec<(f64, usize)>,
    /// Free armies (positions in `mine`) with their days to a province, nearest first: to the
    /// province of [`Staff::gather`], or one run for each prospect.
    candidates: Vec<(f64, usize)>,
    /// The month's offensive prospects (see [`Staff::survey`]).
    prospects: Vec<Prospect>,
    /// Each province's prospect, if it is one.
    prospect_at: Vec<Option<usize>>,
    /// The free armies that may go to each prospect, found army by army: (prospect, days,
    /// position in `mine`).
    found: Vec<(usize, f64, usize)>,
    /// The prospects some free army may go to, in prospect order: the others cannot be given out.
    reachable: Vec<usize>,
    /// The offensive objectives given out this month, with the days of their farthest army.
    objectives: Vec<(ProvinceIx, f64)>,
    /// Threatened or besieged cities the free armies cannot defend, with the power they lack, the
    /// most valuable first: what levies are called up for.
    shortfalls: Vec<(ProvinceIx, f64)>,
}

/// Gives orders to `faction`'s armies for the month.
pub(super) fn plan_faction(
    p: &Picture,
    month: &Month,
    sight: &Sight,
    faction: FactionIx,
    capital: Option<ProvinceIx>,
    staff: &mut Staff,
    orders: &mut MessageWriter<OrderGiven>,
) {
    staff.read(p, month, sight, faction);
    staff.follow_named_armies(p, month, sight);
    staff.fall_back(p, month, sight);
    staff.keep_sieges(p, month, sight, faction);
    staff.defend(p, month, sight, faction, capital);
    staff.attack(p, month, sight, faction);
    staff.reinforce_or_go_home(p, month, faction, capital);
    levies::call_up(p, month, sight, faction, &staff.shortfalls, orders);
    levies::send_home(p, month, sight, faction, orders);
    for (i, &f) in staff.mine.iter().enumerate() {
        let force = &month.forces[f];
        if let Some(order) = order_for(p, month, sight, faction, force, staff.task[i]) {
            orders.write(OrderGiven { faction, order });
        }
    }
}

impl Staff {
    /// The faction's armies, the threats to each province, and its supply range.
    fn read(&mut self, p: &Picture, month: &Month, sight: &Sight, faction: FactionIx) {
        let n = month.owners.len();
        let rules = p.data.rules();
        let routes = p.data.routes(p.data.is_winter(p.calendar.date));
        self.mine.clear();
        self.mine.extend((0..month.forces.len()).filter(|f| month.forces[*f].army.owner == faction));
        refill(&mut self.task, self.mine.len(), Task::Free);
        refill(&mut self.threat, n, 0.0);
        refill(&mut self.near, n, 0.0);
        refill(&mut self.first_enemy, n, f64::INFINITY);
        // The enemy's power where it stands (armies standing together count as one), in
        // province order.
        let reach = rules.ai_horizon_days.max(rules.ai_reach_days);
        for (at, &power) in sight.enemy_power.iter().enumerate().filter(|(_, p)| **p > 0.0) {
            for r in routes.within(ProvinceIx::new(at), reach) {
                let (days, t) = (r.days, r.province.get());
                if days <= rules.ai_horizon_days {
                    self.threat[t] += power;
                    self.first_enemy[t] = self.first_enemy[t].min(days);
                }
                // The nearer, the surer: an army a month away may well be going elsewhere.
                if days < rules.ai_reach_days {
                    self.near[t] += power * (1.0 - days / rules.ai_reach_days);
                }
            }
        }
    }

    /// Armies facing a fight they cannot win shelter behind their walls or fall back to the
    /// nearest own walled city.
    fn fall_back(&mut self, p: &Picture, month: &Month, sight: &Sight) {
        let rules = p.data.rules();
        for (i, &f) in self.mine.iter().enumerate() {
            if self.task[i] != Task::Free {
                continue;
            }
            let force = &month.forces[f];
            let here = force.army.location.get();
            let own: f64 = self
                .mine
                .iter()
                .map(|f| &month.forces[*f])
                .filter(|x| x.army.location.get() == here)
                .map(|x| x.power)
                .sum();
            let side = own * aggression(&p.data, force.army.owner);
            // Cut off, a beaten army surrenders whole: it leaves sooner.
            let nerve = if cut_off(p, month, sight, force.army.owner, here) { rules.ai_trapped_ratio } else { 1.0 };
            if self.near[here] * nerve <= side * rules.ai_refuse_ratio {
                continue;
            }
            let owner = force.army.owner;
            if month.owners[here] == Some(owner) && month.cities[here].is_some_and(|c| c.sheltered) {
                self.task[i] = Task::Stay;
                continue;
            }
            if let Some(refuge) = nearest_refuge(p, month, owner, force.army.location) {
                self.task[i] = Task::Go(refuge);
            }
        }
    }

    /// Armies before an enemy city with no enemy army in it keep (or start) its siege, unless a
    /// war plan calls them away.
    fn keep_sieges(&mut self, p: &Picture, month: &Month, sight: &Sight, faction: FactionIx) {
        for (i, &f) in self.mine.iter().enumerate() {
            let force = &month.forces[f];
            let here = force.army.location;
            if self.task[i] == Task::Free
                && sight.hostile(month, faction, here.get())
                && force.plan.destination.is_none()
                && sight.enemy_power[here.get()] <= 0.0
                && !called_away(p, sight, force)
            {
                self.task[i] = Task::Besiege;
            }
        }
    }

    /// Relieves besieged cities the free armies can win back, then covers the capital and the
    /// cities whose garrisons cannot hold alone, most valuable first.
    fn defend(&mut self, p: &Picture, month: &Month, sight: &Sight, faction: FactionIx, capital: Option<ProvinceIx>) {
        let rules = p.data.rules();
        let aggression = aggression(&p.data, faction);
        self.threatened.clear();
        for t in (0..month.owners.len()).filter(|t| month.owners[*t] == Some(faction) && self.threat[*t] > 0.0) {
            let Some(city) = month.cities[t] else { continue };
            let is_capital = capital.is_some_and(|c| c.get() == t);
            let besieged = p.sieges.besieged(ProvinceIx::new(t));
            // Another city's garrison holds it alone, or falls: armies are better spent striking
            // the enemy than waiting for him in every city.
            if !besieged && (!is_capital || city.hold >= self.threat[t] * rules.ai_defend_ratio) {
                continue;
            }
            let worth = if is_capital { city.worth * rules.ai_capital_worth } else { city.worth };
            self.threatened.push((worth, t));
        }
        self.threatened.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.shortfalls.clear();
        for k in 0..self.threatened.len() {
            let t = self.threatened[k].1;
            let province = ProvinceIx::new(t);
            if p.sieges.besieged(province) {
                // Only a relief that can win: armies fed in one by one are beaten one by one.
                let besiegers = sight.enemy_power[t] * rules.ai_attack_ratio;
                let (held, found) =
                    self.gather(p, month, province, f64::INFINITY, |power| power * aggression >= besiegers, false);
                if !held {
                    // The free armies too few to go count towards the relief the levies complete.
                    let short = besiegers / aggression - self.gathered_at(month, province) - found;
                    self.shortfalls.push((province, short));
                }
            } else {
                // The garrison behind its walls holds part of the threat.
                let hold = month.cities[t].map_or(0.0, |c| c.hold);
                let need = self.threat[t] * rules.ai_defend_ratio - hold;
                let before_the_enemy = self.first_enemy[t];
                let covered = self.gathered_at(month, province);
                if covered < need
                    && !self.gather(p, month, province, before_the_enemy, |power| covered + power >= need, true).0
                {
                    // Free armies that cannot arrive before the enemy still come sooner than a levy.
                    let coming = self.free_within(p, month, province, rules.ai_horizon_days);
                    let short = need - self.gathered_at(month, province) - coming;
                    if short > 0.0 {
                        self.shortfalls.push((province, short));
                    }
                }
            }
        }
    }

    /// Power of the free armies within `days` of `t`.
    fn free_within(&self, p: &Picture, month: &Month, t: ProvinceIx, days: f64) -> f64 {
        let routes = p.data.routes(p.data.is_winter(p.calendar.date));
        self.mine
            .iter()
            .zip(&self.task)
            .filter(|(f, task)| {
                **task == Task::Free && routes.near(month.forces[**f].army.location, t).is_some_and(|d| d <= days)
            })
            .map(|(f, _)| month.forces[*f].power)
            .sum()
    }

    /// Power the armies with a task to be at `t` bring there.
    fn gathered_at(&self, month: &Month, t: ProvinceIx) -> f64 {
        self.mine
            .iter()
            .zip(&self.task)
            .filter(|(f, task)| {
                let force = &month.forces[**f];
                **task == Task::Go(t) || (force.army.location == t && matches!(task, Task::Stay | Task::Besiege))
            })
            .map(|(f, _)| month.forces[*f].power)
            .sum()
    }

    /// Sends the nearest free armies within `within` days to `to` until `enough` holds of their
    /// power; with `partial`, sends them even if it never does. Returns whether it held, and the
    /// power of the armies it found (sent or not).
    fn gather(
        &mut self,
        p: &Picture,
        month: &Month,
        to: ProvinceIx,
        within: f64,
        enough: impl Fn(f64) -> bool,
        partial: bool,
    ) -> (bool, f64) {
        self.candidates.clear();
        self.add_nearest_free(p, month, to, |_, days| days <= within);
        let mut power = 0.0;
        let mut taken = 0;
        for &(_, i) in &self.candidates {
            if enough(power) {
                break;
            }
            power += month.forces[self.mine[i]].power;
            taken += 1;
        }
        let held = enough(power);
        if held || partial {
            for k in 0..taken {
                let i = self.candidates[k].1;
                self.task[i] = Task::Go(to);
            }
        }
        (held, power)
    }

    /// Adds to `candidates` the free armies that `may_go` to `to` (given each army and its days of
    /// march there), nearest first, then in army order.
    fn add_nearest_free(&mut self, p: &Picture, month: &Month, to: ProvinceIx, may_go: impl Fn(&Force, f64) -> bool) {
        let routes = p.data.routes(p.data.is_winter(p.calendar.date));
        let first = self.candidates.len();
        for (i, &f) in self.mine.iter().enumerate() {
            let force = &month.forces[f];
            let Some(days) = routes.near(force.army.location, to) else { continue };
            if self.task[i] == Task::Free && may_go(force, days) {
                self.candidates.push((days, i));
            }
        }
        self.candidates[first..].sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    }

    /// Gives out offensive objectives, the best first, each to the group of free armies that can
    /// take it, until no free army can take any.
    fn attack(&mut self, p: &Picture, month: &Month, sight: &Sight, faction: FactionIx) {
        self.objectives.clear();
        self.survey(p, month, sight, faction);
        let rules = p.data.rules();
        // A bold court makes less of walls, a prudent one more.
        let boldness = aggression(&p.data, faction);
        loop {
            // The best prospect the free armies can take: (score, prospect, armies, days, power).
            let mut best: Option<(f64, usize, usize, f64, f64)> = None;
            for &k in &self.reachable {
                let prospect = &self.prospects[k];
                if prospect.given {
                    continue;
                }
                let Some((power, days, size)) = self.group_for(month, prospect) else { continue };
                // Walls and garrison against the group's power: the months a siege will take.
                let walls = 1.0 + rules.ai_walls_weight * prospect.hold / (power * boldness).max(1.0);
                let committed =
                    if month.besieging.contains(faction, prospect.province) { rules.ai_siege_commitment } else { 1.0 };
                let score = committed * prospect.worth / walls / (1.0 + days / rules.ai_distance_days);
                if best.is_none_or(|(s, ..)| score > s) {
                    best = Some((score, k, size, days, power));
                }
            }
            let Some((_, k, size, days, power)) = best else { break };
            let to = self.prospects[k].province;
            self.prospects[k].given = true;
            let mut taken = 0;
            for c in self.prospects[k].candidates.clone() {
                let (arrive, i) = self.candidates[c];
                if taken == size {
                    break;
                }
                if self.task[i] != Task::Free {
                    continue;
                }
                taken += 1;
                let here = month.forces[self.mine[i]].army.location;
                // Near armies in safe land wait for the group, so that it arrives as one.
                let early = arrive + rules.ai_gather_days < days;
                let safe = month.owners[here.get()] == Some(faction) && self.near[here.get()] <= 0.0;
                self.task[i] = if early && safe { Task::Stay } else { Task::Go(to) };
                self.leave_road_to_group(p, here, k, power);
            }
            self.objectives.push((to, days));
        }
    }

    /// One group to a road: the prospects on the road from `from` to the objective `prospect`
    /// that a group of `power` could take and that are worth less than `ai_road_share` of the
    /// objective are left to it (it meets the enemy armies there, and can take the cities after
    /// its objective), so that a second group opens another line rather than crowd this one.
    fn leave_road_to_group(&mut self, p: &Picture, from: ProvinceIx, prospect: usize, power: f64) {
        let routes = p.data.routes(p.data.is_winter(p.calendar.date));
        let rules = p.data.rules();
        let (to, worth) = (self.prospects[prospect].province, self.prospects[prospect].worth);
        for on_road in routes.road_back(from, to).skip(1) {
            let lesser =
                |k: &usize| self.prospects[*k].need <= power && self.prospects[*k].worth <= worth * rules.ai_road_share;
            if let Some(k) = self.prospect_at[on_road.get()].filter(lesser) {
                self.prospects[k].given = true;
            }
        }
    }

    /// The month's prospects: each enemy or claimed city (or a city a plan bids the faction
    /// hold) with what the faction needs to bring and what it is worth, and the armies that may
    /// go, nearest first; worked out once, as the groups are given out one by one.
    fn survey(&mut self, p: &Picture, month: &Month, sight: &Sight, faction: FactionIx) {
        let rules = p.data.rules();
        let within = if p.data.is_winter(p.calendar.date) { rules.ai_winter_days } else { f64::INFINITY };
        let aggression = aggression(&p.data, faction);
        let war_plans = &p.data.program.war_plans;
        let names_armies = sight.plans.iter().any(|i| war_plans[*i].army.is_some());
        self.prospects.clear();
        self.candidates.clear();
        refill(&mut self.prospect_at, month.owners.len(), None);
        // No group can bring more than every free army together: a target needing more is out of
        // reach this month, and its armies are not worth sorting.
        let free: f64 = self
            .mine
            .iter()
            .zip(&self.task)
            .filter(|(_, t)| **t == Task::Free)
            .map(|(f, _)| month.forces[*f].power)
            .sum();
        let reach = free * (1.0 + f64::EPSILON.sqrt());
        for target in &sight.targets {
            let t = target.province;
            let planned = faction_weight(p, sight, target);
            if planned <= 0.0 {
                continue;
            }
            let need = match target.aim {
                Aim::Take => {
                    let nerve = if planned >= rules.ai_main_objective { rules.ai_main_objective_nerve } else { 1.0 };
                    let field = self.near[t] * rules.ai_attack_ratio * nerve / aggression;
                    // Besiegers too few for the garrison are beaten by its sallies.
                    let garrison = month.cities[t].map_or(0.0, |c| c.garrison);
                    let siege = garrison * rules.ai_siege_share / rules.sally_ratio.max(f64::MIN_POSITIVE);
                    field.max(siege).max(f64::MIN_POSITIVE)
                }
                Aim::Hold if planned > 1.0 => f64::MIN_POSITIVE,
                _ => continue,
            };
            if need > reach {
                continue;
            }
            let to = ProvinceIx::new(t);
            // Beyond its supply lines a besieging army lives on foraging and its baggage.
            let supplied = if in_supply_range(p, month, faction, to) { 1.0 } else { rules.ai_unsupplied_worth };
            // What a peace cedes to the faction is its own by right.
            let promised = if month.claimants[t] == Some(faction) { rules.ai_promised_worth } else { 1.0 };
            self.prospect_at[t] = Some(self.prospects.len());
            self.prospects.push(Prospect {
                province: to,
                need,
                worth: target.worth * planned * promised * supplied,
                hold: target.hold,
                candidates: Default::default(),
                given: false,
            });
        }
        self.find_candidates(p, month, sight, within, names_armies);
    }

    /// Each prospect's candidates: the free armies within the planning horizon that may go there
    /// (`within` days, or already on their way), nearest first, then in army order. Found army
    /// by army, from the provinces around each: the work grows with the armies, not with the
    /// armies times the prospects.
    fn find_candidates(&mut self, p: &Picture, month: &Month, sight: &Sight, within: f64, names_armies: bool) {
        let routes = p.data.routes(p.data.is_winter(p.calendar.date));
        self.found.clear();
        for (i, &f) in self.mine.iter().enumerate() {
            if self.task[i] != Task::Free {
                continue;
            }
            let force = &month.forces[f];
            for r in routes.around(force.army.location) {
                let Some(k) = self.prospect_at[r.province.get()] else { continue };
                let allowed = !names_armies || army_weight(p, sight, force, r.province) > 0.0;
                if allowed && (r.days <= within || force.plan.destination == Some(r.province)) {
                    self.found.push((k, r.days, i));
                }
            }
        }
        self.found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        self.candidates.clear();
        self.candidates.extend(self.found.iter().map(|&(_, days, i)| (days, i)));
        self.reachable.clear();
        let mut start = 0;
        for (k, prospect) in self.prospects.iter_mut().enumerate() {
            let end = start + self.found[start..].iter().take_while(|found| found.0 == k).count();
            prospect.candidates = start..end;
            if end > start {
                self.reachable.push(k);
            }
            start = end;
        }
    }

    /// Armies a war plan names for a main objective go there first; of two such plans for one
    /// army, the weightier (the first listed, if they weigh the same).
    fn follow_named_armies(&mut self, p: &Picture, month: &Month, sight: &Sight) {
        let rules = p.data.rules();
        let war_plans = &p.data.program.war_plans;
        for (i, &f) in self.mine.iter().enumerate() {
            if self.task[i] != Task::Free {
                continue;
            }
            let army = month.forces[f].army.ix;
            let named = sight
                .plans
                .iter()
                .map(|j| &war_plans[*j])
                .filter(|plan| plan.army == Some(army) && plan.weight >= rules.ai_main_objective);
            // `max_by` keeps the last of equals: fold so the first listed wins a tie.
            let heaviest = named.fold(None, |best: Option<&crate::sim::compiled::WarPlan>, plan| match best {
                Some(b) if b.weight >= plan.weight => Some(b),
                _ => Some(plan),
            });
            if let Some(plan) = heaviest {
                self.task[i] = Task::Go(plan.target);
            }
        }
    }

    /// The nearest free armies that together bring a prospect's need: their power, the days of
    /// the farthest, and how many.
    fn group_for(&self, month: &Month, prospect: &Prospect) -> Option<(f64, f64, usize)> {
        let mut power = 0.0;
        let mut size = 0;
        for &(days, i) in &self.candidates[prospect.candidates.clone()] {
            if self.task[i] != Task::Free {
                continue;
            }
            power += month.forces[self.mine[i]].power;
            size += 1;
            if power >= prospect.need {
                return Some((power, days, size));
            }
        }
        None
    }

    /// Armies left without a task join the nearest objective given out, or go home.
    fn reinforce_or_go_home(&mut self, p: &Picture, month: &Month, faction: FactionIx, capital: Option<ProvinceIx>) {
        let routes = p.data.routes(p.data.is_winter(p.calendar.date));
        let horizon = p.data.rules().ai_horizon_days;
        for i in 0..self.mine.len() {
            if self.task[i] != Task::Free {
                continue;
            }
            let here = month.forces[self.mine[i]].army.location;
            let join = self
                .objectives
                .iter()
                .filter_map(|(o, _)| Some((routes.near(here, *o)?, *o)))
                .filter(|(d, _)| *d <= horizon)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, o)) = join {
                self.task[i] = Task::Go(o);
                continue;
            }
            self.task[i] = match way_home(p, month, faction, capital, here) {
                Some(c) if month.owners[here.get()] != Some(faction) => Task::Go(c),
                _ => Task::Stay,
            };
        }
    }
}

/// Whether one of the faction's unbesieged provinces lies within `supply_range` roads of `t`: the
/// planner's reckoning of whether an army there will be supplied (an enemy's land on the way may
/// yet cut the line).
fn in_supply_range(p: &Picture, month: &Month, faction: FactionIx, t: ProvinceIx) -> bool {
    p.data.supply_reach[t.get()].iter().any(|s| month.owners[s.get()] == Some(faction) && !p.sieges.besieged(*s))
}

/// Whether every neighbour of `t` is held by an enemy: an army beaten there has nowhere to
/// retreat to (the battle rules make it surrender).
fn cut_off(p: &Picture, month: &Month, sight: &Sight, faction: FactionIx, t: usize) -> bool {
    p.data.neighbours[t]
        .iter()
        .all(|(n, _)| month.owners[n.get()].is_some_and(|o| o != faction && sight.enemies[o.get()]))
}

/// Whether a war plan sends this army elsewhere, or forbids the city it stands before.
fn called_away(p: &Picture, sight: &Sight, force: &Force) -> bool {
    let war_plans = &p.data.program.war_plans;
    let rules = p.data.rules();
    let here = force.army.location;
    sight.plans.iter().map(|i| &war_plans[*i]).any(|plan| {
        (plan.army == Some(force.army.ix) && plan.target != here && plan.weight >= rules.ai_main_objective)
            || (plan.target == here && plan.weight <= 0.0 && plan.army.is_none_or(|a| a == force.army.ix))
    })
}

/// The weights of the faction's war plans for a target that name no army, multiplied.
fn faction_weight(p: &Picture, sight: &Sight, target: &super::Target) -> f64 {
    let war_plans = &p.data.program.war_plans;
    sight.target_plans[target.plans.clone()]
        .iter()
        .map(|i| &war_plans[*i])
        .filter(|plan| plan.army.is_none())
        .map(|plan| plan.weight)
        .product()
}

/// Whether a war plan that names this army forbids it `to` (0), or its weight.
fn army_weight(p: &Picture, sight: &Sight, force: &Force, to: ProvinceIx) -> f64 {
    let war_plans = &p.data.program.war_plans;
    sight
        .plans
        .iter()
        .map(|i| &war_plans[*i])
        .filter(|plan| plan.target == to && plan.army == Some(force.army.ix))
        .map(|plan| plan.weight)
        .product()
}

/// The order that puts an army to its task, if it needs one.
fn order_for(
    p: &Picture,
    month: &Month,
    sight: &Sight,
    faction: FactionIx,
    force: &Force,
    task: Task,
) -> Option<Order> {
    let army = force.army.ix;
    let here = force.army.location;
    let hold =
        || (force.plan.destination.is_some() || force.plan.stance != Stance::Hold).then_some(Order::Hold { army });
    match task {
        Task::Besiege => besiege(p, force),
        Task::Go(to) if to == here => {
            if sight.hostile(month, faction, here.get()) && sight.enemy_power[here.get()] <= 0.0 {
                besiege(p, force)
            } else {
                force.plan.destination.is_some().then_some(Order::Hold { army })
            }
        }
        Task::Go(to) => (force.plan.destination != Some(to)).then_some(Order::March { army, to }),
        Task::Stay | Task::Free => hold(),
    }
}

/// Besieges the city the army stands before, storming it when the odds are overwhelming.
fn besiege(p: &Picture, force: &Force) -> Option<Order> {
    let stance = siege_stance(p, force, force.army.location);
    (force.plan.stance != stance).then_some(Order::Besiege { army: force.army.ix, assault: stance == Stance::Assault })
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::sim::state::{Army, Order, Plan, Siege, Sieges, Troops};
    use crate::sim::testing::{army, scenario, sim_with_humans};

    /// Red holds `a` (its capital) and `b`, Blue holds `c`; Red has `red` infantry at `red_at`,
    /// Blue `blue` infantry at `blue_at`. Blue is played by nobody: it stands still unless the
    /// test orders it.
    fn front(red: i64, red_at: &str, blue: i64, blue_at: &str) -> Scenario {
        let mut s = scenario(
            &format!(
                r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "{red_at}", troops: {{"infantry": {red}}}),
                   Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "{blue_at}", troops: {{"infantry": {blue}}})"#
            ),
            "",
        );
        s.provinces[1].owner = Some("red".into());
        s
    }

    fn location(game: &crate::sim::Sim, id: &str) -> String {
        let at = army::<Army>(game, id).expect("in the field").location;
        game.data().province_id(at).to_string()
    }

    /// Where Red's army stands after a month of `s`, Blue standing still.
    fn red_after_a_month(s: Scenario) -> String {
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        location(&game, "red_army")
    }

    /// Where Red's army, at `b`, goes when two war plans name it: one for `a` weighing `to_a`,
    /// listed first, and one for `c` weighing `to_c`.
    fn named_twice(to_a: f64, to_c: f64) -> String {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "b", troops: {"infantry": 30000})"#,
            &format!(
                r#"war_plans: [WarPlan(faction: "red", army: "red_army", target: "a", weight: {to_a}),
                               WarPlan(faction: "red", army: "red_army", target: "c", weight: {to_c})],"#
            ),
        );
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        let plan = army::<Plan>(&game, "red_army").expect("in the field");
        let goal = plan.destination.unwrap_or(army::<Army>(&game, "red_army").expect("in the field").location);
        game.data().province_id(goal).to_string()
    }

    #[test]
    fn of_two_plans_for_one_army_the_weightier_wins() {
        assert_eq!(named_twice(20.0, 40.0), "c");
        assert_eq!(named_twice(40.0, 20.0), "a");
        assert_eq!(named_twice(30.0, 30.0), "a", "a tie goes to the plan listed first");
    }

    #[test]
    fn a_threatened_capital_is_covered() {
        // The capital's garrison is too small for the Blue army two marches away.
        let weak_capital = |blue| {
            let mut s = front(30_000, "b", blue, "c");
            s.provinces[0].garrison = 1_000;
            s.provinces[0].walls = 0;
            s
        };
        assert_eq!(red_after_a_month(weak_capital(20_000)), "a", "Red falls back to cover its capital");
        // With no threat worth the name, the same army strikes instead.
        assert_ne!(red_after_a_month(weak_capital(500)), "a");
    }

    /// Blue's army besieges Red's `b`; Red's army waits in its well-garrisoned capital `a`.
    fn siege_of_b(red: i64) -> crate::sim::Sim {
        let mut s = front(red, "a", 20_000, "b");
        s.provinces[0].garrison = 60_000;
        let mut game = sim_with_humans(s, 1, &["blue"]);
        let (blue, b) = (game.data().faction("blue"), game.data().province("b"));
        let since = game.data().scenario.start;
        game.world_mut().resource_mut::<Sieges>().0[b.get()] =
            Some(Siege { months: 1, ..Siege::begun(blue, since, 1.0) });
        let blue_army = game.data().army("blue_army");
        game.give(blue, Order::Besiege { army: blue_army, assault: false });
        game
    }

    #[test]
    fn a_siege_the_faction_can_lift_is_relieved() {
        let mut game = siege_of_b(60_000);
        game.step();
        assert_eq!(location(&game, "red_army"), "b", "three to one: Red marches to lift the siege");
        let plan = army::<Plan>(&game, "red_army").expect("in the field");
        assert_eq!(plan.destination, None, "`b` was where it was going, not a stage on the way to `c`");
    }

    #[test]
    fn a_siege_the_faction_cannot_lift_is_left_alone() {
        let mut game = siege_of_b(8_000);
        let men = army::<Troops>(&game, "red_army").expect("in the field").total();
        game.step();
        assert_eq!(location(&game, "red_army"), "a", "Red does not feed its army to the besiegers");
        assert!(army::<Troops>(&game, "red_army").expect("in the field").total() > men * 0.9);
    }

    /// Red's army before Blue's city `c`, a Blue army of 16,000 at `b`; `b` is Red's when
    /// `road_home`, else Blue's, and then every road from `c` runs through Blue's land.
    fn before_c(road_home: bool) -> Option<String> {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "c", troops: {"infantry": 10000}),
               Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "b", troops: {"infantry": 16000})"#,
            "",
        );
        if road_home {
            s.provinces[1].owner = Some("red".into());
        }
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        army::<Army>(&game, "red_army").map(|a| game.data().province_id(a.location).to_string())
    }

    #[test]
    fn an_army_cut_off_leaves_sooner() {
        assert_eq!(before_c(true).as_deref(), Some("c"), "with a road home, Red holds before `c`");
        assert_ne!(before_c(false).as_deref(), Some("c"), "cut off, the same odds send it away");
    }

    #[test]
    fn a_hopeless_fight_is_refused() {
        // Red's army stands in open, unwalled `b`, next to a Blue army four times its size.
        let mut s = front(10_000, "b", 40_000, "c");
        s.provinces[1].walls = 0;
        assert_eq!(red_after_a_month(s), "a", "Red falls back behind the capital's walls");

        // Against an army of its own size it holds its ground (the capital needs no cover).
        let mut s = front(40_000, "b", 40_000, "c");
        s.provinces[1].walls = 0;
        s.provinces[0].garrison = 60_000;
        assert_ne!(red_after_a_month(s), "a");
    }
}

#[cfg(test)]
mod offence_tests {
    use crate::scenario::Scenario;
    use crate::sim::state::{Army, Order, Siege, Sieges};
    use crate::sim::testing::{army, scenario, sim_with_humans};

    /// Red's two armies of 30,000 at its capital `a`; Blue's cities `b` (worth 11) and its capital
    /// `c` beyond it on the same road, worth `capital_wealth` + 2 three times over.
    fn two_armies(capital_wealth: i64) -> Scenario {
        let mut s = scenario(
            r#"Army(id: "red_1", name: "Red 1", owner: "red", location: "a", troops: {"infantry": 30000}),
               Army(id: "red_2", name: "Red 2", owner: "red", location: "a", troops: {"infantry": 30000})"#,
            "",
        );
        s.provinces[1].wealth = 9;
        s.provinces[2].wealth = capital_wealth;
        s
    }

    /// Where each Red army in the field stands after a month, Blue played by nobody.
    fn red_after_a_month(s: Scenario, prepare: impl FnOnce(&mut crate::sim::Sim)) -> Vec<String> {
        let mut game = sim_with_humans(s, 1, &["blue"]);
        prepare(&mut game);
        game.step();
        let ids: Vec<String> = game.data().scenario.armies.iter().map(|a| a.id.clone()).collect();
        ids.iter()
            .filter_map(|id| army::<Army>(&game, id).map(|a| game.data().province_id(a.location).to_string()))
            .collect()
    }

    #[test]
    fn a_siege_under_way_draws_the_free_army() {
        // `red_1` besieges `b`; `red_2` may join it or march on the capital `c`, worth 18.
        let with_commitment = |commitment: f64| {
            let mut s = two_armies(4);
            s.rules.ai_siege_commitment = commitment;
            s.armies[0].location = "b".into();
            red_after_a_month(s, |game| {
                let (red, b) = (game.data().faction("red"), game.data().province("b"));
                let since = game.data().scenario.start;
                game.world_mut().resource_mut::<Sieges>().0[b.get()] =
                    Some(Siege { months: 1, ..Siege::begun(red, since, 1.0) });
                let red_1 = game.data().army("red_1");
                game.give(red, Order::Besiege { army: red_1, assault: false });
            })
        };
        assert_eq!(with_commitment(1.5), ["b", "b"], "the siege under way is worth finishing");
        assert_eq!(with_commitment(1.0), ["b", "c"], "a new one looks better, counting nothing spent");
    }

    #[test]
    fn a_bold_court_makes_less_of_walls() {
        // `b`, next door, rich behind high walls; `c`, Blue's capital beyond it, poor and open.
        let with_aggression = |points: f64| {
            let mut s = scenario(
                r#"Army(id: "red_1", name: "Red 1", owner: "red", location: "a", troops: {"infantry": 30000})"#,
                &format!(r#"traits: [Trait(id: "temper", name: "Temper", modifiers: [Aggression({points})])],"#),
            );
            s.factions[0].traits = vec!["temper".into()];
            (s.provinces[1].wealth, s.provinces[1].walls, s.provinces[1].garrison) = (30, 10, 6000);
            (s.provinces[2].wealth, s.provinces[2].walls, s.provinces[2].garrison) = (3, 0, 1000);
            let mut game = sim_with_humans(s, 1, &["blue"]);
            game.step();
            // Where it is bound, or stands if it is there.
            let plan = army::<crate::sim::state::Plan>(&game, "red_1").expect("in the field");
            let bound = plan.destination.unwrap_or(army::<Army>(&game, "red_1").expect("in the field").location);
            game.data().province_id(bound).to_string()
        };
        assert_eq!(with_aggression(10.0), "b", "a bold court storms the rich walled city");
        assert_eq!(with_aggression(-5.0), "c", "a prudent one goes for the open capital");
    }

    #[test]
    fn a_second_group_opens_another_line() {
        // A rich capital `c` behind `b`, and `d`, a city like `b` off that road.
        let with_road_share = |share: f64| {
            let mut s = two_armies(100);
            let mut d = s.provinces[1].clone();
            (d.id, d.name, d.position, d.wealth) = ("d".into(), "D".into(), (100.0, 31.0), 8);
            s.provinces.push(d);
            let mut road = s.connections[0].clone();
            road.to = "d".into();
            s.connections.push(road);
            s.rules.ai_road_share = share;
            let mut at = red_after_a_month(s, |_| {});
            at.sort();
            at
        };
        assert_eq!(with_road_share(0.25), ["c", "d"], "`b` is left to the army marching past it");
        assert_eq!(with_road_share(0.0), ["b", "c"], "without the rule both crowd one road");
    }
}

#[cfg(test)]
mod levy_tests {
    use crate::sim::state::{Army, Levies, Populace};
    use crate::sim::testing::{army, province, scenario, sim_with_humans};

    /// Red's weak capital `a` with a Blue army of `blue` infantry at `b`, a march away; Red has no
    /// army, and raises infantry levies when `levies`.
    fn threatened(blue: i64, levies: bool) -> crate::sim::Sim {
        let mut s = scenario(
            &format!(
                r#"Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "b", troops: {{"infantry": {blue}}})"#
            ),
            "",
        );
        s.provinces[0].garrison = 1_000;
        s.provinces[0].population = 1_000_000;
        s.factions[0].levy = levies.then(|| "infantry".to_string());
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        game
    }

    #[test]
    fn a_capital_its_armies_cannot_cover_calls_up_a_levy() {
        let game = threatened(20_000, true);
        let levies = &game.world().resource::<Levies>().mustering;
        let called: f64 = levies.iter().map(|l| l.men).sum();
        // Blue's 20,000 less what the garrison holds behind its walls, at the fresh levy's morale.
        assert!(called >= 15_000.0, "Red calls up enough men to match the threat: {levies:?}");
        assert!(called <= 40_000.0, "and not the whole province: {levies:?}");
        assert_eq!(province::<Populace>(&game, "a").population, 1_000_000.0 - called);
    }

    #[test]
    fn no_levy_without_a_threat_or_a_levy_kind() {
        assert!(
            threatened(200, true).world().resource::<Levies>().mustering.is_empty(),
            "two hundred men threaten nothing"
        );
        assert!(threatened(20_000, false).world().resource::<Levies>().mustering.is_empty(), "Red raises no levies");
    }

    #[test]
    fn at_peace_peasant_levies_go_home_and_hired_engineers_stay() {
        // Red, at peace, calls up infantry (its levy kind) at A and hires horsemen at B.
        let mut s = scenario(
            "",
            r#"events: [Event(id: "call", title: "Call", faction: "red", options: [Option(id: "go", name: "Go", effects: [
                Levy(faction: "red", province: "a", men: 3000), Levy(faction: "red", province: "b", men: 3000, kind: "cavalry")])])],"#,
        );
        s.provinces[1].owner = Some("red".into());
        s.relations.clear();
        s.factions[0].levy = Some("infantry".to_string());
        s.rules.levy_months = 0.0;
        let mut game = sim_with_humans(s, 1, &["blue"]);
        game.step();
        assert!(army::<Army>(&game, "a_levy").is_some() && army::<Army>(&game, "b_levy").is_some(), "both muster");
        game.step();
        assert!(army::<Army>(&game, "a_levy").is_none(), "the peasants go back to their fields");
        assert!(army::<Army>(&game, "b_levy").is_some(), "the hired horsemen stay in pay");
    }
}
