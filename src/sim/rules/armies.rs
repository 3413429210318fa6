//! Armies: orders become standing plans; armies march along the shortest roads; events raise,
//! disband, reinforce and hearten them and change their commanders; an army with fewer than
//! `remnant_men` men left breaks up and leaves the map.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::sim::collect::{gather, refill};
use crate::sim::compiled::Command;
use crate::sim::data::Static;
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::schedule::{EffectSystems, MoraleSystems, OrderSystems, Turn, TurnSystems};
use crate::sim::state::{
    ApplyEffect, Army, ArmyBundle, ArmyDefected, Calendar, ChronicleWriter, Entities, Names, Order, OrderGiven, Owner,
    Plan, Populace, Relations, SimRng, Spirit, Stance, Troops,
};
use crate::sim::units::points;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Armies));
    app.add_systems(Turn, apply_orders.in_set(OrderSystems::Apply));
    app.add_systems(Turn, march.in_set(TurnSystems::Movement));
    app.add_systems(Turn, break_up_remnants.in_set(MoraleSystems::Remnants));
}

/// Turns this turn's army orders into standing plans; orders for another faction's army are ignored.
fn apply_orders(mut given: MessageReader<OrderGiven>, entities: Res<Entities>, mut armies: Query<(&Army, &mut Plan)>) {
    for OrderGiven { faction, order } in given.read() {
        let Some(army) = order.army() else { continue };
        let Some(Ok((a, mut plan))) = entities.army(army).map(|e| armies.get_mut(e)) else { continue };
        if a.owner != *faction {
            continue;
        }
        match order {
            Order::March { to, .. } => {
                if plan.destination != Some(*to) {
                    plan.progress = 0.0;
                }
                plan.destination = Some(*to).filter(|t| *t != a.location);
                plan.stance = Stance::Hold;
            }
            Order::Hold { .. } => *plan = Plan::default(),
            Order::Besiege { assault, .. } => {
                plan.destination = None;
                plan.stance = if *assault { Stance::Assault } else { Stance::Blockade };
            }
            Order::Raid { target, .. } => plan.raid = Some(*target),
            Order::Propose { .. }
            | Order::DeclareWar { .. }
            | Order::AnswerProposal { .. }
            | Order::Levy { .. }
            | Order::Disband { .. } => {}
        }
    }
}

/// Marches every army with a destination along the shortest road, in army order, as far as its
/// days allow (the month's weather, roads and guides give or take `march_luck` of them); an army
/// stops when it walks into an enemy army.
fn march(
    data: Static,
    calendar: Res<Calendar>,
    relations: Res<Relations>,
    mut rng: ResMut<SimRng>,
    mut armies: Query<(&mut Army, &Troops, &mut Plan)>,
    mut positions: Local<Vec<Option<(FactionIx, ProvinceIx)>>>,
    mut standing: Local<Vec<u32>>,
) {
    let rules = data.rules();
    let winter = data.is_winter(calendar.date);
    let routes = data.routes(winter);
    // Where each army in the field stands, by army index.
    let positions = &mut *positions;
    refill(positions, data.army_slots(), None);
    // How many armies stand in each province: only where another stands is there one to meet.
    let standing = &mut *standing;
    refill(standing, data.neighbours.len(), 0);
    armies.iter().for_each(|(a, t, _)| {
        if t.total() > 0.0 {
            positions[a.ix.get()] = Some((a.owner, a.location));
            standing[a.location.get()] += 1;
        }
    });
    // In army order: an army stops where one that marched before it now stands.
    let mut in_order = gather(armies.iter_mut());
    in_order.sort_unstable_by_key(|(army, ..)| army.ix);
    for (mut army, troops, mut plan) in in_order {
        let i = army.ix.get();
        plan.marched = false;
        let Some(destination) = plan.destination else { continue };
        if troops.total() <= 0.0 {
            continue;
        }
        let season = if winter { rules.winter_march } else { 1.0 };
        let speed = troops.speed(&data.scenario.troop_kinds, rules.max_speed);
        let luck = rng.jitter(rules.march_luck);
        let mut budget = rules.march_days * speed * season * luck + plan.progress;
        plan.progress = 0.0;
        while army.location != destination {
            let Some(next) = routes.next_step(army.location, destination) else {
                plan.destination = None;
                break;
            };
            let connection = data.neighbours[army.location.get()].iter().find(|(p, _)| *p == next).map(|(_, c)| *c);
            let Some(connection) = connection else { break };
            let cost = data.step_days(connection, next, winter);
            if budget < cost {
                plan.progress = budget;
                break;
            }
            budget -= cost;
            standing[army.location.get()] -= 1;
            standing[next.get()] += 1;
            army.location = next;
            plan.marched = true;
            positions[i] = Some((army.owner, next));
            let enemy_here = standing[next.get()] > 1
                && positions.iter().flatten().any(|(f, p)| *p == next && relations.at_war(*f, army.owner));
            if enemy_here {
                break;
            }
        }
        if army.location == destination {
            plan.destination = None;
        }
    }
}

