//! Sieges: walls, garrisons and city stores; blockade or assault, starvation, breaches, relief,
//! surrender, and the sack of a fallen city.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::armies::{Army, Plan, Spirit, Troops};
use super::battles::command_skill;
use super::calendar::Calendar;
use super::chronicle::ChronicleWriter;
use super::diplomacy::Relations;
use super::effects::ApplyEffect;
use super::ids::{Data, FactionIx, ProvinceIx, Static};
use super::map::{Owner, Populace};
use super::orders::Stance;
use super::rng::SimRng;
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::Rules;
use crate::scenario::{Date, Effect};

/// A city's defences and the grain in its stores.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Defences {
    /// 0-10.
    pub walls: f64,
    pub garrison: f64,
    pub grain: f64,
}

/// A siege under way.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Siege {
    pub besieger: FactionIx,
    pub since: Date,
    pub months: u32,
    /// 0-1: at 1 the walls are breached and the city is stormed.
    pub breach: f64,
    /// Months the city has gone without grain.
    pub starving: u32,
}

/// The siege of each province, if any.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sieges(pub Vec<Option<Siege>>);

pub use crate::scenario::FallCause;

/// A siege, finished or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiegeRecord {
    pub province: ProvinceIx,
    pub besieger: FactionIx,
    pub defender: Option<FactionIx>,
    pub start: Date,
    pub end: Option<Date>,
    pub months: u32,
    /// `None` while it goes on, or when it was lifted.
    pub cause: Option<FallCause>,
}

/// Every siege of the game, in the order they began.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiegeLog(pub Vec<SiegeRecord>);

/// A city was taken.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct CityFell {
    pub province: ProvinceIx,
    pub from: Option<FactionIx>,
    pub to: FactionIx,
    pub cause: FallCause,
}

/// People took up arms in a province.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct MilitiaRaised {
    pub province: ProvinceIx,
    pub men: f64,
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<CityFell>().add_message::<MilitiaRaised>();
    app.init_resource::<SiegeLog>();
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Sieges));
    app.add_systems(Turn, besiege.in_set(TurnSystems::Sieges).in_set(SiegeSystems));
}

/// The siege systems, which the map's transfer of fallen cities follows.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SiegeSystems;

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    entities: Res<Entities>,
    mut defences: Query<&mut Defences>,
) {
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::AdjustProvince { province, walls, garrison, grain, .. } => {
                if let Ok(mut d) = defences.get_mut(entities.province(data.province(province))) {
                    d.walls = (d.walls + *walls as f64).clamp(0.0, 10.0);
                    d.garrison = (d.garrison + *garrison as f64).max(0.0);
                    d.grain = (d.grain + *grain as f64).max(0.0);
                }
            }
            Effect::Loot { province, share, .. } => {
                if let Ok(mut d) = defences.get_mut(entities.province(data.province(province))) {
                    d.grain *= 1.0 - share;
                }
            }
            _ => {}
        }
    }
}

/// Men who took up arms join their province's garrison.
fn raise_militia(raised: &mut MessageReader<MilitiaRaised>, entities: &Entities, provinces: &mut Query<ProvinceItem>) {
    for m in raised.read() {
        if let Ok((.., mut d)) = provinces.get_mut(entities.province(m.province)) {
            d.garrison += m.men;
        }
    }
}

/// The month's positions, kept from month to month so that besieging allocates nothing.
#[derive(Default)]
struct Positions {
    /// Each army by index: where it stands, its men, its stance, and whether it has stopped.
    armies: Vec<Option<(Army, f64, Stance, bool)>>,
    /// The armies with men, by province and then index.
    present: Vec<(ProvinceIx, usize)>,
    /// Provinces an army with men stands in or a siege holds.
    busy: Vec<bool>,
    /// The province being looked at's besiegers, by army index.
    besiegers: Vec<usize>,
    /// Its owner's armies inside, by army index.
    inside: Vec<usize>,
}

type ProvinceItem<'a> = (&'a ProvinceIx, &'a Owner, &'a Populace, &'a mut Defences);

