//! Morale: armies' morale and desertion; factions' legitimacy and court cohesion.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use crate::sim::collect::refill;
use crate::sim::compiled::Command;
use crate::sim::data::{Static, StaticData};
use crate::sim::ids::{CharacterIx, FactionIx};
use crate::sim::schedule::{EffectSystems, MoraleSystems, Turn};
use crate::sim::state::{
    ApplyEffect, Army, BattleFought, Calendar, Capital, CharacterTraits, Entities, Payroll, PeaceSigned, Person,
    Players, ProvinceTransferred, Sieges, Spirit, Standing, Troops,
};
use crate::sim::units::{AVERAGE_SKILL, MIDDLE, points};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Morale));
    app.add_systems(Turn, morale_month.in_set(MoraleSystems::Spirits));
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    entities: Res<Entities>,
    mut standings: Query<&mut Standing>,
) {
    for ApplyEffect(command) in effects.read() {
        match *command {
            Command::Legitimacy { faction, add } => {
                if let Ok(mut s) = standings.get_mut(entities.faction(faction)) {
                    s.legitimacy = points(s.legitimacy + add);
                }
            }
            Command::Cohesion { faction, add } => {
                if let Ok(mut s) = standings.get_mut(entities.faction(faction)) {
                    s.cohesion = points(s.cohesion + add);
                }
            }
            _ => {}
        }
    }
}

/// What the month's spirits read.
#[derive(SystemParam)]
struct Spirits<'w, 's> {
    data: Static<'s>,
    players: Res<'w, Players>,
    entities: Res<'w, Entities>,
    sieges: Res<'w, Sieges>,
    calendar: Res<'w, Calendar>,
    traits: Res<'w, CharacterTraits>,
    payrolls: Query<'w, 's, (&'static FactionIx, &'static Payroll)>,
    people: Query<'w, 's, &'static Person>,
}

/// What moved a faction's standing this month.
#[derive(SystemParam)]
struct News<'w, 's> {
    battles: MessageReader<'w, 's, BattleFought>,
    transfers: MessageReader<'w, 's, ProvinceTransferred>,
    peaces: MessageReader<'w, 's, PeaceSigned>,
}

/// The month's spirits: each army's morale, then each faction's standing. One system: they touch
/// different things, so the order is free, and one system costs less than two.
fn morale_month(
    spirits: Spirits,
    mut news: News,
    mut armies: Query<(&Army, &mut Troops, &mut Spirit)>,
    mut factions: Query<(&FactionIx, &mut Standing, &Capital)>,
    mut tally: Local<Tally>,
) {
    army_morale(&spirits, &mut armies, &mut tally);
    faction_morale(&spirits, &mut news, &mut factions, &mut tally);
}

/// The month's reckoning by faction and character, kept from month to month so that a month
/// allocates nothing.
#[derive(Default)]
struct Tally {
    /// Whether each faction left its armies unpaid.
    unpaid: Vec<bool>,
    /// Each faction's change of legitimacy from the month's news.
    change: Vec<f64>,
    /// The faction each active minister or ruler counsels.
    counsel: Vec<Option<FactionIx>>,
    /// Each faction's court's legitimacy and cohesion.
    court: Vec<(f64, f64)>,
}

/// Each army's morale drifts toward what its leadership sustains (`morale_recovery` of the gap,
/// times the difficulty for the AI); pay missing (and `unpaid_desertion` of the men), a siege and
/// a low morale's desertion cost it.
fn army_morale(spirits: &Spirits, armies: &mut Query<(&Army, &mut Troops, &mut Spirit)>, tally: &mut Tally) {
    let Spirits { data, players, entities, sieges, calendar, traits, payrolls, .. } = spirits;
    let rules = data.rules();
    let unpaid = &mut tally.unpaid;
    refill(unpaid, entities.factions.len(), false);
    payrolls.iter().for_each(|(faction, payroll)| unpaid[faction.get()] = payroll.unpaid);
    // Each army's morale moves on its own: the order does not matter.
    armies.iter_mut().for_each(|(army, mut troops, mut spirit)| {
        if troops.total() <= 0.0 {
            return;
        }
        let target = sustained_morale(data, traits, army);
        let bonus = if players.is_human(army.owner) { 1.0 } else { rules.ai_bonus };
        spirit.morale += (points(target) - spirit.morale) * (rules.morale_recovery * bonus).min(1.0);
        if unpaid[army.owner.get()] {
            spirit.morale -= rules.unpaid_morale;
            // Unpaid men go home, whatever their spirit.
            troops.lose_share(rules.unpaid_desertion);
        }
        // Shut inside a besieged city, or camped before one in winter.
        match sieges.0[army.location.get()] {
            Some(siege) if siege.besieger != army.owner => spirit.morale -= rules.siege_morale,
            Some(_) if data.is_winter(calendar.date) => spirit.morale -= rules.siege_morale,
            _ => {}
        }
        spirit.morale = points(spirit.morale);
        if spirit.morale < rules.desertion_morale {
            troops.lose_share(rules.desertion);
        }
    });
}

/// The morale an army's leadership sustains: `base_morale`, plus its commander's traits and
/// `commander_morale` a point of his skill above the average (less `leaderless_morale` without
/// one), plus its faction's traits.
fn sustained_morale(data: &StaticData, traits: &CharacterTraits, army: &Army) -> f64 {
    let rules = data.rules();
    let leader = army.commander.map(|c| traits.of(c));
    rules.base_morale
        + leader
            .map_or(-rules.leaderless_morale, |l| l.army_morale + (l.command - AVERAGE_SKILL) * rules.commander_morale)
        + data.faction_traits[army.owner.get()].army_morale
}

