//! Battles: hostile armies that meet fight; night raids strike by surprise.
//!
//! Power follows a Lanchester-style model: men times their kind's field power (mounted troops
//! times the terrain's `mounted`), the commander's skill, morale and supply, with luck; the
//! defender of his own province gains the terrain's `defence`. Losses grow with the odds; a
//! badly beaten army routs and flees.
use bevy_app::App;
use bevy_ecs::prelude::*;

use super::armies::{Army, Plan, Spirit, Troops};
use super::chronicle::ChronicleWriter;
use super::diplomacy::Relations;
use super::ids::{ArmyIx, CharacterIx, Data, FactionIx, ProvinceIx, Static};
use super::map::Owner;
use super::rng::SimRng;
use super::world::Entities;
use super::{Turn, TurnSystems};
use crate::scenario::Rules;

/// A battle was fought.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct BattleFought {
    pub province: ProvinceIx,
    pub winner: FactionIx,
    pub loser: FactionIx,
    /// The loser broke and fled.
    pub rout: bool,
    pub winner_losses: f64,
    pub loser_losses: f64,
}

/// A commander was taken prisoner.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommanderCaptured {
    pub character: CharacterIx,
    pub by: FactionIx,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<BattleFought>().add_message::<CommanderCaptured>();
    app.add_systems(Turn, fight.in_set(TurnSystems::Battles).in_set(BattleSystems));
}

/// The month's fighting: night raids, then field battles. One system, as both move the same
/// armies.
#[allow(clippy::too_many_arguments)]
fn fight(
    data: Static,
    relations: Res<Relations>,
    treaties: Res<super::diplomacy::Treaties>,
    entities: Res<Entities>,
    cities: Query<Walls>,
    mut rng: ResMut<SimRng>,
    mut armies: Query<ArmyItem>,
    mut fought: MessageWriter<BattleFought>,
    mut captured: MessageWriter<CommanderCaptured>,
    mut chronicle: ChronicleWriter,
    mut scratch: Local<Field>,
) {
    night_raids(&data, &relations, &entities, &mut rng, &mut armies, &mut chronicle);
    let board =
        Battlefield { data: &data, relations: &relations, treaties: &treaties, entities: &entities, cities: &cities };
    field_battles(&board, &mut rng, &mut armies, &mut fought, &mut captured, &mut chronicle, &mut scratch);
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

/// What the field battles read.
struct Battlefield<'a, 'w, 's> {
    data: &'a Data,
    relations: &'a Relations,
    treaties: &'a super::diplomacy::Treaties,
    entities: &'a Entities,
    cities: &'a Query<'w, 's, Walls>,
}

/// The battle systems, which the taking of prisoners follows.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BattleSystems;

/// The skill a commander (or a leaderless army, 3) brings.
pub fn command_skill(data: &Data, commander: Option<CharacterIx>) -> f64 {
    commander.map_or(3.0, |c| data.character_traits[c.get()].command)
}

/// An army's fighting power in the open in `province`.
pub fn field_power(
    data: &Data,
    rules: &Rules,
    army: &Army,
    troops: &Troops,
    spirit: &Spirit,
    province: ProvinceIx,
) -> f64 {
    let terrain = data.terrain_of(province);
    let men: f64 = troops
        .men()
        .iter()
        .zip(&data.scenario.troop_kinds)
        .map(|(n, kind)| n * kind.field * if kind.mounted { terrain.mounted } else { 1.0 })
        .sum();
    let command = 1.0 + rules.command_bonus * (command_skill(data, army.commander) - 5.0);
    let traits = army.commander.map_or(0.0, |c| data.character_traits[c.get()].fighting)
        + data.faction_traits[army.owner.get()].fighting;
    let spirit = (0.5 + spirit.morale / 200.0) * (0.6 + spirit.supply / 250.0);
    men * command.max(0.2) * (1.0 + traits).max(0.1) * spirit
}

/// A province's owner and walls: who is at home in a field battle, and who shelters inside.
type Walls = (&'static Owner, &'static super::sieges::Defences);

type ArmyItem<'a> = (&'a mut Army, &'a mut Troops, &'a mut Spirit, &'a mut Plan);

