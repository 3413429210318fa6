//! Armies: who owns them, where they stand, who leads them, their men and condition.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::chronicle::Chronicled;
use super::effects::ApplyEffect;
use super::ids::{ArmyIx, CharacterIx, Data, FactionIx, ProvinceIx};
use super::world::Entities;
use super::{EffectOrder, Turn, TurnSystems};
use crate::scenario::{self, Effect};

/// An army: index, owner, location and commander.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Army {
    pub ix: ArmyIx,
    pub owner: FactionIx,
    pub location: ProvinceIx,
    pub commander: Option<CharacterIx>,
}

/// Men by troop kind, in the scenario's `troop_kinds` order.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Troops(pub Vec<f64>);

impl Troops {
    /// Troops from a scenario's `{kind: men}` map.
    pub fn from_scenario(data: &Data, troops: &std::collections::BTreeMap<String, i64>) -> Self {
        let mut men = vec![0.0; data.scenario.troop_kinds.len()];
        for (kind, n) in troops {
            men[data.troop_kinds[kind]] += *n as f64;
        }
        Self(men)
    }

    /// All men.
    pub fn total(&self) -> f64 {
        self.0.iter().sum()
    }

    /// Monthly pay, thousands of taels.
    pub fn upkeep(&self, data: &Data) -> f64 {
        self.0
            .iter()
            .zip(&data.scenario.troop_kinds)
            .map(|(men, kind)| men / 1000.0 * kind.upkeep)
            .sum()
    }
}

/// An army's morale (0-100), supply (0-100) and the grain it carries.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spirit {
    pub morale: f64,
    pub supply: f64,
    pub grain: f64,
}

/// Everything an army entity is made of.
#[derive(Bundle)]
pub struct ArmyBundle {
    pub army: Army,
    pub troops: Troops,
    pub spirit: Spirit,
}

impl ArmyBundle {
    /// An army as the scenario describes it.
    pub fn from_scenario(data: &Data, a: &scenario::Army) -> Self {
        Self {
            army: Army {
                ix: data.army(&a.id),
                owner: data.faction(&a.owner),
                location: data.province(&a.location),
                commander: a.commander.as_deref().map(|c| data.character(c)),
            },
            troops: Troops::from_scenario(data, &a.troops),
            spirit: Spirit {
                morale: a.morale as f64,
                supply: a.supply as f64,
                grain: a.grain as f64,
            },
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Turn,
        apply_effects
            .in_set(TurnSystems::Effects)
            .in_set(EffectOrder::Others),
    );
}

#[allow(clippy::too_many_arguments)]
fn apply_effects(
    mut commands: Commands,
    mut effects: MessageReader<ApplyEffect>,
    data: Res<Data>,
    mut entities: ResMut<Entities>,
    mut armies: Query<(&mut Army, &mut Troops, &mut Spirit)>,
    mut chronicle: MessageWriter<Chronicled>,
) {
    for ApplyEffect(effect) in effects.read() {
        match effect {
            Effect::SpawnArmy(a) => {
                let ix = data.army(&a.id);
                if entities.army(ix).is_some() {
                    continue;
                }
                let e = commands.spawn(ArmyBundle::from_scenario(&data, a)).id();
                entities.armies[ix.get()] = Some(e);
                chronicle.write(Chronicled(format!(
                    "{} takes the field at {}.",
                    a.name,
                    data.province_name(data.province(&a.location))
                )));
            }
            Effect::DisbandArmy(id) => {
                let ix = data.army(id);
                if let Some(e) = entities.army(ix) {
                    commands.entity(e).despawn();
                    entities.armies[ix.get()] = None;
                }
            }
            Effect::Reinforce { army, troops } => {
                if let Some(Ok((_, mut men, _))) =
                    entities.army(data.army(army)).map(|e| armies.get_mut(e))
                {
                    for (kind, n) in troops {
                        let slot = &mut men.0[data.troop_kinds[kind]];
                        *slot = (*slot + *n as f64).max(0.0);
                    }
                }
            }
            Effect::ArmyMorale { army, add } => {
                if let Some(Ok((_, _, mut spirit))) =
                    entities.army(data.army(army)).map(|e| armies.get_mut(e))
                {
                    spirit.morale = (spirit.morale + *add as f64).clamp(0.0, 100.0);
                }
            }
            Effect::SetCommander { army, character } => {
                if let Some(Ok((mut a, _, _))) =
                    entities.army(data.army(army)).map(|e| armies.get_mut(e))
                {
                    a.commander = Some(data.character(character));
                }
            }
            Effect::Defect {
                character,
                to,
                with_army: true,
            } => {
                let (c, to) = (data.character(character), data.faction(to));
                for e in entities.armies.iter().flatten() {
                    if let Ok((mut a, _, _)) = armies.get_mut(*e) {
                        if a.commander == Some(c) {
                            a.owner = to;
                        }
                    }
                }
            }
            Effect::Defect {
                character,
                with_army: false,
                ..
            }
            | Effect::Exile(character)
            | Effect::Execute(character) => {
                // A commander who leaves his army leaves it leaderless.
                let c = data.character(character);
                for e in entities.armies.iter().flatten() {
                    if let Ok((mut a, _, _)) = armies.get_mut(*e) {
                        if a.commander == Some(c) {
                            a.commander = None;
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
