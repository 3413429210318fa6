//! Battles: hostile armies that meet fight; night raids strike by surprise.
//!
//! Power follows a Lanchester-style model ([`field_power`]): men times their kind's field power
//! (mounted troops times the terrain's `mounted`), the commander's skill, morale and supply, with
//! luck; the defender of his own province gains the terrain's `defence`. Losses grow with the
//! odds; a badly beaten army routs and flees.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::sim::collect::{gather, gather_into, refill};
use crate::sim::compiled::Command;
use crate::sim::data::Static;
use crate::sim::ids::{FactionIx, ProvinceIx};
use crate::sim::power::{battle_losses, field_power, raid_chance, raid_outcome, within_raid_reach};
use crate::sim::schedule::{Turn, TurnSystems};
use crate::sim::state::{
    ApplyEffect, Army, BattleFought, CharacterTraits, ChronicleWriter, CommanderCaptured, Defences, Entities, Names,
    Owner, Person, Plan, Relations, SimRng, Spirit, Treaties, Troops,
};
use crate::sim::units::{PERCENT, points};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, fight.in_set(TurnSystems::Battles));
}

/// A province's owner and walls: who is at home in a field battle, and who shelters inside.
type Walls = (&'static Owner, &'static Defences);

type ArmyItem<'a> = (&'a mut Army, &'a mut Troops, &'a mut Spirit, &'a mut Plan);

/// What the fighting reads and writes besides the armies.
#[derive(SystemParam)]
struct Battlefield<'w, 's> {
    data: Static<'s>,
    relations: Res<'w, Relations>,
    treaties: Res<'w, Treaties>,
    entities: Res<'w, Entities>,
    names: Res<'w, Names>,
    traits: Res<'w, CharacterTraits>,
    cities: Query<'w, 's, Walls>,
    rng: ResMut<'w, SimRng>,
    fought: MessageWriter<'w, BattleFought>,
    captured: MessageWriter<'w, CommanderCaptured>,
    fallen: MessageWriter<'w, ApplyEffect>,
    people: Query<'w, 's, &'static Person>,
    chronicle: ChronicleWriter<'w>,
}

impl Battlefield<'_, '_> {
    /// The owner of `province`.
    fn owner(&self, province: ProvinceIx) -> Option<FactionIx> {
        self.cities.get(self.entities.province(province)).ok().and_then(|(o, _)| o.0)
    }
}

/// The month's fighting: night raids, then field battles. One system, as both move the same
/// armies.
fn fight(mut field: Battlefield, mut armies: Query<ArmyItem>, mut scratch: Local<Field>) {
    night_raids(&mut field, &mut armies);
    field_battles(&mut field, &mut armies, &mut scratch);
}

/// Where the armies stand, kept from month to month so that a month without battles allocates
/// nothing.
#[derive(Default)]
struct Field {
    /// The armies in the field (outside walls), by index.
    present: Vec<(usize, Army)>,
    /// How many stand in each province.
    crowded: Vec<u8>,
    /// Those in the province being looked at, by index.
    here: Vec<(usize, Army)>,
    /// Their factions.
    factions: Vec<FactionIx>,
}

/// Raids ordered this turn, in army order.
fn night_raids(field: &mut Battlefield, armies: &mut Query<ArmyItem>) {
    // Raids only ever end: the armies with a raid ordered now are all that may raid.
    let mut raiders = gather(armies.iter().filter(|(.., plan)| plan.raid.is_some()).map(|(a, ..)| a.ix));
    raiders.sort_unstable();
    for raider_ix in raiders {
        let Some(raider_entity) = field.entities.army(raider_ix) else { continue };
        let Ok((raider, _, _, plan)) = armies.get(raider_entity) else { continue };
        let Some(target_ix) = plan.raid else { continue };
        let raider = *raider;
        let Some(target_entity) = field.entities.army(target_ix) else { continue };
        let Ok((target, ..)) = armies.get(target_entity) else { continue };
        let target = *target;
        let data = &field.data;
        if !within_raid_reach(data, raider.location, target.location)
            || !field.relations.at_war(raider.owner, target.owner)
        {
            if let Ok((.., mut plan)) = armies.get_mut(raider_entity) {
                plan.raid = None;
            }
            continue;
        }
        let success = field.rng.chance(raid_chance(data, &field.traits, raider.commander, target.commander));
        let outcome = raid_outcome(data.rules(), success);
        let jitter = field.rng.jitter(data.rules().raid_luck);
        if let Ok((_, mut troops, mut spirit, mut plan)) = armies.get_mut(raider_entity) {
            troops.lose_share(outcome.raider_losses * jitter);
            spirit.morale = points(spirit.morale + outcome.raider_morale);
            plan.raid = None;
        }
        if let Ok((_, mut troops, mut spirit, _)) = armies.get_mut(target_entity) {
            troops.lose_share(outcome.target_losses * jitter);
            spirit.morale = points(spirit.morale + outcome.target_morale);
        }
        let (raider_name, target_name) = (data.army_label(raider.ix), data.army_label(target.ix));
        field.chronicle.write(|| {
            if success {
                format!("A night raid by the {raider_name} throws the {target_name} into confusion.")
            } else {
                format!("The {raider_name}'s night raid on the {target_name} fails with heavy losses.")
            }
        });
    }
}