/// Raids ordered this turn, in army order.
#[allow(clippy::too_many_arguments)]
fn night_raids(
    data: &Data,
    relations: &Relations,
    entities: &Entities,
    rng: &mut SimRng,
    armies: &mut Query<ArmyItem>,
    chronicle: &mut ChronicleWriter,
) {
    let rules = data.rules();
    // Raids only ever end: the armies with a raid ordered now are all that may raid.
    let mut raiders = super::world::gather(armies.iter().filter(|(.., plan)| plan.raid.is_some()).map(|(a, ..)| a.ix));
    raiders.sort_unstable();
    for raider_ix in raiders {
        let Some(raider_entity) = entities.army(raider_ix) else { continue };
        let Ok((raider, _, _, plan)) = armies.get(raider_entity) else { continue };
        let Some(target_ix) = plan.raid else { continue };
        let raider = *raider;
        let Some(target_entity) = entities.army(target_ix) else { continue };
        let Ok((target, ..)) = armies.get(target_entity) else { continue };
        let target = *target;
        let near = target.location == raider.location
            || data.neighbours[raider.location.get()].iter().any(|(p, _)| *p == target.location);
        if !near || !relations.at_war(raider.owner, target.owner) {
            if let Ok((.., mut plan)) = armies.get_mut(raider_entity) {
                plan.raid = None;
            }
            continue;
        }
        let edge = command_skill(data, raider.commander) - command_skill(data, target.commander);
        let success = rng.chance(rules.raid_success * (1.0 + 0.1 * edge));
        let (raider_loss, raider_morale, target_loss, target_morale) =
            if success { (0.02, 5.0, 0.08, -15.0) } else { (0.15, -20.0, 0.01, 5.0) };
        let jitter = rng.jitter(0.3);
        if let Ok((_, mut troops, mut spirit, mut plan)) = armies.get_mut(raider_entity) {
            troops.lose_share(raider_loss * jitter);
            spirit.morale = (spirit.morale + raider_morale).clamp(0.0, 100.0);
            plan.raid = None;
        }
        if let Ok((_, mut troops, mut spirit, _)) = armies.get_mut(target_entity) {
            troops.lose_share(target_loss * jitter);
            spirit.morale = (spirit.morale + target_morale).clamp(0.0, 100.0);
        }
        let (raider_name, target_name) = (army_name(data, raider.ix), army_name(data, target.ix));
        chronicle.write(|| {
            if success {
                format!("A night raid by the {raider_name} throws the {target_name} into confusion.")
            } else {
                format!("The {raider_name}'s night raid on the {target_name} fails with heavy losses.")
            }
        });
    }
}

