//! Supply: lines traced from friendly land along the roads, foraging, carried grain, hunger and
//! attrition.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::sim::collect::{gather, refill};
use crate::sim::data::{Static, StaticData};
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::power::{Search, SupplyMap, line_supply, supply_range, supply_steps};
use crate::sim::schedule::{Turn, TurnSystems};
use crate::sim::state::{
    Army, Calendar, Defences, Entities, Foraged, Owner, Populace, Relations, Sieges, Spirit, Troops,
};
use crate::sim::units::{PERCENT, per_thousand};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, feed_armies.in_set(TurnSystems::Supply));
}

/// What feeding the armies keeps from month to month, so that it allocates nothing.
#[derive(Default)]
struct Scratch {
    owners: Vec<Option<FactionIx>>,
    besieged: Vec<bool>,
    search: Search,
}

/// What feeding the armies reads.
#[derive(SystemParam)]
struct Land<'w, 's> {
    data: Static<'s>,
    calendar: Res<'w, Calendar>,
    relations: Res<'w, Relations>,
    entities: Res<'w, Entities>,
    sieges: Res<'w, Sieges>,
    provinces: Query<'w, 's, (&'static ProvinceIx, &'static Owner, &'static Populace, &'static Defences)>,
}

/// Each army, in order: supply along its line, then foraging, then its own baggage; what is
/// still missing is hunger, which costs men and morale (more in winter).
fn feed_armies(
    land: Land,
    mut foraged: ResMut<Foraged>,
    mut armies: Query<(&Army, &mut Troops, &mut Spirit)>,
    mut scratch: Local<Scratch>,
) {
    let Land { data, calendar, relations, entities, sieges, provinces } = &land;
    let rules = data.rules();
    let Scratch { owners, besieged, search } = &mut *scratch;
    let n = entities.provinces.len();
    let foraged = &mut foraged.0;
    if foraged.len() != n {
        *foraged = vec![0.0; n];
    }
    // Foraged land recovers one part in `forage_recovery_months` each month.
    let kept = (rules.forage_recovery_months - 1.0) / rules.forage_recovery_months;
    for f in foraged.iter_mut() {
        *f *= kept;
    }
    refill(owners, n, None);
    provinces.iter().for_each(|(province, owner, ..)| owners[province.get()] = owner.0);
    besieged.clear();
    besieged.extend(entities.province_ixs().map(|p| sieges.besieged(p)));
    let map = SupplyMap { relations, owners, besieged };
    let range = supply_range(rules);
    // In army order: the first army in a province forages first.
    let mut in_order = gather(armies.iter_mut());
    in_order.sort_unstable_by_key(|(army, ..)| army.ix);
    for (army, mut troops, mut spirit) in in_order {
        let men = troops.total();
        if men <= 0.0 {
            continue;
        }
        let p = army.location.get();
        let need = per_thousand(men, rules.army_ration);
        // Inside its own besieged city an army lives on the city's stores.
        let supply = if map.besieged[p] && map.owners[p] == Some(army.owner) {
            if provinces.get(entities.provinces[p]).is_ok_and(|(.., d)| d.grain > 0.0) { PERCENT } else { 0.0 }
        } else {
            line_supply(rules, supply_steps(data, &map, army.owner, army.location, range, search))
        };
        spirit.supply = supply;
        let mut fed = need * supply / PERCENT;
        if fed < need && map.owners[p] != Some(army.owner) {
            let Ok((_, _, populace, _)) = provinces.get(entities.provinces[p]) else { continue };
            fed += forage(data, army.location, populace, need - fed, &mut foraged[p]);
        }
        if fed < need {
            let from_baggage = spirit.grain.min(need - fed);
            spirit.grain -= from_baggage;
            fed += from_baggage;
        }
        let hunger = if need > 0.0 { 1.0 - fed / need } else { 0.0 };
        if hunger > rules.hunger_threshold {
            let winter = if data.is_winter(calendar.date) { rules.winter_attrition } else { 1.0 };
            troops.lose_share(rules.attrition * hunger * winter);
            spirit.morale = (spirit.morale - rules.hungry_morale * hunger).max(0.0);
        }
    }
}

/// Grain an army forages in `province`, up to `wanted`: `forage` per thousand people times the
/// terrain's `forage`, less what was foraged there lately (`foraged`, which grows by the take).
fn forage(data: &StaticData, province: ProvinceIx, populace: &Populace, wanted: f64, foraged: &mut f64) -> f64 {
    let capacity = per_thousand(populace.population, data.rules().forage) * data.terrain_of(province).forage;
    let take = (capacity - *foraged).max(0.0).min(wanted);
    *foraged += take;
    take
}

#[cfg(test)]
mod tests {
    use crate::sim::state::{Spirit, Troops};
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