/// Armies with fewer than `remnant_men` men left (after the month's battles, sieges, hunger and
/// desertion) break up and leave the map, in army order; their slots are free for an event to
/// raise again.
fn break_up_remnants(
    mut commands: Commands,
    data: Static,
    mut entities: ResMut<Entities>,
    armies: Query<(Entity, &Army, &Troops)>,
    names: Res<Names>,
    mut chronicle: ChronicleWriter,
    mut remnants: Local<Vec<(crate::sim::ids::ArmyIx, Entity)>>,
) {
    let least = data.rules().remnant_men;
    remnants.clear();
    armies.iter().for_each(|(e, a, t)| {
        if t.total() < least {
            remnants.push((a.ix, e));
        }
    });
    remnants.sort_unstable_by_key(|(ix, _)| *ix);
    for &(ix, _) in remnants.iter() {
        entities.remove_army(&mut commands, ix);
        chronicle.write(|| format!("The last men of {} scatter.", names.army(&data, ix)));
    }
}

/// The armies an effect may change, the people an army sent home goes back to, and the word
/// that an army went over (inside a city, the sieges decide whether it opens the gates).
#[derive(SystemParam)]
struct Musters<'w, 's> {
    armies: Query<'w, 's, (&'static mut Army, &'static mut Troops, &'static mut Spirit)>,
    provinces: Query<'w, 's, (&'static Owner, &'static mut Populace)>,
    defected: MessageWriter<'w, ArmyDefected>,
}

fn apply_effects(
    mut commands: Commands,
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    names: Res<Names>,
    mut entities: ResMut<Entities>,
    musters: Musters,
    mut chronicle: ChronicleWriter,
) {
    let Musters { mut armies, mut provinces, mut defected } = musters;
    for ApplyEffect(command) in effects.read() {
        match command {
            Command::SpawnArmy(spawn) => {
                let spawn = &data.program.spawns[*spawn];
                if entities.army(spawn.ix).is_some() {
                    continue;
                }
                let e = commands.spawn(ArmyBundle::from(spawn)).id();
                entities.armies[spawn.ix.get()] = Some(e);
                chronicle.write(|| {
                    let takes = if spawn.plural { "take" } else { "takes" };
                    format!("{} {takes} the field at {}.", spawn.name, names.province(spawn.location))
                });
            }
            Command::DisbandArmy(ix) => {
                // Sent home: in its own faction's province, the men go back to its people.
                if let Some(Ok((a, troops, _))) = entities.army(*ix).map(|e| armies.get(e))
                    && let Ok((owner, mut populace)) = provinces.get_mut(entities.province(a.location))
                    && owner.0 == Some(a.owner)
                {
                    populace.population += troops.total();
                }
                entities.remove_army(&mut commands, *ix);
            }
            Command::Reinforce { army, troops } => {
                if let Some(Ok((_, mut men, _))) = entities.army(*army).map(|e| armies.get_mut(e)) {
                    for &(kind, n) in troops.iter() {
                        men.add(kind, n);
                    }
                }
            }
            Command::Attrition { army, share } => {
                if let Some(Ok((_, mut men, _))) = entities.army(*army).map(|e| armies.get_mut(e)) {
                    men.lose_share(*share);
                }
            }
            Command::ArmyMorale { army, add } => {
                if let Some(Ok((_, _, mut spirit))) = entities.army(*army).map(|e| armies.get_mut(e)) {
                    spirit.morale = points(spirit.morale + add);
                }
            }
            Command::SetCommander { army, character } => {
                if let Some(Ok((mut a, _, _))) = entities.army(*army).map(|e| armies.get_mut(e))
                    && a.commander != Some(*character)
                {
                    a.commander = Some(*character);
                    let (who, which) = (data.character_name(*character), names.army(&data, *army));
                    chronicle.write(|| format!("{who} takes command of {which}."));
                }
            }
            Command::Defect { character, to, with_army: true } => {
                for e in entities.armies.iter().flatten() {
                    if let Ok((mut a, _, _)) = armies.get_mut(*e)
                        && a.commander == Some(*character)
                        && a.owner != *to
                    {
                        a.owner = *to;
                        // Inside a city, the sieges decide whether it opens the gates.
                        defected.write(ArmyDefected { army: a.ix, to: *to });
                    }
                }
            }
            Command::Defect { character, with_army: false, .. }
            | Command::Exile(character)
            | Command::Execute(character)
            | Command::Die(character)
            | Command::Fall(character) => {
                // A commander who leaves his army leaves it leaderless.
                for e in entities.armies.iter().flatten() {
                    if let Ok((mut a, _, _)) = armies.get_mut(*e)
                        && a.commander == Some(*character)
                    {
                        a.commander = None;
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::state::{Army, Entities, Order, Troops};
    use crate::sim::testing::{army, chronicle, scenario, sim, sim_with_humans};

    /// Where Red's army stands after a month's march from A toward C, 20 days a road, with
    /// `march_luck` and `seed`.
    fn a_month_s_march(march_luck: f64, seed: u64) -> String {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 6000})"#,
            "",
        );
        s.connections.iter_mut().for_each(|c| c.days = 20);
        s.rules.march_luck = march_luck;
        let mut game = sim_with_humans(s, seed, &["red", "blue"]);
        let (red, to, army_ix) = (game.data().faction("red"), game.data().province("c"), game.data().army("red_army"));
        game.give(red, Order::March { army: army_ix, to });
        game.step();
        let at = army::<Army>(&game, "red_army").expect("in the field").location;
        game.data().scenario.provinces[at.get()].id.clone()
    }

    #[test]
    fn thirty_days_of_march_cover_one_twenty_day_road_without_luck() {
        assert!((1..=20).all(|seed| a_month_s_march(0.0, seed) == "b"));
    }

    #[test]
    fn the_weather_and_the_roads_speed_or_slow_a_march() {
        let reached: std::collections::BTreeSet<String> = (1..=20).map(|seed| a_month_s_march(0.5, seed)).collect();
        assert_eq!(
            reached.into_iter().collect::<Vec<_>>(),
            ["a", "b", "c"],
            "from 15 to 45 days: short of B, at B, or at C"
        );
    }

    #[test]
    fn an_army_with_too_few_men_left_leaves_the_map() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 30}),
               Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "c", troops: {"infantry": 3000})"#,
            "",
        );
        let mut game = sim(s, 1);
        game.step();
        assert!(army::<Troops>(&game, "red_army").is_none(), "thirty men are no army");
        let slot = game.data().army("red_army");
        assert_eq!(game.world().resource::<Entities>().army(slot), None, "its slot is free");
        assert!(
            chronicle(&game).iter().any(|l| l.ends_with("The last men of Red Army scatter.")),
            "{:?}",
            chronicle(&game)
        );
        assert!(army::<Troops>(&game, "blue_army").is_some(), "three thousand are");
    }
}
