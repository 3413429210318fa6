//! Mobilisation: factions call up levies from the people, treasury and granary of their own
//! provinces, each province once in `levy_rest_months`; a levy musters for `levy_months` and takes
//! the field as the province's levy army (or joins it, or the garrison if that army is away);
//! armies sent home give their men back to the province they stand in. Pay, and the desertion of unpaid armies, are the economy's and the
//! morale rules'.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::sim::compiled::Command;
use crate::sim::data::Static;
use crate::sim::ids::{ArmyIx, FactionIx, ProvinceIx};
use crate::sim::power::{LevySite, levy_limit, may_levy};
use crate::sim::schedule::{EffectSystems, OrderSystems, Turn, TurnSystems};
use crate::sim::state::{
    ApplyEffect, Army, ArmyBundle, Calendar, ChronicleWriter, Defences, Entities, Levies, Levy, Names, Order,
    OrderGiven, Owner, Plan, Populace, Sieges, Spirit, Treasury, Troops,
};
use crate::sim::units::{PERCENT, per_thousand, points};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, muster.in_set(TurnSystems::Muster));
    app.add_systems(Turn, levy_by_order.in_set(OrderSystems::Levies));
    app.add_systems(Turn, levy_by_event.in_set(EffectSystems::Mobilisation));
}

