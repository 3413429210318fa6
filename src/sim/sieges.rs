//! Sieges: walls, garrisons and city stores.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::effects::ApplyEffect;
use super::ids::Data;
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::Effect;

/// A city's defences and the grain in its stores.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Defences {
    /// 0-10.
    pub walls: f64,
    pub garrison: f64,
    pub grain: f64,
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
    mut defences: Query<&mut Defences>,
) {
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::AdjustProvince {
                province,
                walls,
                garrison,
                grain,
                ..
            } => {
                if let Ok(mut d) = defences.get_mut(entities.province(data.province(province))) {
                    d.walls = (d.walls + *walls as f64).clamp(0.0, 10.0);
                    d.garrison = (d.garrison + *garrison as f64).max(0.0);
                    d.grain = (d.grain + *grain as f64).max(0.0);
                }
            }
            Effect::Loot {
                province, share, ..
            } => {
                if let Ok(mut d) = defences.get_mut(entities.province(data.province(province))) {
                    d.grain *= 1.0 - share;
                }
            }
            _ => {}
        }
    }
}
