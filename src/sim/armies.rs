//! Armies: who owns them, where they stand, who leads them, their men and condition.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::chronicle::ChronicleWriter;
use super::diplomacy::Relations;
use super::effects::ApplyEffect;
use super::ids::{ArmyIx, CharacterIx, Data, FactionIx, ProvinceIx, Static};
use super::orders::{Order, OrderGiven, Stance};
use super::world::Entities;
use super::{EffectOrder, OrderSystems, Turn, TurnSystems};
use crate::scenario::{self, Effect};

/// An army: index, owner, location and commander.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Army {
    pub ix: ArmyIx,
    pub owner: FactionIx,
    pub location: ProvinceIx,
    pub commander: Option<CharacterIx>,
}

/// Men by troop kind, in the scenario's `troop_kinds` order, and their sum: nearly every system
/// reads an army's men, few change them, so the sum is kept rather than added up on each read.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<f64>", into = "Vec<f64>")]
pub struct Troops {
    men: Vec<f64>,
    total: f64,
}

impl From<Vec<f64>> for Troops {
    fn from(men: Vec<f64>) -> Self {
        let total = men.iter().sum();
        Self { men, total }
    }
}

impl From<Troops> for Vec<f64> {
    fn from(troops: Troops) -> Self {
        troops.men
    }
}

impl Troops {
    /// Troops from a scenario's `{kind: men}` map.
    pub fn from_scenario(data: &Data, troops: &std::collections::BTreeMap<String, i64>) -> Self {
        let mut men = vec![0.0; data.scenario.troop_kinds.len()];
        for (kind, n) in troops {
            men[data.troop_kinds[kind]] += *n as f64;
        }
        Self::from(men)
    }

    /// Men by troop kind.
    pub fn men(&self) -> &[f64] {
        &self.men
    }

    /// All men.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Adds `n` men of kind `kind` (fewer if `n` is negative, never below none).
    pub fn add(&mut self, kind: usize, n: f64) {
        let slot = &mut self.men[kind];
        *slot = (*slot + n).max(0.0);
        self.total = self.men.iter().sum();
    }

    /// The march speed: that of its slowest kind with men.
    pub fn speed(&self, data: &Data) -> f64 {
        self.men
            .iter()
            .zip(&data.scenario.troop_kinds)
            .filter(|(men, _)| **men > 0.0)
            .map(|(_, kind)| kind.speed)
            .fold(f64::INFINITY, f64::min)
            .min(10.0)
    }

    /// Removes a share of every kind's men; returns the men lost.
    pub fn lose_share(&mut self, share: f64) -> f64 {
        let share = share.clamp(0.0, 1.0);
        let before = self.total;
        for men in &mut self.men {
            *men = (*men * (1.0 - share)).floor();
        }
        self.total = self.men.iter().sum();
        before - self.total
    }

    /// Monthly pay, thousands of taels.
    pub fn upkeep(&self, data: &Data) -> f64 {
        self.men.iter().zip(&data.scenario.troop_kinds).map(|(men, kind)| men / 1000.0 * kind.upkeep).sum()
    }
}

/// An army's morale (0-100), supply (0-100) and the grain it carries.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spirit {
    pub morale: f64,
    pub supply: f64,
    pub grain: f64,
}

/// An army's standing orders: where it marches, what it does there, whom it raids.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub destination: Option<ProvinceIx>,
    pub stance: Stance,
    /// An enemy army to strike by night this turn.
    pub raid: Option<ArmyIx>,
    /// Days already marched toward the next province.
    pub progress: f64,
    /// Whether it marched this turn (an army that did not, in its own walled city, is inside the walls).
    pub marched: bool,
}

/// Everything an army entity is made of.
#[derive(Bundle, Clone)]
pub struct ArmyBundle {
    pub army: Army,
    pub troops: Troops,
    pub spirit: Spirit,
    pub plan: Plan,
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
            spirit: Spirit { morale: a.morale as f64, supply: a.supply as f64, grain: a.grain as f64 },
            plan: Plan::default(),
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, apply_effects.in_set(EffectOrder::Armies));
    app.add_systems(Turn, apply_orders.in_set(TurnSystems::Orders).in_set(OrderSystems::Apply));
    app.add_systems(Turn, march.in_set(TurnSystems::Movement));
}

/// Turns this turn's army orders into standing plans; orders for another faction's army are ignored.
fn apply_orders(mut given: MessageReader<OrderGiven>, entities: Res<Entities>, mut armies: Query<(&Army, &mut Plan)>) {
    for OrderGiven { faction, order } in given.read() {
        let army = match order {
            Order::March { army, .. }
            | Order::Hold { army }
            | Order::Besiege { army, .. }
            | Order::Raid { army, .. } => *army,
            Order::Propose { .. } | Order::DeclareWar { .. } | Order::AnswerProposal { .. } => continue,
        };
        let Some(Ok((a, mut plan))) = entities.army(army).map(|e| armies.get_mut(e)) else { continue };
        if a.owner != *faction {
            continue;
        }
        match order {
            Order::March { to, .. } => {
                if plan.destination != Some(*to) {
                    plan.progress = 0.0;
                }
                plan.destination = Some(*to).filter(|t| *t != a.location);
                plan.stance = Stance::Hold;
            }
            Order::Hold { .. } => *plan = Plan::default(),
            Order::Besiege { assault, .. } => {
                plan.destination = None;
                plan.stance = if *assault { Stance::Assault } else { Stance::Blockade };
            }
            Order::Raid { target, .. } => plan.raid = Some(*target),
            Order::Propose { .. } | Order::DeclareWar { .. } | Order::AnswerProposal { .. } => {}
        }
    }
}