/// An army's power against walls.
pub fn assault_power(data: &Data, rules: &Rules, army: &Army, troops: &Troops, spirit: &Spirit) -> f64 {
    let men: f64 = troops.men().iter().zip(&data.scenario.troop_kinds).map(|(n, k)| n * k.assault).sum();
    let command = 1.0 + rules.command_bonus * (command_skill(data, army.commander) - 5.0);
    let traits = army.commander.map_or(0.0, |c| data.character_traits[c.get()].assault)
        + data.faction_traits[army.owner.get()].assault;
    men * command.max(0.2) * (1.0 + traits).max(0.1) * (0.5 + spirit.morale / 200.0)
}

/// A city's power against an assault: its defenders (weighted by kind), its walls, the skill of
/// the best defender inside, and hunger.
pub fn city_defence(rules: &Rules, defences: &Defences, defence_men: f64, defender_skill: f64, starving: bool) -> f64 {
    defence_men.max(1.0)
        * (1.0 + defences.walls * rules.wall_strength)
        * (1.0 + rules.command_bonus * (defender_skill - 5.0)).max(0.2)
        * if starving { 0.6 } else { 1.0 }
}

/// Each province in order: hostile armies that stopped there besiege it; its stores feed its
/// defenders; a starved, breached or stormed city falls. Then the month's militia join their
/// garrisons ([`raise_militia`]).
#[allow(clippy::too_many_arguments)]
fn besiege(
    data: Static,
    calendar: Res<Calendar>,
    relations: Res<Relations>,
    treaties: Res<super::diplomacy::Treaties>,
    entities: Res<Entities>,
    mut sieges: ResMut<Sieges>,
    mut log: ResMut<SiegeLog>,
    mut rng: ResMut<SimRng>,
    mut provinces: Query<ProvinceItem>,
    mut armies: Query<(&Army, &mut Troops, &Spirit, &Plan)>,
    mut fell: MessageWriter<CityFell>,
    mut chronicle: ChronicleWriter,
    mut raised: MessageReader<MilitiaRaised>,
    mut scratch: Local<Positions>,
) {
    let rules = data.rules();
    let Positions { armies: positions, present, busy, besiegers, inside } = &mut *scratch;
    super::world::refill(positions, entities.armies.len(), None);
    armies.iter().for_each(|(a, t, _, plan)| {
        positions[a.ix.get()] = Some((*a, t.total(), plan.stance, plan.destination.is_none()));
    });
    // The armies with men, by province and then index.
    present.clear();
    present.extend(positions.iter().enumerate().filter_map(|(i, pos)| {
        let (a, men, ..) = (*pos)?;
        (men > 0.0).then_some((a.location, i))
    }));
    present.sort_unstable();
    // A province no army stands in and no siege holds only refills its stores.
    busy.clear();
    busy.extend(sieges.0.iter().map(Option::is_some));
    for (p, _) in present.iter() {
        busy[p.get()] = true;
    }
    provinces.iter_mut().for_each(|(&province, _, populace, mut defences)| {
        if !busy[province.get()] {
            refill_stores(&data, rules, province, populace, &mut defences);
        }
    });
    let mut next = 0;
    for p in (0..entities.provinces.len()).filter(|p| busy[*p]) {
        let province = ProvinceIx(p as u16);
        // This province's armies, in index order.
        while next < present.len() && present[next].0 < province {
            next += 1;
        }
        let first_here = next;
        while next < present.len() && present[next].0 == province {
            next += 1;
        }
        let here = &present[first_here..next];
        let Ok((_, owner, populace, mut defences)) = provinces.get_mut(entities.provinces[p]) else { continue };
        let owner = owner.0;
        let claimant = treaties.claimant(province, owner);
        let hostile = |f: FactionIx| owner.is_none_or(|o| relations.at_war(o, f)) || claimant == Some(f);
        besiegers.clear();
        besiegers.extend(here.iter().filter_map(|&(_, i)| {
            let (a, _, _, stopped) = positions[i]?;
            (stopped && hostile(a.owner) && Some(a.owner) != owner).then_some(i)
        }));
        let Some(&first) = besiegers.first() else {
            if let Some(siege) = sieges.0[p].take() {
                close_record(&mut log, province, calendar.date, None);
                chronicle.write(|| {
                    format!("The siege of {} is lifted after {}.", data.province_name(province), months(siege.months))
                });
            }
            refill_stores(&data, rules, province, populace, &mut defences);
            continue;
        };
        let besieger = positions[first].map(|(a, ..)| a.owner).unwrap_or(FactionIx(0));
        if defences.garrison < 1.0 || owner.is_none() {
            sieges.0[p] = None;
            take_city(&data, rules, &calendar, &mut log, province, owner, besieger, FallCause::Undefended, 0);
            defences.grain *= 1.0 - rules.sack_share;
            defences.garrison = leave_garrison(rules, &entities, besiegers, &mut armies);
            stock_for_occupiers(rules, &mut defences);
            fell.write(CityFell { province, from: owner, to: besieger, cause: FallCause::Undefended });
            chronicle.write(|| {
                format!("{} takes {} without a fight.", data.faction_name(besieger), data.province_name(province))
            });
            continue;
        }
        let siege = sieges.0[p].get_or_insert_with(|| {
            log.0.push(SiegeRecord {
                province,
                besieger,
                defender: owner,
                start: calendar.date,
                end: None,
                months: 0,
                cause: None,
            });
            chronicle
                .write(|| format!("{} lays siege to {}.", data.faction_name(besieger), data.province_name(province)));
            Siege { besieger, since: calendar.date, months: 0, breach: 0.0, starving: 0 }
        });
        siege.months += 1;

        // Defenders inside the walls: the garrison and the owner's armies in the city.
        inside.clear();
        inside.extend(here.iter().filter_map(|&(_, i)| {
            let (a, ..) = positions[i]?;
            (Some(a.owner) == owner).then_some(i)
        }));
        let mut defenders = defences.garrison;
        let mut defence_men = defences.garrison;
        let mut defender_skill: f64 = 5.0;
        for i in inside.iter() {
            if let Some(Ok((a, t, _, _))) = entities.armies[*i].map(|e| armies.get(e)) {
                defenders += t.total();
                defence_men += t.men().iter().zip(&data.scenario.troop_kinds).map(|(n, k)| n * k.defence).sum::<f64>();
                if let Some(c) = a.commander {
                    defender_skill = defender_skill.max(data.character_traits[c.get()].defence);
                }
            }
        }
        // Rot, fire, theft and hoarding make a city's stores last a little more or less than the sums say.
        let need = (defenders / 1000.0 * rules.army_ration + populace.population / 1000.0 * rules.civilian_ration)
            * rng.jitter(rules.store_luck);
        if defences.grain >= need {
            defences.grain -= need;
        } else {
            defences.grain = 0.0;
            siege.starving += 1;
            defences.garrison *= 1.0 - rules.starvation_losses;
        }
        let defence = city_defence(rules, &defences, defence_men, defender_skill, siege.starving > 0);
        let mut attack = 0.0;
        let mut storm = false;
        for i in besiegers.iter() {
            if let Some(Ok((a, t, s, plan))) = entities.armies[*i].map(|e| armies.get(e)) {
                attack += assault_power(&data, rules, a, t, s);
                storm |= plan.stance == Stance::Assault;
            }
        }
        let odds = attack / defence;
        // A garrison stronger in the open than its besiegers sallies out and breaks the siege.
        let besieger_field: f64 = besiegers
            .iter()
            .filter_map(|i| entities.armies[*i].and_then(|e| armies.get(e).ok()))
            .map(|(_, t, s, _)| t.total() * (0.5 + s.morale / 200.0))
            .sum();
        if siege.starving == 0 && defence_men > rules.sally_ratio * besieger_field {
            defences.garrison *= 1.0 - rules.sally_losses / 2.0;
            for i in besiegers.iter() {
                if let Some(Ok((_, mut t, _, _))) = entities.armies[*i].map(|e| armies.get_mut(e)) {
                    t.lose_share(rules.sally_losses * rng.jitter(0.3));
                }
            }
            siege.breach = 0.0;
            chronicle.write(|| {
                format!("The garrison of {} sallies out and falls on the besiegers.", data.province_name(province))
            });
            continue;
        }
        let mut cause = None;
        if storm {
            let success = (0.4 * odds.powf(1.2) + siege.breach).clamp(0.0, 0.95);
            let attacker_losses = (rules.assault_losses * odds.powf(-0.5)).min(0.5);
            for i in besiegers.iter() {
                if let Some(Ok((_, mut t, _, _))) = entities.armies[*i].map(|e| armies.get_mut(e)) {
                    t.lose_share(attacker_losses * rng.jitter(0.3));
                }
            }
            if rng.chance(success) {
                cause = Some(FallCause::Assault);
            } else {
                defences.garrison *= 1.0 - (rules.assault_losses * 0.5 * odds.sqrt()).min(0.5);
                chronicle
                    .write(|| format!("An assault on {} is thrown back from the walls.", data.province_name(province)));
            }
        } else {
            siege.breach += rules.breach_rate * odds;
            if siege.breach >= 1.0 {
                cause = Some(FallCause::Breach);
            }
        }
        if cause.is_none() && siege.starving > 0 && f64::from(siege.starving) >= rules.starvation_months {
            cause = Some(FallCause::Starvation);
        }
        if cause.is_none() && defences.garrison < 1.0 && inside.is_empty() {
            cause = Some(FallCause::Starvation);
        }
        let Some(cause) = cause else { continue };
        let months = siege.months;
        sieges.0[p] = None;
        take_city(&data, rules, &calendar, &mut log, province, owner, besieger, cause, months);
        defences.grain *= 1.0 - rules.sack_share;
        defences.garrison = leave_garrison(rules, &entities, besiegers, &mut armies);
        stock_for_occupiers(rules, &mut defences);
        for i in inside.iter() {
            if let Some(Ok((_, mut t, _, _))) = entities.armies[*i].map(|e| armies.get_mut(e)) {
                t.lose_share(1.0);
            }
        }
        fell.write(CityFell { province, from: owner, to: besieger, cause });
        let how = match cause {
            FallCause::Starvation => "starved into surrender",
            FallCause::Assault => "taken by storm",
            FallCause::Breach => "through a breach in its walls",
            FallCause::Undefended => "undefended",
        };
        chronicle.write(|| {
            format!(
                "{} falls to {}, {how}, after {} of siege.",
                data.province_name(province),
                data.faction_name(besieger),
                self::months(months)
            )
        });
    }
    raise_militia(&mut raised, &entities, &mut provinces);
}