/// What calling up and sending home read and change.
#[derive(SystemParam)]
struct Recruiting<'w, 's> {
    data: Static<'s>,
    names: Res<'w, Names>,
    commands: Commands<'w, 's>,
    entities: ResMut<'w, Entities>,
    sieges: Res<'w, Sieges>,
    calendar: Res<'w, Calendar>,
    levies: ResMut<'w, Levies>,
    provinces: Query<'w, 's, (&'static Owner, &'static mut Populace, &'static mut Defences)>,
    treasuries: Query<'w, 's, &'static mut Treasury>,
    armies: Query<'w, 's, (&'static Army, &'static mut Troops, &'static mut Spirit)>,
    chronicle: ChronicleWriter<'w>,
}

/// Levies and disbandings ordered this turn, in order; orders for what the faction does not own
/// are ignored. The chronicle sums up each faction's levies of the month in one line.
fn levy_by_order(
    mut given: MessageReader<OrderGiven>,
    mut r: Recruiting,
    mut called: Local<Vec<Tally<ProvinceIx>>>,
    mut sent: Local<Vec<Tally<ArmyIx>>>,
) {
    called.clear();
    sent.clear();
    for OrderGiven { faction, order } in given.read() {
        match *order {
            Order::Levy { province, men } => {
                if let Some(men) = r.call_up(*faction, province, men, Draft::default()) {
                    Tally::add(&mut called, *faction, men, province);
                }
            }
            Order::Disband { army } => {
                if let Some(men) = r.send_home(*faction, army) {
                    Tally::add(&mut sent, *faction, men, army);
                }
            }
            _ => {}
        }
    }
    for c in called.iter() {
        r.report_call(c);
    }
    let (data, names) = (&r.data, &r.names);
    for s in sent.iter() {
        r.chronicle.write(|| {
            let sends = names.faction_agrees(s.faction).verb("sends", "send");
            let (faction, men) = (names.faction(s.faction), s.men);
            match s.count {
                1 => format!("{faction} {sends} {} home ({men:.0} men).", names.army(data, s.first)),
                n => format!("{faction} {sends} {n} armies home ({men:.0} men)."),
            }
        });
    }
}

/// Levies events call up, by the same rules as an order's.
fn levy_by_event(mut effects: MessageReader<ApplyEffect>, mut r: Recruiting) {
    for ApplyEffect(command) in effects.read() {
        if let Command::Levy { faction, province, men, kind, join } = *command
            && let Some(men) = r.call_up(faction, province, men, Draft { kind, join })
        {
            r.report_call(&Tally { faction, men, count: 1, first: province });
        }
    }
}

/// What a levy musters as: troops of `kind` (the faction's levy kind if `None`), joining the army
/// `join` (the province's levy army if `None`).
#[derive(Clone, Copy, Default)]
struct Draft {
    kind: Option<usize>,
    join: Option<ArmyIx>,
}

/// A faction's levies (or armies sent home) of the month, for the chronicle.
struct Tally<T> {
    faction: FactionIx,
    men: f64,
    count: usize,
    /// The first province called on (or army sent home).
    first: T,
}

impl<T> Tally<T> {
    /// Counts `men` of `faction`'s, at `at`, in `list`.
    fn add(list: &mut Vec<Self>, faction: FactionIx, men: f64, at: T) {
        match list.iter_mut().find(|c| c.faction == faction) {
            Some(c) => (c.men, c.count) = (c.men + men, c.count + 1),
            None => list.push(Tally { faction, men, count: 1, first: at }),
        }
    }
}

impl Recruiting<'_, '_> {
    /// `faction` calls up to `asked` men in `province`: as many as [`levy_limit`] allows, if it
    /// raises levies, owns the province, no enemy besieges it, the province has rested since its
    /// last levy and none musters there, and the province's levy army is at home or not in the
    /// field. They muster as the `draft` says. The men called up, if any.
    fn call_up(&mut self, faction: FactionIx, province: ProvinceIx, asked: f64, draft: Draft) -> Option<f64> {
        let rules = self.data.rules();
        let now = self.calendar.date;
        // An order from an edited save may name a province the scenario does not have, or no
        // number of men.
        if province.get() >= self.entities.provinces.len() || !asked.is_finite() {
            return None;
        }
        let (levy_army, besieged) = (self.levy_army_at(province), self.sieges.besieged(province));
        let (owner, mut populace, _) = self.provinces.get_mut(self.entities.province(province)).ok()?;
        let site = LevySite { province, owner: owner.0, besieged, levy_army };
        if !may_levy(&self.data, &self.levies, now, faction, &site) {
            return None;
        }
        let mut treasury = self.treasuries.get_mut(self.entities.faction(faction)).ok()?;
        let men = asked.floor().min(levy_limit(rules, populace.population, treasury.silver, treasury.grain));
        if men < rules.remnant_men.max(1.0) {
            return None;
        }
        treasury.silver -= per_thousand(men, rules.levy_silver);
        treasury.grain -= per_thousand(men, rules.levy_grain);
        populace.population -= men;
        populace.loyalty = points(populace.loyalty - per_thousand(men, rules.levy_loyalty));
        let months_left = rules.levy_months.round() as u32;
        let Draft { kind, join } = draft;
        self.levies.mustering.push(Levy { faction, province, men, months_left, kind, join });
        self.levies.rest(province, now, now.plus_months(rules.levy_rest_months.round() as i64));
        Some(men)
    }

    /// The chronicle's line for a faction's levies of the month.
    fn report_call(&mut self, c: &Tally<ProvinceIx>) {
        let names = &self.names;
        self.chronicle.write(|| {
            let calls = names.faction_agrees(c.faction).verb("calls", "call");
            let (faction, men) = (names.faction(c.faction), c.men);
            match c.count {
                1 => format!("{faction} {calls} up {men:.0} men at {}.", names.province(c.first)),
                n => format!("{faction} {calls} up {men:.0} men in {n} provinces."),
            }
        });
    }

    /// Where the province's levy army stands, if it is in the field.
    fn levy_army_at(&self, province: ProvinceIx) -> Option<(FactionIx, ProvinceIx)> {
        let e = self.entities.army(self.data.levy_army(province))?;
        self.armies.get(e).ok().map(|(a, ..)| (a.owner, a.location))
    }

    /// `faction` sends `army` home: it leaves the map, and its men go back to the people of the
    /// province it stands in, if the faction owns it. The men sent home, if any.
    fn send_home(&mut self, faction: FactionIx, army: ArmyIx) -> Option<f64> {
        let e = self.entities.army(army)?;
        let (a, troops, _) = self.armies.get(e).ok()?;
        if a.owner != faction {
            return None;
        }
        let (men, location) = (troops.total(), a.location);
        if let Ok((owner, mut populace, _)) = self.provinces.get_mut(self.entities.province(location))
            && owner.0 == Some(faction)
        {
            populace.population += men;
        }
        self.entities.remove_army(&mut self.commands, army);
        Some(men)
    }
}

/// At the end of each month each levy's muster moves on a month; those due take the field in their
/// province, ready for the next month's orders, in the order
/// they were called: as its levy army, or joining it there, or joining the garrison if the levy
/// army is away. A levy whose province its faction lost, or an enemy besieges, disperses.
/// The chronicle gives one line to each faction's levies of the month.
fn muster(mut r: Recruiting, mut due: Local<Vec<Levy>>, mut mustered: Local<Vec<Tally<ProvinceIx>>>) {
    due.clear();
    mustered.clear();
    r.levies.mustering.retain_mut(|levy| {
        levy.months_left = levy.months_left.saturating_sub(1);
        if levy.months_left == 0 {
            due.push(*levy);
        }
        levy.months_left > 0
    });
    for levy in due.iter() {
        if r.take_the_field(levy) {
            Tally::add(&mut mustered, levy.faction, levy.men, levy.province);
        }
    }
    let names = &r.names;
    for c in mustered.iter() {
        r.chronicle.write(|| {
            let (men, at) = (c.men, names.province(c.first));
            match c.count {
                1 => format!("The levy of {at} takes the field ({men:.0} men)."),
                n => format!("{n} levies of {} take the field ({men:.0} men).", names.faction(c.faction)),
            }
        });
    }
}

impl Recruiting<'_, '_> {
    /// A levy due takes the field; whether it did (rather than disperse).
    fn take_the_field(&mut self, levy: &Levy) -> bool {
        let Levy { faction, province, men, kind: hired, join, .. } = *levy;
        let held = self.provinces.get(self.entities.province(province)).is_ok_and(|(o, ..)| o.0 == Some(faction));
        let kind = self.data.levy_kind(faction).map(|own| hired.unwrap_or(own));
        let Some(kind) = kind.filter(|_| held && !self.sieges.besieged(province)) else {
            let names = &self.names;
            self.chronicle.write(|| format!("The levy called up at {} disperses.", names.province(province)));
            return false;
        };
        if let Some(army) = join
            && self.join_army(army, faction, kind, men)
        {
            return true;
        }
        let (data, rules) = (&self.data, self.data.rules());
        let ix = data.levy_army(province);
        match self.entities.army(ix) {
            None => {
                let mut troops = vec![0.0; data.scenario.troop_kinds.len()];
                troops[kind] = men;
                let bundle = ArmyBundle {
                    army: Army { ix, owner: faction, location: province, commander: None },
                    troops: Troops::from(troops),
                    spirit: Spirit { morale: rules.levy_morale, supply: PERCENT, grain: 0.0 },
                    plan: Plan::default(),
                };
                self.entities.armies[ix.get()] = Some(self.commands.spawn(bundle).id());
            }
            Some(e) => match self.armies.get_mut(e) {
                Ok((a, mut troops, mut spirit)) if a.location == province && a.owner == faction => {
                    add_fresh_men(&mut troops, &mut spirit, kind, men, rules.levy_morale);
                }
                _ => {
                    if let Ok((.., mut defences)) = self.provinces.get_mut(self.entities.province(province)) {
                        defences.garrison += men;
                    }
                }
            },
        }
        true
    }
}

impl Recruiting<'_, '_> {
    /// Drafts join `army` if it is still `faction`'s and in the field; whether they did.
    fn join_army(&mut self, army: ArmyIx, faction: FactionIx, kind: usize, men: f64) -> bool {
        let rules = self.data.rules();
        let Some(e) = self.entities.army(army) else { return false };
        let Ok((a, mut troops, mut spirit)) = self.armies.get_mut(e) else { return false };
        if a.owner != faction {
            return false;
        }
        add_fresh_men(&mut troops, &mut spirit, kind, men, rules.levy_morale);
        true
    }
}

/// `men` of `kind` at `morale` join an army: its morale and theirs even out.
fn add_fresh_men(troops: &mut Troops, spirit: &mut Spirit, kind: usize, men: f64, morale: f64) {
    let before = troops.total();
    troops.add(kind, men);
    spirit.morale = (spirit.morale * before + morale * men) / troops.total().max(1.0);
}

#[cfg(test)]
mod tests {
    use crate::sim::state::{Levies, Order, Populace, Treasury, Troops};
    use crate::sim::testing::{army, chronicle, faction, province, scenario, sim_with_humans};

    /// The test world, with red raising infantry levies, and no income to blur the sums.
    fn levying_world() -> crate::scenario::Scenario {
        let mut s = scenario("", "");
        s.factions[0].levy = Some("infantry".into());
        for p in &mut s.provinces {
            p.wealth = 0;
        }
        s
    }

    #[test]
    fn a_levy_takes_the_field_after_levy_months() {
        let s = levying_world();
        let months = s.rules.levy_months as usize;
        let mut game = sim_with_humans(s, 1, &["red", "blue"]);
        let (red, a) = (game.data().faction("red"), game.data().province("a"));
        let silver = faction::<Treasury>(&game, "red").silver;
        game.give(red, Order::Levy { province: a, men: 3000.0 });
        game.step();
        assert_eq!(province::<Populace>(&game, "a").population, 100000.0 - 3000.0, "the men leave their homes");
        assert_eq!(faction::<Treasury>(&game, "red").silver, silver - 3.0 * 3.0, "three thousand men at 3 each");
        // Called up in March, it takes the field at the end of May, ready for June.
        for month in 1..months {
            assert!(army::<Troops>(&game, "a_levy").is_none(), "not yet in the field after {month} months");
            game.step();
        }
        assert_eq!(army::<Troops>(&game, "a_levy").map(Troops::total), Some(3000.0), "{:?}", chronicle(&game));
        assert!(game.world().resource::<Levies>().mustering.is_empty());
        assert!(chronicle(&game).iter().any(|l| l.contains("Red calls up 3000 men at A.")));
    }

    #[test]
    fn a_levy_is_no_larger_than_the_people_and_the_treasury_allow() {
        let mut s = levying_world();
        s.factions[0].treasury = 6;
        let mut game = sim_with_humans(s, 1, &["red", "blue"]);
        let (red, a) = (game.data().faction("red"), game.data().province("a"));
        game.give(red, Order::Levy { province: a, men: 50000.0 });
        game.step();
        let levies = &game.world().resource::<Levies>().mustering;
        assert_eq!(levies.len(), 1);
        assert_eq!(
            levies[0].men, 2000.0,
            "six thousand taels pay for two thousand men, not the 5,000 the people allow"
        );
    }

    #[test]
    fn a_faction_without_a_levy_kind_or_the_province_calls_up_nobody() {
        let mut game = sim_with_humans(levying_world(), 1, &["red", "blue"]);
        let (red, blue, a, b) = (
            game.data().faction("red"),
            game.data().faction("blue"),
            game.data().province("a"),
            game.data().province("b"),
        );
        game.give(red, Order::Levy { province: b, men: 3000.0 });
        game.give(blue, Order::Levy { province: b, men: 3000.0 });
        game.give(red, Order::Levy { province: a, men: 10.0 });
        // What an edited save might hold.
        game.give(red, Order::Levy { province: crate::sim::ids::ProvinceIx::new(99), men: 3000.0 });
        game.give(red, Order::Levy { province: a, men: f64::NAN });
        game.step();
        assert!(
            game.world().resource::<Levies>().mustering.is_empty(),
            "not red's province; blue raises no levies; ten men are no levy"
        );
    }

    #[test]
    fn an_army_sent_home_gives_its_men_back_to_the_province() {
        let s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 4000})"#,
            "",
        );
        let mut game = sim_with_humans(s, 1, &["red", "blue"]);
        let red = game.data().faction("red");
        let ix = game.data().army("red_army");
        game.give(red, Order::Disband { army: ix });
        game.step();
        assert!(army::<Troops>(&game, "red_army").is_none());
        assert_eq!(province::<Populace>(&game, "a").population, 104000.0);
    }

    #[test]
    fn drafts_join_the_army_they_were_called_up_for() {
        // Red calls up 3,000 men at A for its army at B; the levy army of A never takes the field.
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "b", troops: {"infantry": 5000})"#,
            r#"events: [Event(id: "call", title: "Call", faction: "red", options: [Option(id: "go", name: "Go", effects: [
                Levy(faction: "red", province: "a", men: 3000, kind: "cavalry", join: "red_army")])])],"#,
        );
        s.factions[0].levy = Some("infantry".to_string());
        s.rules.levy_months = 0.0;
        let mut game = sim_with_humans(s, 1, &["red", "blue"]);
        game.step();
        game.answer(0, 0);
        game.step();
        let troops = army::<Troops>(&game, "red_army").expect("in the field");
        assert!(troops.total() >= 7_900.0, "the drafts joined: {troops:?}");
        assert!(troops.men()[game.data().ids.troop_kind("cavalry")] >= 2_900.0, "as horsemen: {troops:?}");
        assert!(army::<crate::sim::state::Army>(&game, "a_levy").is_none(), "no levy army of their own");
    }
}
