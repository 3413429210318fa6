//! Supply: lines traced from friendly land along the roads, foraging, carried grain, hunger and
//! attrition.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::armies::{Army, Spirit, Troops};
use super::calendar::Calendar;
use super::diplomacy::Relations;
use super::ids::{Data, FactionIx, ProvinceIx, Static};
use super::map::{Owner, Populace};
use super::sieges::{Defences, Sieges};
use super::world::Entities;
use super::{Turn, TurnSystems};

/// Grain already foraged from each province, which recovers a third each month.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Foraged(pub Vec<f64>);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, feed_armies.in_set(TurnSystems::Supply));
}

/// Room for [`supply_steps`]' search, kept from one search to the next.
#[derive(Default)]
pub(super) struct Search {
    frontier: Vec<usize>,
    next: Vec<usize>,
    seen: Vec<bool>,
}

/// Steps from `from` to the nearest province of `faction` that is not besieged, going only
/// through land not held by an enemy at war; `None` beyond `range`.
#[allow(clippy::too_many_arguments)]
pub(super) fn supply_steps(
    data: &Data,
    relations: &Relations,
    owners: &[Option<FactionIx>],
    besieged: &[bool],
    faction: FactionIx,
    from: ProvinceIx,
    range: usize,
    search: &mut Search,
) -> Option<usize> {
    let friendly = |p: usize| owners[p] == Some(faction) && !besieged[p];
    let passable = |p: usize| owners[p].is_none_or(|o| o == faction || !relations.at_war(o, faction));
    if friendly(from.get()) {
        return Some(0);
    }
    let Search { frontier, next, seen } = search;
    frontier.clear();
    frontier.push(from.get());
    super::world::refill(seen, owners.len(), false);
    seen[from.get()] = true;
    for steps in 0..=range {
        if frontier.iter().any(|&p| friendly(p)) {
            return Some(steps);
        }
        next.clear();
        for &p in frontier.iter() {
            for (n, _) in &data.neighbours[p] {
                let n = n.get();
                if !seen[n] && passable(n) {
                    seen[n] = true;
                    next.push(n);
                }
            }
        }
        next.sort_unstable();
        std::mem::swap(frontier, next);
    }
    None
}

/// What feeding the armies keeps from month to month, so that it allocates nothing.
#[derive(Default)]
struct Scratch {
    owners: Vec<Option<FactionIx>>,
    besieged: Vec<bool>,
    search: Search,
}

/// Each army, in order: supply along its line, then foraging, then its own baggage; what is
/// still missing is hunger, which costs men and morale (twice as much in winter).
#[allow(clippy::too_many_arguments)]
fn feed_armies(
    data: Static,
    calendar: Res<Calendar>,
    relations: Res<Relations>,
    entities: Res<Entities>,
    sieges: Res<Sieges>,
    mut foraged: ResMut<Foraged>,
    provinces: Query<(&ProvinceIx, &Owner, &Populace, &Defences)>,
    mut armies: Query<(&Army, &mut Troops, &mut Spirit)>,
    mut scratch: Local<Scratch>,
) {
    let rules = data.rules();
    let Scratch { owners, besieged, search } = &mut *scratch;
    let n = entities.provinces.len();
    if foraged.0.len() != n {
        foraged.0 = vec![0.0; n];
    }
    for f in &mut foraged.0 {
        *f *= 2.0 / 3.0;
    }
    super::world::refill(owners, n, None);
    provinces.iter().for_each(|(province, owner, ..)| owners[province.get()] = owner.0);
    besieged.clear();
    besieged.extend((0..n).map(|p| sieges.0.get(p).is_some_and(Option::is_some)));
    let range = rules.supply_range.max(0.0) as usize;
    // In army order: the first army in a province forages first.
    let mut in_order = super::world::gather(armies.iter_mut());
    in_order.sort_unstable_by_key(|(army, ..)| army.ix);
    for (army, mut troops, mut spirit) in in_order {
        let men = troops.total();
        if men <= 0.0 {
            continue;
        }
        let p = army.location.get();
        let need = men / 1000.0 * rules.army_ration;
        // Inside its own besieged city an army lives on the city's stores.
        let supply = if besieged[p] && owners[p] == Some(army.owner) {
            if provinces.get(entities.provinces[p]).is_ok_and(|(.., d)| d.grain > 0.0) { 100.0 } else { 0.0 }
        } else {
            match supply_steps(&data, &relations, owners, besieged, army.owner, army.location, range, search) {
                Some(steps) => (100.0 - rules.supply_step_loss * steps as f64).max(0.0),
                None => 0.0,
            }
        };
        spirit.supply = supply;
        let mut fed = need * supply / 100.0;
        if fed < need && owners[p] != Some(army.owner) {
            let Ok((_, _, populace, _)) = provinces.get(entities.provinces[p]) else { continue };
            let capacity = populace.population / 1000.0 * rules.forage * data.terrain_of(army.location).forage;
            let take = (capacity - foraged.0[p]).max(0.0).min(need - fed);
            foraged.0[p] += take;
            fed += take;
        }
        if fed < need {
            let from_baggage = spirit.grain.min(need - fed);
            spirit.grain -= from_baggage;
            fed += from_baggage;
        }
        let hunger = if need > 0.0 { 1.0 - fed / need } else { 0.0 };
        if hunger > 0.01 {
            let winter = if calendar.is_winter() { 2.0 } else { 1.0 };
            troops.lose_share(rules.attrition * hunger * winter);
            spirit.morale = (spirit.morale - rules.hungry_morale * hunger).max(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::{army, scenario, sim_with_humans};

    fn lone_army(location: &str) -> crate::sim::Sim {
        let mut s = scenario(
            &format!(
                r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "{location}", troops: {{"infantry": 10000}}, morale: 50)"#
            ),
            "",
        );
        // Nothing to forage in C.
        s.provinces[2].population = 0;
        sim_with_humans(s, 3, &["red", "blue"])
    }

    #[test]
    fn an_army_cut_off_from_supply_loses_men_and_morale() {
        let mut game = lone_army("c");
        game.step();
        let troops = army::<Troops>(&game, "red_army").unwrap().total();
        let spirit = *army::<Spirit>(&game, "red_army").unwrap();
        assert_eq!(spirit.supply, 0.0, "B is enemy land: the line to A is cut");
        assert!(troops < 10000.0, "attrition: {troops}");
        assert!(spirit.morale < 50.0, "hunger: {}", spirit.morale);
    }

    #[test]
    fn an_army_at_home_is_supplied_and_keeps_its_men() {
        let mut game = lone_army("a");
        game.step();
        let troops = army::<Troops>(&game, "red_army").unwrap().total();
        let spirit = *army::<Spirit>(&game, "red_army").unwrap();
        assert_eq!(spirit.supply, 100.0);
        assert_eq!(troops, 10000.0);
        assert!(spirit.morale > 50.0);
    }
}
