//! Characters: rulers, ministers and commanders, their allegiance, roles, loyalty and fate.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use serde::{Deserialize, Serialize};

use super::armies::{Army, Troops};
use super::battles::CommanderCaptured;
use super::chronicle::ChronicleWriter;
use super::diplomacy::Relations;
use super::effects::ApplyEffect;
use super::ids::ProvinceIx;
use super::ids::{CharacterIx, Data, FactionIx, Static};
use super::morale::Standing;
use super::rng::SimRng;
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::{Effect, Role};

/// Where a character is in the story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Not yet in play.
    Waiting,
    Active,
    Exiled,
    /// Held prisoner by an enemy.
    Captive,
    Dead,
}

/// A character's allegiance, roles, loyalty and status.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub ix: CharacterIx,
    pub faction: Option<FactionIx>,
    pub roles: Vec<Role>,
    /// 0-100.
    pub loyalty: f64,
    pub status: Status,
}

impl Person {
    /// Alive and in play.
    pub fn is_active(&self) -> bool {
        self.status == Status::Active
    }
}

/// Who rules a faction.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ruler(pub Option<CharacterIx>);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Characters));
    app.add_systems(
        Turn,
        take_prisoners
            .in_set(TurnSystems::Battles)
            .after(super::battles::BattleSystems)
            .run_if(on_message::<CommanderCaptured>),
    );
    app.add_systems(Turn, court_month.in_set(TurnSystems::Morale).after(super::morale::MoraleSystems));
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

/// The characters' month: loyalties drift, then disloyal commanders consider going over. One
/// system, as both read the same people.
#[allow(clippy::too_many_arguments)]
fn court_month(
    data: Static,
    relations: Res<Relations>,
    entities: Res<Entities>,
    standings: Query<(&FactionIx, &Standing)>,
    mut people: Query<&mut Person>,
    armies: Query<(&Army, &Troops)>,
    mut rng: ResMut<SimRng>,
    mut defect: MessageWriter<ApplyEffect>,
    mut scratch: Local<Scratch>,
) {
    let Scratch { legitimacy, present } = &mut *scratch;
    drift_loyalty(&data, &entities, &standings, &mut people, legitimacy);
    consider_defection(&data, &relations, &entities, &people, &armies, &mut rng, &mut defect, present);
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

/// Loyalty follows the faction's fortunes (its legitimacy) and the character's own traits.
fn drift_loyalty(
    data: &Data,
    entities: &Entities,
    standings: &Query<(&FactionIx, &Standing)>,
    people: &mut Query<&mut Person>,
    legitimacy: &mut Vec<f64>,
) {
    let rules = data.rules();
    super::world::refill(legitimacy, entities.factions.len(), 50.0);
    standings.iter().for_each(|(faction, standing)| legitimacy[faction.get()] = standing.legitimacy);
    // Each character's loyalty moves on its own: the order does not matter.
    people.iter_mut().for_each(|mut p| {
        let (Some(f), true) = (p.faction, p.is_active()) else { return };
        let drift =
            data.character_traits[p.ix.get()].loyalty + rules.loyalty_drift * (legitimacy[f.get()] - 50.0) / 10.0;
        p.loyalty = (p.loyalty + drift).clamp(0.0, 100.0);
    });
}

/// A disloyal commander facing an enemy nearby may go over to it with his army (next month).
#[allow(clippy::too_many_arguments)]
fn consider_defection(
    data: &Data,
    relations: &Relations,
    entities: &Entities,
    people: &Query<&mut Person>,
    armies: &Query<(&Army, &Troops)>,
    rng: &mut SimRng,
    defect: &mut MessageWriter<ApplyEffect>,
    present: &mut Vec<(Army, f64)>,
) {
    let rules = data.rules();
    super::world::gather_into(present, armies.iter().map(|(a, t)| (*a, t.total())));
    present.sort_unstable_by_key(|(a, _)| a.ix);
    for (army, men) in present.iter() {
        let Some(c) = army.commander else { continue };
        let Ok(p) = people.get(entities.character(c)) else { continue };
        if !p.is_active() || p.loyalty >= rules.defection_loyalty || *men <= 0.0 {
            continue;
        }
        let near =
            |q: ProvinceIx| q == army.location || data.neighbours[army.location.get()].iter().any(|(n, _)| *n == q);
        let enemy = present
            .iter()
            .find(|(other, n)| *n > 0.0 && near(other.location) && relations.at_war(other.owner, army.owner))
            .map(|(other, _)| other.owner);
        let Some(enemy) = enemy else { continue };
        if rng.chance(rules.defection_chance * (1.0 - p.loyalty / rules.defection_loyalty.max(1.0))) {
            defect.write(ApplyEffect(Effect::Defect {
                character: data.scenario.characters[c.get()].id.clone(),
                to: data.faction_id(enemy).to_string(),
                with_army: true,
            }));
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
    for ApplyEffect(effect) in effects.read() {
        let person = |id: &str| entities.character(data.character(id));
        match effect {
            Effect::Appoint { character, role } => {
                if let Ok(mut p) = people.get_mut(person(character))
                    && !p.roles.contains(role)
                {
                    p.roles.push(*role);
                }
            }
            Effect::Dismiss { character, role } => {
                if let Ok(mut p) = people.get_mut(person(character)) {
                    p.roles.retain(|r| r != role);
                }
            }
            Effect::Exile(character) | Effect::Execute(character) => {
                let exiled = matches!(effect, Effect::Exile(_));
                if let Ok(mut p) = people.get_mut(person(character)) {
                    p.status = if exiled { Status::Exiled } else { Status::Dead };
                    p.roles.clear();
                    let verb = if exiled { "is sent into exile" } else { "is put to death" };
                    chronicle.write(|| format!("{} {verb}.", data.character_name(p.ix)));
                }
            }
            Effect::Activate(character) => {
                if let Ok(mut p) = people.get_mut(person(character))
                    && p.status == Status::Waiting
                {
                    p.status = Status::Active;
                }
            }
            Effect::Defect { character, to, .. } => {
                if let Ok(mut p) = people.get_mut(person(character)) {
                    let to = data.faction(to);
                    p.faction = Some(to);
                    p.loyalty = 60.0;
                    chronicle
                        .write(|| format!("{} goes over to {}.", data.character_name(p.ix), data.faction_name(to)));
                }
            }
            Effect::SetRuler { faction, character } => {
                let (f, c) = (data.faction(faction), data.character(character));
                if let Ok(mut r) = rulers.get_mut(entities.faction(f)) {
                    let old = r.0.replace(c);
                    if let Some(old) = old.filter(|o| *o != c)
                        && let Ok(mut p) = people.get_mut(entities.character(old))
                    {
                        p.roles.retain(|r| *r != Role::Ruler);
                    }
                }
                if let Ok(mut p) = people.get_mut(entities.character(c)) {
                    p.faction = Some(f);
                    p.status = Status::Active;
                    if !p.roles.contains(&Role::Ruler) {
                        p.roles.push(Role::Ruler);
                    }
                }
                chronicle.write(|| format!("{} now rules {}.", data.character_name(c), data.faction_name(f)));
            }
            Effect::Loyalty { character, add } => {
                if let Ok(mut p) = people.get_mut(person(character)) {
                    p.loyalty = (p.loyalty + *add as f64).clamp(0.0, 100.0);
                }
            }
            _ => {}
        }
    }
}