/// In each province, in order, the first two factions at war there fight.
fn field_battles(field: &mut Battlefield, armies: &mut Query<ArmyItem>, scratch: &mut Field) {
    let Field { present, crowded, here, factions } = scratch;
    let rules = field.data.rules();
    // Armies that stayed in their own walled city are inside the walls: they defend in the siege,
    // not in the field.
    let inside_walls = |a: &Army, plan: &Plan| {
        !plan.marched
            && field
                .cities
                .get(field.entities.province(a.location))
                .is_ok_and(|(o, d)| o.0 == Some(a.owner) && d.walls >= rules.shelter_walls)
    };
    gather_into(
        present,
        armies
            .iter()
            .filter(|(a, t, _, plan)| t.total() > 0.0 && !inside_walls(a, plan))
            .map(|(a, ..)| (a.ix.get(), *a)),
    );
    present.sort_unstable_by_key(|(i, _)| *i);
    // Only a province with two armies or more can see a battle.
    let provinces = field.entities.provinces.len();
    refill(crowded, provinces, 0u8);
    for (_, a) in present.iter() {
        crowded[a.location.get()] = crowded[a.location.get()].saturating_add(1);
    }
    for province in ProvinceIx::all(provinces).filter(|p| crowded[p.get()] >= 2) {
        here.clear();
        here.extend(present.iter().filter(|(_, a)| a.location == province));
        let owner = field.owner(province);
        let contested = |a, b| field.treaties.contested(&field.relations, province, owner, a, b);
        let Some((a, b)) = hostile_pair(here, factions, contested) else { continue };
        battle(field, armies, here, province, owner, a, b);
    }
}

/// `a` and `b` fight in `province`: each side's power with luck, the losses the odds bring, the
/// winner's heart and the loser's flight.
fn battle(
    field: &mut Battlefield,
    armies: &mut Query<ArmyItem>,
    here: &[(usize, Army)],
    province: ProvinceIx,
    owner: Option<FactionIx>,
    a: FactionIx,
    b: FactionIx,
) {
    let data = field.data.clone();
    let rules = data.rules();
    let side = |f: FactionIx| here.iter().filter(move |(_, army)| army.owner == f).map(|(i, _)| *i).collect::<Vec<_>>();
    let (side_a, side_b) = (side(a), side(b));
    let terrain = data.terrain_of(province).defence;
    let home = |f: FactionIx| if owner == Some(f) { terrain } else { 1.0 };
    let pa = side_power(field, armies, &side_a, province) * home(a) * field.rng.jitter(rules.battle_luck);
    let pb = side_power(field, armies, &side_b, province) * home(b) * field.rng.jitter(rules.battle_luck);
    if pa <= 0.0 && pb <= 0.0 {
        return;
    }
    let (winner, loser, w_side, l_side, odds) =
        if pa >= pb { (a, b, side_a, side_b, pa / pb.max(1.0)) } else { (b, a, side_b, side_a, pb / pa.max(1.0)) };
    let rout = odds > rules.rout_odds;
    let (winner_share, loser_share) = battle_losses(rules, odds);
    let mut winner_losses = 0.0;
    for i in &w_side {
        if let Some(Ok((_, mut troops, mut spirit, _))) = field.entities.armies[*i].map(|e| armies.get_mut(e)) {
            winner_losses += troops.lose_share(winner_share);
            spirit.morale = (spirit.morale + rules.battle_morale).min(PERCENT);
        }
    }
    let mut loser_losses = 0.0;
    for i in &l_side {
        loser_losses += beaten(field, armies, *i, loser_share, rout, winner, province);
    }
    field.fought.write(BattleFought { province, winner, loser, rout, winner_losses, loser_losses });
    let names = &field.names;
    field.chronicle.write(|| {
        format!(
            "Battle at {}: {} {} {} ({:.0} men lost against {:.0}).",
            names.province(province),
            names.faction(winner),
            if rout {
                names.faction_agrees(winner).verb("routs", "rout")
            } else {
                names.faction_agrees(winner).verb("defeats", "defeat")
            },
            names.faction(loser),
            loser_losses,
            winner_losses
        )
    });
}

