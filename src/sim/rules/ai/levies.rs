//! The planner's mobilisation: it calls up levies where its defence falls short, as far as it can
//! pay them, and sends them home when it is at peace or cannot pay its armies.
//!
//! A shortfall is the power a threatened capital or a besieged city still lacks once the free
//! armies have been sent (see `Staff::defend`). The planner calls up men of its levy kind in its
//! own unbesieged provinces nearest that city, the city itself first, within `ai_horizon_days`,
//! until the levies mustering make up the shortfall: at most what [`levy_limit`] allows each
//! province, no fewer than `ai_least_levy` in one, in at most `ai_levy_provinces` provinces a
//! month, and no more than the treasury and granary can keep for `ai_levy_reserve_months` besides
//! the cost of the call.
use bevy_ecs::prelude::*;

use super::{Month, Picture, Sight};
use crate::sim::ids::{ArmyIx, FactionIx, ProvinceIx};
use crate::sim::power::{LevySite, field_power, levy_limit, may_levy};
use crate::sim::state::{Army, Order, OrderGiven, Spirit, Troops};
use crate::sim::units::{PER_THOUSAND, PERCENT, per_thousand};

/// Calls up levies for `faction` against the shortfalls of its defence (province, power lacking),
/// the most valuable city first.
pub(super) fn call_up(
    p: &Picture,
    month: &Month,
    sight: &Sight,
    faction: FactionIx,
    shortfalls: &[(ProvinceIx, f64)],
    orders: &mut MessageWriter<OrderGiven>,
) {
    let rules = p.data.rules();
    let Some(kind) = p.data.levy_kind(faction) else { return };
    if shortfalls.is_empty() {
        return;
    }
    let Ok((treasury, ..)) = p.view.factions.get(p.entities.faction(faction)) else { return };
    let troop = &p.data.scenario.troop_kinds[kind];
    // What a thousand men cost to call up and keep for the reserve months.
    let silver_each = rules.levy_silver + rules.ai_levy_reserve_months * troop.upkeep;
    let grain_each = rules.levy_grain + rules.ai_levy_reserve_months * rules.army_ration;
    let (mut silver, mut grain) = (treasury.silver, treasury.grain);
    let mut afford = (silver / silver_each).min(grain / grain_each) * PER_THOUSAND;
    // Levies already mustering make up the first shortfalls.
    let mustering: f64 = p.levies.mustering.iter().filter(|l| l.faction == faction).map(|l| l.men).sum();
    let per_man = levy_power(p, faction, kind);
    let mut spare = mustering * per_man;
    let routes = p.data.routes(p.data.is_winter(p.calendar.date));
    // A count parameter, small and not negative: the conversion keeps it whole.
    let mut calls = rules.ai_levy_provinces.max(0.0) as u32;
    for &(t, short) in shortfalls {
        let mut need = short - spare;
        spare = (spare - short).max(0.0);
        if need <= 0.0 {
            continue;
        }
        for q in routes.within(t, rules.ai_horizon_days).iter().map(|r| r.province) {
            if need <= 0.0 || afford < rules.ai_least_levy || calls == 0 {
                break;
            }
            let Some(people) = levy_ground(p, month, sight, faction, q) else { continue };
            let wanted = (need / per_man).ceil();
            let men = wanted.min(afford).min(levy_limit(rules, people, silver, grain)).floor();
            if men < rules.ai_least_levy {
                continue;
            }
            orders.write(OrderGiven { faction, order: Order::Levy { province: q, men } });
            calls -= 1;
            need -= men * per_man;
            afford -= men;
            silver -= per_thousand(men, rules.levy_silver);
            grain -= per_thousand(men, rules.levy_grain);
        }
    }
}

/// The people of province `q`, if `faction` may call up a levy there ([`may_levy`]) and no enemy
/// army stands in it.
fn levy_ground(p: &Picture, month: &Month, sight: &Sight, faction: FactionIx, q: ProvinceIx) -> Option<f64> {
    // The cheap tests first: most provinces near a threatened city are not the faction's to call on.
    if month.owners[q.get()] != Some(faction) || sight.enemy_power[q.get()] > 0.0 {
        return None;
    }
    let levy_army = p.entities.army(p.data.levy_army(q)).and_then(|e| p.armies.get(e).ok());
    let site = LevySite {
        province: q,
        owner: month.owners[q.get()],
        besieged: p.sieges.besieged(q),
        levy_army: levy_army.map(|(a, ..)| (a.owner, a.location)),
    };
    if !may_levy(&p.data, &p.levies, p.calendar.date, faction, &site) {
        return None;
    }
    let (_, _, populace, _) = p.cities.get(p.entities.province(q)).ok()?;
    Some(populace.population)
}

/// The field power of one man of a fresh levy of `faction`: leaderless, at `levy_morale`.
fn levy_power(p: &Picture, faction: FactionIx, kind: usize) -> f64 {
    let mut men = vec![0.0; p.data.scenario.troop_kinds.len()];
    men[kind] = PER_THOUSAND;
    let army = Army { ix: ArmyIx::new(0), owner: faction, location: ProvinceIx::new(0), commander: None };
    let spirit = Spirit { morale: p.data.rules().levy_morale, supply: PERCENT, grain: 0.0 };
    field_power(&p.data, &p.traits, &army, &Troops::from(men), &spirit, army.location) / PER_THOUSAND
}

/// Sends `faction`'s levy armies home: all of those on its own land that are mostly men of its
/// levy kind when it is at war with nobody (peasants go back to their fields; hired specialists,
/// such as engineers, stay in pay); the largest one when it could not pay its armies last month.
pub(super) fn send_home(
    p: &Picture,
    month: &Month,
    sight: &Sight,
    faction: FactionIx,
    orders: &mut MessageWriter<OrderGiven>,
) {
    let levies = month.forces.iter().filter(|x| x.army.owner == faction && p.data.is_levy(x.army.ix));
    if !sight.enemies.iter().any(|e| *e) {
        let peasants = |ix: ArmyIx| {
            let troops = p.entities.army(ix).and_then(|e| p.armies.get(e).ok()).map(|(_, t, ..)| t);
            let kind = p.data.levy_kind(faction);
            // At least as many men of its levy kind as of every other kind together.
            troops.zip(kind).is_some_and(|(t, k)| {
                let own = t.men().get(k).copied().unwrap_or(0.0);
                own >= t.total() - own
            })
        };
        for x in levies.filter(|x| month.owners[x.army.location.get()] == Some(faction) && peasants(x.army.ix)) {
            orders.write(OrderGiven { faction, order: Order::Disband { army: x.army.ix } });
        }
        return;
    }
    let unpaid = p.payrolls.get(p.entities.faction(faction)).is_ok_and(|payroll| payroll.unpaid);
    if unpaid && let Some(largest) = levies.max_by(|a, b| a.men.total_cmp(&b.men).then(b.army.ix.cmp(&a.army.ix))) {
        orders.write(OrderGiven { faction, order: Order::Disband { army: largest.army.ix } });
    }
}