/// In each province, in order, the first two factions at war there fight.
#[allow(clippy::too_many_arguments)]
fn field_battles(
    board: &Battlefield,
    rng: &mut SimRng,
    armies: &mut Query<ArmyItem>,
    fought: &mut MessageWriter<BattleFought>,
    captured: &mut MessageWriter<CommanderCaptured>,
    chronicle: &mut ChronicleWriter,
    field: &mut Field,
) {
    let Battlefield { data, relations, treaties, entities, cities } = *board;
    let Field { present, crowded, here, factions } = field;
    let rules = data.rules();
    // Armies that stayed in their own walled city are inside the walls: they defend in the siege,
    // not in the field.
    let inside_walls = |a: &Army, plan: &Plan| {
        !plan.marched
            && cities
                .get(entities.province(a.location))
                .is_ok_and(|(o, d)| o.0 == Some(a.owner) && d.walls >= rules.shelter_walls)
    };
    super::world::gather_into(
        present,
        armies
            .iter()
            .filter(|(a, t, _, plan)| t.total() > 0.0 && !inside_walls(a, plan))
            .map(|(a, ..)| (a.ix.get(), *a)),
    );
    present.sort_unstable_by_key(|(i, _)| *i);
    // Only a province with two armies or more can see a battle.
    super::world::refill(crowded, entities.provinces.len(), 0u8);
    for (_, a) in present.iter() {
        crowded[a.location.get()] = crowded[a.location.get()].saturating_add(1);
    }
    for p in (0..entities.provinces.len()).filter(|p| crowded[*p] >= 2) {
        let province = ProvinceIx(p as u16);
        here.clear();
        here.extend(present.iter().filter(|(_, a)| a.location == province));
        let owner = cities.get(entities.province(province)).ok().and_then(|(o, _)| o.0);
        let Some((a, b)) = hostile_pair(here, factions, |a, b| treaties.contested(relations, province, owner, a, b))
        else {
            continue;
        };
        let side =
            |f: FactionIx| here.iter().filter(move |(_, army)| army.owner == f).map(|(i, _)| *i).collect::<Vec<_>>();
        let (side_a, side_b) = (side(a), side(b));
        let power = |ids: &[usize], armies: &Query<ArmyItem>| -> f64 {
            ids.iter()
                .filter_map(|i| armies.get(entities.armies[*i]?).ok())
                .map(|(army, troops, spirit, _)| field_power(data, rules, army, troops, spirit, province))
                .sum()
        };
        let terrain = data.terrain_of(province).defence;
        let home = |f: FactionIx| if owner == Some(f) { terrain } else { 1.0 };
        let pa = power(&side_a, armies) * home(a) * rng.jitter(rules.battle_luck);
        let pb = power(&side_b, armies) * home(b) * rng.jitter(rules.battle_luck);
        if pa <= 0.0 && pb <= 0.0 {
            continue;
        }
        let (winner, loser, w_side, l_side, odds) =
            if pa >= pb { (a, b, side_a, side_b, pa / pb.max(1.0)) } else { (b, a, side_b, side_a, pb / pa.max(1.0)) };
        let rout = odds > 1.5;
        let loser_share = (rules.battle_losses * odds.powf(0.75)).min(0.6);
        let winner_share = (rules.battle_losses * 0.7 * odds.powf(-0.75)).min(0.6);
        let mut winner_losses = 0.0;
        for i in &w_side {
            if let Some(Ok((_, mut troops, mut spirit, _))) = entities.armies[*i].map(|e| armies.get_mut(e)) {
                winner_losses += troops.lose_share(winner_share);
                spirit.morale = (spirit.morale + rules.battle_morale).min(100.0);
            }
        }
        let mut loser_losses = 0.0;
        for i in &l_side {
            let Some(e) = entities.armies[*i] else { continue };
            let Ok((mut army, mut troops, mut spirit, mut plan)) = armies.get_mut(e) else { continue };
            loser_losses += troops.lose_share(loser_share);
            let blow = if rout { 2.0 * rules.battle_morale } else { rules.battle_morale };
            spirit.morale = (spirit.morale - blow).max(0.0);
            if let Some(c) = army.commander
                && rng.chance(rules.capture_chance * if rout { 2.0 } else { 1.0 })
            {
                army.commander = None;
                captured.write(CommanderCaptured { character: c, by: winner });
                chronicle.write(|| format!("{} is taken prisoner.", data.character_name(c)));
            }
            *plan = Plan::default();
            match retreat(data, entities, cities, relations, army.owner, province) {
                Some(to) => army.location = to,
                // Nowhere to flee: the army surrenders.
                None => loser_losses += troops.lose_share(1.0),
            }
        }
        fought.write(BattleFought { province, winner, loser, rout, winner_losses, loser_losses });
        chronicle.write(|| {
            format!(
                "Battle at {}: {} {} {} ({:.0} men lost against {:.0}).",
                data.province_name(province),
                data.faction_name(winner),
                if rout { "routs" } else { "defeats" },
                data.faction_name(loser),
                loser_losses,
                winner_losses
            )
        });
    }
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
fn retreat(
    data: &Data,
    entities: &Entities,
    cities: &Query<Walls>,
    relations: &Relations,
    faction: FactionIx,
    from: ProvinceIx,
) -> Option<ProvinceIx> {
    let owner = |p: ProvinceIx| cities.get(entities.province(p)).ok().and_then(|(o, _)| o.0);
    let neighbours = &data.neighbours[from.get()];
    neighbours.iter().map(|(p, _)| *p).find(|p| owner(*p) == Some(faction)).or_else(|| {
        neighbours.iter().map(|(p, _)| *p).find(|p| owner(*p).is_none_or(|o| !relations.at_war(o, faction)))
    })
}

fn army_name(data: &Data, ix: ArmyIx) -> String {
    let id = &data.army_ids[ix.get()];
    data.scenario.armies.iter().find(|a| &a.id == id).map(|a| a.name.clone()).unwrap_or_else(|| id.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sieges::Defences;
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

    #[test]
    fn power_grows_with_numbers_and_skill() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 1000})"#,
            "",
        );
        let game = sim(s, 1);
        let data = game.data();
        let rules = game.data().rules();
        let mut army = *army::<Army>(&game, "red_army").unwrap();
        let spirit = Spirit { morale: 70.0, supply: 100.0, grain: 0.0 };
        let small = field_power(data, rules, &army, &Troops::from(vec![1000.0, 0.0]), &spirit, army.location);
        let large = field_power(data, rules, &army, &Troops::from(vec![2000.0, 0.0]), &spirit, army.location);
        assert!((large / small - 2.0).abs() < 1e-9);
        army.commander = Some(data.character("red_general"));
        let led = field_power(data, rules, &army, &Troops::from(vec![1000.0, 0.0]), &spirit, army.location);
        assert!(led > small, "a skill-5 commander beats no commander (skill 3)");
    }
}