/// The power of one side's armies in `province`.
fn side_power(field: &Battlefield, armies: &Query<ArmyItem>, side: &[usize], province: ProvinceIx) -> f64 {
    side.iter()
        .filter_map(|i| armies.get(field.entities.armies[*i]?).ok())
        .map(|(army, troops, spirit, _)| field_power(&field.data, &field.traits, army, troops, spirit, province))
        .sum()
}

/// A beaten army loses men and heart (more in a rout), may lose its commander, and flees (or,
/// with nowhere to flee, surrenders); the men it lost.
fn beaten(
    field: &mut Battlefield,
    armies: &mut Query<ArmyItem>,
    i: usize,
    share: f64,
    rout: bool,
    winner: FactionIx,
    province: ProvinceIx,
) -> f64 {
    let rules = field.data.rules();
    let Some(e) = field.entities.armies[i] else { return 0.0 };
    let Ok((mut army, mut troops, mut spirit, mut plan)) = armies.get_mut(e) else { return 0.0 };
    let mut lost = troops.lose_share(share);
    let blow = if rout { rules.rout_morale * rules.battle_morale } else { rules.battle_morale };
    spirit.morale = (spirit.morale - blow).max(0.0);
    if let Some(c) = army.commander {
        // One draw decides the commander's fate: he falls, is taken, or gets away.
        let odds = if rout { rules.rout_capture } else { 1.0 };
        let spared = field.people.get(field.entities.character(c)).is_ok_and(Person::is_of_the_court);
        let falls = if spared { 0.0 } else { rules.battle_death * odds };
        let taken =
            if spared { (rules.battle_death + rules.capture_chance) * odds } else { rules.capture_chance * odds };
        let fate = field.rng.unit();
        let data = &field.data;
        if fate < falls {
            army.commander = None;
            field.fallen.write(ApplyEffect(Command::Fall(c)));
            field.chronicle.write(|| format!("{} falls in the battle.", data.character_name(c)));
        } else if fate < falls + taken {
            army.commander = None;
            field.captured.write(CommanderCaptured { character: c, by: winner });
            field.chronicle.write(|| format!("{} is taken prisoner.", data.character_name(c)));
        }
    }
    *plan = Plan::default();
    match retreat(field, army.owner, province) {
        Some(to) => army.location = to,
        // Nowhere to flee: the army surrenders.
        None => lost += troops.lose_share(1.0),
    }
    lost
}

/// The first two factions (by index) present with armies and at war.
fn hostile_pair(
    here: &[(usize, Army)],
    factions: &mut Vec<FactionIx>,
    hostile: impl Fn(FactionIx, FactionIx) -> bool,
) -> Option<(FactionIx, FactionIx)> {
    factions.clear();
    factions.extend(here.iter().map(|(_, a)| a.owner));
    factions.sort();
    factions.dedup();
    for (i, &a) in factions.iter().enumerate() {
        for &b in &factions[i + 1..] {
            if hostile(a, b) {
                return Some((a, b));
            }
        }
    }
    None
}

/// Where a beaten army flees: a neighbouring province its faction owns, else any not held by an
/// enemy at war, nearest to home first (by index order when equal).
fn retreat(field: &Battlefield, faction: FactionIx, from: ProvinceIx) -> Option<ProvinceIx> {
    let neighbours = &field.data.neighbours[from.get()];
    neighbours.iter().map(|(p, _)| *p).find(|p| field.owner(*p) == Some(faction)).or_else(|| {
        neighbours.iter().map(|(p, _)| *p).find(|p| field.owner(*p).is_none_or(|o| !field.relations.at_war(o, faction)))
    })
}

#[cfg(test)]
mod tests {
    use crate::sim::power::field_power;
    use crate::sim::state::{Army, CharacterTraits, Defences, Spirit, Troops};
    use crate::sim::testing::{army, province_mut, scenario, sim, sim_with_humans};

