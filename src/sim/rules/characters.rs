//! Characters: loyalty follows the faction's fortunes; disloyal commanders go over to the enemy;
//! beaten commanders are taken prisoner; events appoint, dismiss, exile, execute and crown.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use bevy_ecs::system::SystemParam;

use crate::scenario::Role;
use crate::sim::collect::{gather_into, refill};
use crate::sim::compiled::Command;
use crate::sim::data::{Static, StaticData};
use crate::sim::ids::FactionIx;
use crate::sim::schedule::{BattleSystems, EffectSystems, MoraleSystems, Turn};
use crate::sim::state::{
    ApplyEffect, Army, ChronicleWriter, CommanderCaptured, Entities, Person, Relations, Ruler, SimRng, Standing,
    Status, Troops,
};
use crate::sim::units::{MIDDLE, TEN_POINTS, points};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectSystems::Characters));
    app.add_systems(Turn, take_prisoners.in_set(BattleSystems::Prisoners).run_if(on_message::<CommanderCaptured>));
    app.add_systems(Turn, court_month.in_set(MoraleSystems::Court));
}

fn take_prisoners(
    mut captured: MessageReader<CommanderCaptured>,
    entities: Res<Entities>,
    mut people: Query<&mut Person>,
) {
    for c in captured.read() {
        if let Ok(mut p) = people.get_mut(entities.character(c.character)) {
            p.status = Status::Captive;
        }
    }
}

/// What the court's month reads.
#[derive(SystemParam)]
struct Court<'w, 's> {
    data: Static<'s>,
    relations: Res<'w, Relations>,
    entities: Res<'w, Entities>,
    standings: Query<'w, 's, (&'static FactionIx, &'static Standing)>,
    armies: Query<'w, 's, (&'static Army, &'static Troops)>,
}

/// The characters' month: loyalties drift, then disloyal commanders consider going over. One
/// system, as both read the same people.
fn court_month(
    court: Court,
    mut people: Query<&mut Person>,
    mut rng: ResMut<SimRng>,
    mut defect: MessageWriter<ApplyEffect>,
    mut scratch: Local<Scratch>,
) {
    let Scratch { legitimacy, present } = &mut *scratch;
    drift_loyalty(&court, &mut people, legitimacy);
    consider_defection(&court, &people, &mut rng, &mut defect, present);
}

/// The month's reading of factions and armies, kept from month to month so that a month
/// allocates nothing.
#[derive(Default)]
struct Scratch {
    /// Each faction's legitimacy.
    legitimacy: Vec<f64>,
    /// Each army and its men, in army order.
    present: Vec<(Army, f64)>,
}

/// Loyalty follows the faction's fortunes (`loyalty_drift` per ten points of legitimacy away from
/// the middle) and the character's own traits.
fn drift_loyalty(court: &Court, people: &mut Query<&mut Person>, legitimacy: &mut Vec<f64>) {
    let Court { data, entities, standings, .. } = court;
    let rules = data.rules();
    refill(legitimacy, entities.factions.len(), MIDDLE);
    standings.iter().for_each(|(faction, standing)| legitimacy[faction.get()] = standing.legitimacy);
    // Each character's loyalty moves on its own: the order does not matter.
    people.iter_mut().for_each(|mut p| {
        let (Some(f), true) = (p.faction, p.is_active()) else { return };
        let drift = data.character_traits[p.ix.get()].loyalty
            + rules.loyalty_drift * (legitimacy[f.get()] - MIDDLE) / TEN_POINTS;
        p.loyalty = points(p.loyalty + drift);
    });
}

