//! Morale: a faction's legitimacy and court cohesion.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::effects::ApplyEffect;
use super::ids::Data;
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::Effect;

/// A faction's mandate and how well its court holds together, each 0-100.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub legitimacy: f64,
    pub cohesion: f64,
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Turn,
        apply_effects
            .in_set(TurnSystems::Effects)
            .in_set(EffectOrder::Others),
    );
}

fn apply_effects(
    mut effects: MessageReader<ApplyEffect>,
    data: Res<Data>,
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