    #[test]
    fn an_army_that_stays_in_its_walled_city_is_not_drawn_into_the_field() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "b", troops: {"cavalry": 20000}),
               Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "b", troops: {"infantry": 5000})"#,
            "",
        );
        let mut walled = sim_with_humans(s.clone(), 4, &["red", "blue"]);
        walled.step();
        assert_eq!(army::<Troops>(&walled, "blue_army").unwrap().total(), 5000.0, "no field battle behind walls");
        let mut open = sim_with_humans(s, 4, &["red", "blue"]);
        province_mut::<Defences>(&mut open, "b").walls = 2.0;
        open.step();
        assert!(army::<Troops>(&open, "blue_army").unwrap().total() < 5000.0, "low walls do not shelter an army");
    }

    #[test]
    fn the_stronger_army_wins_and_the_loser_flees() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "b", troops: {"cavalry": 20000}),
               Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "b", troops: {"infantry": 5000})"#,
            "",
        );
        let mut game = sim_with_humans(s, 4, &["red", "blue"]);
        province_mut::<Defences>(&mut game, "b").walls = 0.0;
        game.step();
        let blue = army::<Troops>(&game, "blue_army").unwrap().total();
        let red = army::<Troops>(&game, "red_army").unwrap().total();
        assert!(20000.0 - red < 5000.0 - blue, "red lost {}, blue lost {}", 20000.0 - red, 5000.0 - blue);
        assert_ne!(army::<Army>(&game, "blue_army").unwrap().location, game.data().province("b"), "blue fled");
        assert!(army::<Spirit>(&game, "blue_army").unwrap().morale < army::<Spirit>(&game, "red_army").unwrap().morale);
    }

    /// Blue's general's fate after his 5,000 are beaten by 20,000 in the open, with `battle_death`
    /// and `capture_chance`: the chronicle's lines about him, and his state the month after.
    fn general_beaten(battle_death: f64, capture_chance: f64, ruler: bool) -> (Vec<String>, crate::sim::state::Status) {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "b", troops: {"cavalry": 20000}),
               Army(id: "blue_army", name: "Blue Army", owner: "blue", location: "b", commander: "blue_general",
                   troops: {"infantry": 5000})"#,
            "",
        );
        (s.rules.battle_death, s.rules.capture_chance) = (battle_death, capture_chance);
        if ruler {
            s.factions[1].ruler = Some("blue_general".into());
            s.characters[1].roles.push(crate::scenario::Role::Ruler);
        }
        let mut game = sim_with_humans(s, 4, &["red", "blue"]);
        province_mut::<Defences>(&mut game, "b").walls = 0.0;
        game.step();
        game.step();
        let lines = crate::sim::testing::chronicle(&game).into_iter().filter(|l| l.contains("Blue General")).collect();
        (lines, crate::sim::testing::status(&game, "blue_general"))
    }

    #[test]
    fn a_beaten_commander_may_fall_in_the_battle_or_be_taken() {
        use crate::sim::state::Status;
        let (lines, status) = general_beaten(1.0, 0.0, false);
        assert!(lines.iter().any(|l| l.ends_with("Blue General falls in the battle.")), "{lines:#?}");
        assert!(!lines.iter().any(|l| l.ends_with("Blue General dies.")), "one line tells his death: {lines:#?}");
        assert_eq!(status, Status::Dead);
        let (lines, status) = general_beaten(0.0, 1.0, false);
        assert!(lines.iter().any(|l| l.ends_with("Blue General is taken prisoner.")), "{lines:#?}");
        assert_eq!(status, Status::Captive);
        let (lines, status) = general_beaten(0.0, 0.0, false);
        assert!(lines.is_empty(), "{lines:#?}");
        assert_eq!(status, Status::Active);
        let (lines, status) = general_beaten(1.0, 0.0, true);
        assert!(lines.iter().any(|l| l.ends_with("Blue General is taken prisoner.")), "a ruler is taken: {lines:#?}");
        assert_eq!(status, Status::Captive);
    }

    #[test]
    fn power_grows_with_numbers_and_skill() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 1000})"#,
            "",
        );
        let game = sim(s, 1);
        let data = game.data();
        let traits = game.world().resource::<CharacterTraits>();
        let mut army = *army::<Army>(&game, "red_army").unwrap();
        let spirit = Spirit { morale: 70.0, supply: 100.0, grain: 0.0 };
        let small = field_power(data, traits, &army, &Troops::from(vec![1000.0, 0.0]), &spirit, army.location);
        let large = field_power(data, traits, &army, &Troops::from(vec![2000.0, 0.0]), &spirit, army.location);
        assert!((large / small - 2.0).abs() < 1e-9);
        army.commander = Some(data.character("red_general"));
        let led = field_power(data, traits, &army, &Troops::from(vec![1000.0, 0.0]), &spirit, army.location);
        assert!(led > small, "a skill-5 commander beats no commander (skill 3)");
    }
}