/// A disloyal commander facing an enemy nearby may go over to it with his army (next month).
fn consider_defection(
    court: &Court,
    people: &Query<&mut Person>,
    rng: &mut SimRng,
    defect: &mut MessageWriter<ApplyEffect>,
    present: &mut Vec<(Army, f64)>,
) {
    let Court { data, relations, entities, armies, .. } = court;
    let rules = data.rules();
    gather_into(present, armies.iter().map(|(a, t)| (*a, t.total())));
    present.sort_unstable_by_key(|(a, _)| a.ix);
    for (army, men) in present.iter() {
        let Some(c) = army.commander else { continue };
        let Ok(p) = people.get(entities.character(c)) else { continue };
        if !p.is_active() || p.loyalty >= rules.defection_loyalty || *men <= 0.0 {
            continue;
        }
        let enemy = present
            .iter()
            .find(|(other, n)| {
                *n > 0.0 && data.adjacent(army.location, other.location) && relations.at_war(other.owner, army.owner)
            })
            .map(|(other, _)| other.owner);
        let Some(enemy) = enemy else { continue };
        if rng.chance(rules.defection_chance * (1.0 - p.loyalty / rules.defection_loyalty.max(1.0))) {
            defect.write(ApplyEffect(Command::Defect { character: c, to: enemy, with_army: true }));
        }
    }
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    entities: Res<Entities>,
    mut people: Query<&mut Person>,
    mut rulers: Query<&mut Ruler>,
    mut chronicle: ChronicleWriter,
) {
    for ApplyEffect(command) in effects.read() {
        match *command {
            Command::Appoint { character, role } => {
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && !p.roles.contains(&role)
                {
                    p.roles.push(role);
                }
            }
            Command::Dismiss { character, role } => {
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.roles.retain(|r| *r != role);
                }
            }
            Command::Exile(character) | Command::Execute(character) => {
                let exiled = matches!(command, Command::Exile(_));
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.status = if exiled { Status::Exiled } else { Status::Dead };
                    p.roles.clear();
                    let verb = if exiled { "is sent into exile" } else { "is put to death" };
                    chronicle.write(|| format!("{} {verb}.", data.character_name(p.ix)));
                }
            }
            Command::Activate(character) => {
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && p.status == Status::Waiting
                {
                    p.status = Status::Active;
                }
            }
            Command::Defect { character, to, .. } => {
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.faction = Some(to);
                    p.loyalty = data.rules().defector_loyalty;
                    chronicle
                        .write(|| format!("{} goes over to {}.", data.character_name(p.ix), data.faction_name(to)));
                }
            }
            Command::SetRuler { faction, character } => {
                crown(&data, &entities, &mut people, &mut rulers, faction, character, &mut chronicle)
            }
            Command::Release(character) | Command::Ransom { character, .. } => {
                if let Ok(mut p) = people.get_mut(entities.character(character))
                    && p.status == Status::Captive
                {
                    p.status = Status::Active;
                    chronicle.write(|| format!("{} is set free.", data.character_name(p.ix)));
                }
            }
            Command::Loyalty { character, add } => {
                if let Ok(mut p) = people.get_mut(entities.character(character)) {
                    p.loyalty = points(p.loyalty + add);
                }
            }
            _ => {}
        }
    }
}

/// `character` now rules `faction`: the old ruler loses the role, the new one takes it.
fn crown(
    data: &StaticData,
    entities: &Entities,
    people: &mut Query<&mut Person>,
    rulers: &mut Query<&mut Ruler>,
    faction: FactionIx,
    character: crate::sim::ids::CharacterIx,
    chronicle: &mut ChronicleWriter,
) {
    if let Ok(mut r) = rulers.get_mut(entities.faction(faction)) {
        let old = r.0.replace(character);
        if let Some(old) = old.filter(|o| *o != character)
            && let Ok(mut p) = people.get_mut(entities.character(old))
        {
            p.roles.retain(|r| *r != Role::Ruler);
        }
    }
    if let Ok(mut p) = people.get_mut(entities.character(character)) {
        p.faction = Some(faction);
        p.status = Status::Active;
        if !p.roles.contains(&Role::Ruler) {
            p.roles.push(Role::Ruler);
        }
    }
    chronicle.write(|| format!("{} now rules {}.", data.character_name(character), data.faction_name(faction)));
}