/// Each faction's legitimacy and cohesion: the month's battles, provinces and peaces, the traits
/// of its court, and a settling back toward the middle.
fn faction_morale(
    spirits: &Spirits,
    news: &mut News,
    factions: &mut Query<(&FactionIx, &mut Standing, &Capital)>,
    tally: &mut Tally,
) {
    let Spirits { data, entities, traits, people, .. } = spirits;
    let Tally { change, counsel, court, .. } = tally;
    let rules = data.rules();
    refill(change, entities.factions.len(), 0.0);
    read_news(data, entities, news, factions, change);
    // Ministers' and rulers' traits, gathered by character and added up in character order.
    refill(counsel, entities.characters.len(), None);
    people.iter().for_each(|p| {
        if let (Some(f), true) = (p.faction, p.counsels()) {
            counsel[p.ix.get()] = Some(f);
        }
    });
    refill(court, entities.factions.len(), (0.0, 0.0));
    for (c, f) in CharacterIx::all(counsel.len()).zip(counsel.iter()) {
        if let Some(f) = f {
            let t = traits.of(c);
            court[f.get()].0 += t.legitimacy;
            court[f.get()].1 += t.cohesion;
        }
    }
    // Each faction's standing moves on its own: the order does not matter.
    factions.iter_mut().for_each(|(faction, mut s, _)| {
        let i = faction.get();
        let traits = data.faction_traits[i];
        // Without news, good or bad, people's feelings about their rulers settle back toward the middle.
        let settle = |x: f64| rules.standing_drift * (MIDDLE - x);
        s.legitimacy = points(s.legitimacy + change[i] + traits.legitimacy + court[i].0 + settle(s.legitimacy));
        s.cohesion = points(s.cohesion + traits.cohesion + court[i].1 + settle(s.cohesion));
    });
}

/// Each faction's change of legitimacy from the month's news, into `change`: battles lost and won
/// (a rout costs more), provinces lost and taken (the capital costs more), peaces paid for.
fn read_news(
    data: &StaticData,
    entities: &Entities,
    news: &mut News,
    factions: &Query<(&FactionIx, &mut Standing, &Capital)>,
    change: &mut [f64],
) {
    let rules = data.rules();
    for b in news.battles.read() {
        change[b.loser.get()] -= rules.defeat_legitimacy * if b.rout { rules.rout_legitimacy } else { 1.0 };
        change[b.winner.get()] += rules.defeat_legitimacy * rules.victory_legitimacy;
    }
    for t in news.transfers.read() {
        if let Some(from) = t.from {
            let capital = factions.get(entities.faction(from)).is_ok_and(|(.., c)| c.0 == Some(t.province));
            change[from.get()] -= rules.province_loss_legitimacy * if capital { rules.capital_legitimacy } else { 1.0 };
        }
        change[t.to.get()] += rules.province_loss_legitimacy * rules.conquest_legitimacy;
    }
    for peace in news.peaces.read() {
        change[peace.payer.get()] -= rules.peace_legitimacy + rules.cession_legitimacy * peace.ceded as f64;
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::state::{CharacterTraits, Spirit, Standing};
    use crate::sim::testing::{army, faction, scenario, sim_with_humans};

    /// Red's ruler, who leads Red's army, is given a trait that heartens his men and his people
    /// in the first month, or is not.
    fn crowned(gift: bool) -> crate::sim::Sim {
        let effects = if gift { r#"AddTrait(character: "red_general", trait: "beloved")"# } else { "" };
        let extra = format!(
            r#"traits: [Trait(id: "beloved", name: "Beloved", modifiers: [ArmyMorale(20), Legitimacy(2)])],
            events: [Event(id: "gift", title: "Gift", faction: "blue", options: [Option(id: "o", name: "O", effects: [{effects}])])],"#
        );
        let mut s = scenario(
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", commander: Some("red_general"), troops: {"infantry": 1000}, morale: 50)"#,
            &extra,
        );
        s.characters[0].roles.push(crate::scenario::Role::Ruler);
        s.factions[0].ruler = Some("red_general".into());
        // Red gives no orders; Blue's AI answers the event at once.
        sim_with_humans(s, 1, &["red"])
    }

    #[test]
    fn a_ruler_s_new_trait_heartens_his_army_and_his_court_from_that_month() {
        let (mut plain, mut gifted) = (crowned(false), crowned(true));
        plain.step();
        gifted.step();
        let general = gifted.data().character("red_general");
        assert_eq!(gifted.world().resource::<CharacterTraits>().of(general).army_morale, 20.0);
        let morale = |game: &crate::sim::Sim| army::<Spirit>(game, "red_army").expect("in the field").morale;
        assert!(morale(&gifted) > morale(&plain), "{} against {}", morale(&gifted), morale(&plain));
        let legitimacy = |game: &crate::sim::Sim| faction::<Standing>(game, "red").legitimacy;
        let gain = legitimacy(&gifted) - legitimacy(&plain);
        assert!((gain - 2.0).abs() < 1e-9, "the ruler's trait adds its 2 points a month: {gain}");
    }
}