/// Marches every army with a destination along the shortest road, in army order, as far as its
/// days allow; an army stops when it walks into an enemy army.
fn march(
    data: Static,
    calendar: Res<Calendar>,
    relations: Res<Relations>,
    mut armies: Query<(&mut Army, &Troops, &mut Plan)>,
    mut positions: Local<Vec<Option<(FactionIx, ProvinceIx)>>>,
) {
    let rules = data.rules();
    let winter = calendar.is_winter();
    let routes = data.routes(winter);
    // Where each army in the field stands, by army index.
    let positions = &mut *positions;
    super::world::refill(positions, data.army_ids.len(), None);
    armies.iter().for_each(|(a, t, _)| {
        if t.total() > 0.0 {
            positions[a.ix.get()] = Some((a.owner, a.location));
        }
    });
    // In army order: an army stops where one that marched before it now stands.
    let mut in_order = super::world::gather(armies.iter_mut());
    in_order.sort_unstable_by_key(|(army, ..)| army.ix);
    for (mut army, troops, mut plan) in in_order {
        let i = army.ix.get();
        plan.marched = false;
        let Some(destination) = plan.destination else { continue };
        if troops.total() <= 0.0 {
            continue;
        }
        let season = if winter { rules.winter_march } else { 1.0 };
        let mut budget = rules.march_days * troops.speed(&data) * season + plan.progress;
        plan.progress = 0.0;
        while army.location != destination {
            let Some(next) = routes.next_step(army.location, destination) else {
                plan.destination = None;
                break;
            };
            let connection = data.neighbours[army.location.get()].iter().find(|(p, _)| *p == next).map(|(_, c)| *c);
            let Some(connection) = connection else { break };
            let cost = data.step_days(connection, next, winter);
            if budget < cost {
                plan.progress = budget;
                break;
            }
            budget -= cost;
            army.location = next;
            plan.marched = true;
            positions[i] = Some((army.owner, next));
            let enemy_here = positions.iter().flatten().any(|(f, p)| *p == next && relations.at_war(*f, army.owner));
            if enemy_here {
                break;
            }
        }
        if army.location == destination {
            plan.destination = None;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_effects(
    mut commands: Commands,
    mut effects: MessageReader<ApplyEffect>,
    data: Static,
    mut entities: ResMut<Entities>,
    mut armies: Query<(&mut Army, &mut Troops, &mut Spirit)>,
    mut chronicle: ChronicleWriter,
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
                chronicle.write(|| {
                    format!("{} takes the field at {}.", a.name, data.province_name(data.province(&a.location)))
                });
            }
            Effect::DisbandArmy(id) => {
                let ix = data.army(id);
                if let Some(e) = entities.army(ix) {
                    commands.entity(e).despawn();
                    entities.armies[ix.get()] = None;
                }
            }
            Effect::Reinforce { army, troops } => {
                if let Some(Ok((_, mut men, _))) = entities.army(data.army(army)).map(|e| armies.get_mut(e)) {
                    for (kind, n) in troops {
                        men.add(data.troop_kinds[kind], *n as f64);
                    }
                }
            }
            Effect::ArmyMorale { army, add } => {
                if let Some(Ok((_, _, mut spirit))) = entities.army(data.army(army)).map(|e| armies.get_mut(e)) {
                    spirit.morale = (spirit.morale + *add as f64).clamp(0.0, 100.0);
                }
            }
            Effect::SetCommander { army, character } => {
                if let Some(Ok((mut a, _, _))) = entities.army(data.army(army)).map(|e| armies.get_mut(e)) {
                    a.commander = Some(data.character(character));
                }
            }
            Effect::Defect { character, to, with_army: true } => {
                let (c, to) = (data.character(character), data.faction(to));
                for e in entities.armies.iter().flatten() {
                    if let Ok((mut a, _, _)) = armies.get_mut(*e)
                        && a.commander == Some(c)
                    {
                        a.owner = to;
                    }
                }
            }
            Effect::Defect { character, with_army: false, .. }
            | Effect::Exile(character)
            | Effect::Execute(character) => {
                // A commander who leaves his army leaves it leaderless.
                let c = data.character(character);
                for e in entities.armies.iter().flatten() {
                    if let Ok((mut a, _, _)) = armies.get_mut(*e)
                        && a.commander == Some(c)
                    {
                        a.commander = None;
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Troops;

    #[test]
    fn troops_keep_their_sum_through_losses_and_reinforcements() {
        let mut t = Troops::from(vec![1000.0, 500.0]);
        assert_eq!(t.total(), 1500.0);
        assert_eq!(t.lose_share(0.1), 150.0);
        assert_eq!((t.men(), t.total()), (&[900.0, 450.0][..], 1350.0));
        t.add(1, -1000.0);
        assert_eq!((t.men(), t.total()), (&[900.0, 0.0][..], 900.0));
    }

    #[test]
    fn troops_are_saved_as_a_plain_list_and_read_back_with_their_sum() {
        let json = serde_json::to_string(&Troops::from(vec![900.0, 50.0])).expect("serializes");
        assert_eq!(json, "[900.0,50.0]");
        let read: Troops = serde_json::from_str(&json).expect("reads back");
        assert_eq!(read.total(), 950.0);
    }
}