#[allow(clippy::too_many_arguments)]
fn take_city(
    _data: &Data,
    _rules: &Rules,
    calendar: &Calendar,
    log: &mut SiegeLog,
    province: ProvinceIx,
    defender: Option<FactionIx>,
    besieger: FactionIx,
    cause: FallCause,
    months: u32,
) {
    if close_record(log, province, calendar.date, Some(cause)) {
        return;
    }
    log.0.push(SiegeRecord {
        province,
        besieger,
        defender,
        start: calendar.date,
        end: Some(calendar.date),
        months,
        cause: Some(cause),
    });
}

/// The conquerors leave `occupation_garrison` of their men to hold a taken city.
fn leave_garrison(
    rules: &Rules,
    entities: &Entities,
    besiegers: &[usize],
    armies: &mut Query<(&Army, &mut Troops, &Spirit, &Plan)>,
) -> f64 {
    let mut garrison = 0.0;
    for i in besiegers {
        if let Some(Ok((_, mut t, _, _))) = entities.armies[*i].map(|e| armies.get_mut(e)) {
            garrison += t.lose_share(rules.occupation_garrison);
        }
    }
    garrison
}

/// The conquerors bring `occupation_stores` months of rations for the garrison they leave, so a
/// starved city does not fall back at the first siege.
fn stock_for_occupiers(rules: &Rules, defences: &mut Defences) {
    let rations = defences.garrison / 1000.0 * rules.army_ration * rules.occupation_stores;
    defences.grain = defences.grain.max(rations);
}

