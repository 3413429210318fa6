//! Morale: a faction's legitimacy and court cohesion.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::armies::{Army, Spirit, Troops};
use super::battles::BattleFought;
use super::calendar::Calendar;
use super::characters::Person;
use super::diplomacy::PeaceSigned;
use super::economy::Payroll;
use super::effects::ApplyEffect;
use super::events::Players;
use super::ids::{Data, FactionIx, Static};
use super::map::{Capital, ProvinceTransferred};
use super::sieges::Sieges;
use super::world::{Entities, refill};
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::{Effect, Role};

/// A faction's mandate and how well its court holds together, each 0-100.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub legitimacy: f64,
    pub cohesion: f64,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Morale));
    systems_plugin(app);
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    entities: Res<Entities>,
    mut standings: Query<&mut Standing>,
) {
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::Legitimacy { faction, add } => {
                if let Ok(mut s) = standings.get_mut(entities.faction(data.faction(faction))) {
                    s.legitimacy = (s.legitimacy + *add as f64).clamp(0.0, 100.0);
                }
            }
            Effect::Cohesion { faction, add } => {
                if let Ok(mut s) = standings.get_mut(entities.faction(data.faction(faction))) {
                    s.cohesion = (s.cohesion + *add as f64).clamp(0.0, 100.0);
                }
            }
            _ => {}
        }
    }
}

/// Army morale: drift toward what its leadership sustains, pay, desertion. Faction legitimacy:
/// defeats, lost provinces (the capital above all), and the court's traits.
pub(super) fn systems_plugin(app: &mut App) {
    app.add_systems(Turn, morale_month.in_set(TurnSystems::Morale).in_set(MoraleSystems));
}

/// The morale system, which the characters' loyalty follows: it reads the month's legitimacy.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoraleSystems;

/// The month's spirits: each army's morale, then each faction's standing. One system: they touch
/// different things, so the order is free, and one system costs less than two.
#[allow(clippy::too_many_arguments)]
fn morale_month(
    data: Static,
    players: Res<Players>,
    entities: Res<Entities>,
    sieges: Res<Sieges>,
    calendar: Res<Calendar>,
    payrolls: Query<(&FactionIx, &Payroll)>,
    mut armies: Query<(&Army, &mut Troops, &mut Spirit)>,
    mut news: News,
    people: Query<&Person>,
    mut factions: Query<(&FactionIx, &mut Standing, &Capital)>,
    mut tally: Local<Tally>,
) {
    army_morale(&data, &players, &entities, &payrolls, &sieges, &calendar, &mut armies, &mut tally);
    faction_morale(&data, &entities, &mut news, &people, &mut factions, &mut tally);
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

/// What moved a faction's standing this month.
#[derive(bevy_ecs::system::SystemParam)]
struct News<'w, 's> {
    battles: MessageReader<'w, 's, BattleFought>,
    transfers: MessageReader<'w, 's, ProvinceTransferred>,
    peaces: MessageReader<'w, 's, PeaceSigned>,
}

#[allow(clippy::too_many_arguments)]
fn army_morale(
    data: &Data,
    players: &Players,
    entities: &Entities,
    payrolls: &Query<(&FactionIx, &Payroll)>,
    sieges: &Sieges,
    calendar: &Calendar,
    armies: &mut Query<(&Army, &mut Troops, &mut Spirit)>,
    tally: &mut Tally,
) {
    let rules = data.rules();
    let unpaid = &mut tally.unpaid;
    refill(unpaid, entities.factions.len(), false);
    payrolls.iter().for_each(|(faction, payroll)| unpaid[faction.get()] = payroll.unpaid);
    // Each army's morale moves on its own: the order does not matter.
    armies.iter_mut().for_each(|(army, mut troops, mut spirit)| {
        if troops.total() <= 0.0 {
            return;
        }
        let leader = army.commander.map(|c| data.character_traits[c.get()]);
        let target = rules.base_morale
            + leader.map_or(-5.0, |l| l.army_morale + (l.command - 5.0) * 2.0)
            + data.faction_traits[army.owner.get()].army_morale;
        let bonus = if players.is_human(army.owner) { 1.0 } else { rules.ai_bonus };
        spirit.morale += (target.clamp(0.0, 100.0) - spirit.morale) * (rules.morale_recovery * bonus).min(1.0);
        if unpaid[army.owner.get()] {
            spirit.morale -= rules.unpaid_morale;
        }
        // Shut inside a besieged city, or camped before one in winter.
        match sieges.0[army.location.get()] {
            Some(siege) if siege.besieger != army.owner => spirit.morale -= rules.siege_morale,
            Some(_) if calendar.is_winter() => spirit.morale -= rules.siege_morale,
            _ => {}
        }
        spirit.morale = spirit.morale.clamp(0.0, 100.0);
        if spirit.morale < rules.desertion_morale {
            troops.lose_share(rules.desertion);
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn faction_morale(
    data: &Data,
    entities: &Entities,
    news: &mut News,
    people: &Query<&Person>,
    factions: &mut Query<(&FactionIx, &mut Standing, &Capital)>,
    tally: &mut Tally,
) {
    let News { battles, transfers, peaces } = news;
    let Tally { change, counsel, court, .. } = tally;
    let rules = data.rules();
    refill(change, entities.factions.len(), 0.0);
    for b in battles.read() {
        change[b.loser.get()] -= rules.defeat_legitimacy * if b.rout { 1.5 } else { 1.0 };
        change[b.winner.get()] += rules.defeat_legitimacy / 2.0;
    }
    for t in transfers.read() {
        if let Some(from) = t.from {
            let capital = factions.get(entities.faction(from)).is_ok_and(|(.., c)| c.0 == Some(t.province));
            change[from.get()] -= rules.province_loss_legitimacy * if capital { 5.0 } else { 1.0 };
        }
        change[t.to.get()] += rules.province_loss_legitimacy / 2.0;
    }
    for peace in peaces.read() {
        change[peace.payer.get()] -= 5.0 + 3.0 * peace.ceded as f64;
    }
    // Ministers' and rulers' traits, gathered by character and added up in character order.
    refill(counsel, entities.characters.len(), None);
    people.iter().for_each(|p| {
        let (Some(f), true) = (p.faction, p.is_active()) else { return };
        if p.roles.contains(&Role::Minister) || p.roles.contains(&Role::Ruler) {
            counsel[p.ix.get()] = Some(f);
        }
    });
    refill(court, entities.factions.len(), (0.0, 0.0));
    for (c, f) in counsel.iter().enumerate() {
        if let Some(f) = f {
            let t = data.character_traits[c];
            court[f.get()].0 += t.legitimacy;
            court[f.get()].1 += t.cohesion;
        }
    }
    // Each faction's standing moves on its own: the order does not matter.
    factions.iter_mut().for_each(|(faction, mut s, _)| {
        let i = faction.get();
        let traits = data.faction_traits[i];
        // Without news, good or bad, people's feelings about their rulers settle back toward the middle.
        let settle = |x: f64| rules.standing_drift * (50.0 - x);
        s.legitimacy =
            (s.legitimacy + change[i] + traits.legitimacy + court[i].0 + settle(s.legitimacy)).clamp(0.0, 100.0);
        s.cohesion = (s.cohesion + traits.cohesion + court[i].1 + settle(s.cohesion)).clamp(0.0, 100.0);
    });
}