/// Ends the open siege of `province` in the log; false if none was open.
fn close_record(log: &mut SiegeLog, province: ProvinceIx, date: Date, cause: Option<FallCause>) -> bool {
    let Some(record) = log.0.iter_mut().rev().find(|r| r.province == province && r.end.is_none()) else {
        return false;
    };
    record.end = Some(date);
    record.months = u32::try_from(record.start.months_until(date).max(0) + 1).unwrap_or(0);
    record.cause = cause;
    true
}

/// Stores refill from the harvest, up to what the scenario started with.
fn refill_stores(data: &Data, rules: &Rules, province: ProvinceIx, populace: &Populace, defences: &mut Defences) {
    let full = data.scenario.provinces[province.get()].grain as f64;
    if defences.grain < full {
        let harvest = populace.population / 1000.0 * rules.grain_tax * 12.0 * rules.store_refill;
        defences.grain = (defences.grain + harvest).min(full);
    }
}

/// "1 month", "8 months".
fn months(n: u32) -> String {
    if n == 1 { "1 month".to_string() } else { format!("{n} months") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing::{army, province, scenario, sim};

    /// Red blockades Blue's city B: no people to feed, a garrison of 3,000 eating 3 grain a month.
    fn blockade(grain: i64) -> crate::sim::Sim {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "b", troops: {"infantry": 6000})"#,
            "",
        );
        let b = &mut s.provinces[1];
        (b.population, b.garrison, b.grain, b.walls) = (0, 3000, grain, 10);
        sim(s, 1)
    }

    #[test]
    fn a_blockaded_city_with_three_months_of_grain_surrenders_in_the_fourth() {
        let mut game = blockade(9);
        let red = game.data().faction("red");
        for month in 1..=3 {
            game.step();
            assert_ne!(province::<Owner>(&game, "b").0, Some(red), "fell too early, in month {month}");
        }
        game.step();
        assert_eq!(province::<Owner>(&game, "b").0, Some(red));
        let log = game.world().resource::<SiegeLog>();
        assert_eq!(log.0.len(), 1);
        assert_eq!(log.0[0].cause, Some(FallCause::Starvation));
        assert_eq!(log.0[0].months, 4);
    }

    #[test]
    fn the_conquerors_garrison_a_taken_city_and_bring_its_rations() {
        let mut game = blockade(9);
        let red = game.data().faction("red");
        for _ in 0..4 {
            game.step();
        }
        assert_eq!(province::<Owner>(&game, "b").0, Some(red));
        let rules = game.data().rules().clone();
        let d = *province::<Defences>(&game, "b");
        assert!(d.garrison > 0.0, "a taken city keeps a garrison");
        let rations = d.garrison / 1000.0 * rules.army_ration * rules.occupation_stores;
        assert!(d.grain >= rations - 1e-9, "{} grain for a garrison of {}", d.grain, d.garrison);
    }

    #[test]
    fn more_grain_holds_out_longer() {
        let mut game = blockade(21);
        let red = game.data().faction("red");
        for _ in 0..7 {
            game.step();
        }
        assert_ne!(province::<Owner>(&game, "b").0, Some(red));
        game.step();
        assert_eq!(province::<Owner>(&game, "b").0, Some(red), "seven months of grain, falls in the eighth");
    }

    #[test]
    fn an_army_passing_through_does_not_besiege() {
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 6000})"#,
            "",
        );
        s.armies[0].location = "a".into();
        let mut game = sim(s, 1);
        game.step();
        assert!(game.world().resource::<SiegeLog>().0.iter().all(|r| r.province != game.data().province("a")));
        assert!(army::<Army>(&game, "red_army").is_some());
    }
}
