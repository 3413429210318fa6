//! Orders: what players and the AI tell their armies and envoys to do, as plain serializable data.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::ids::{ArmyIx, FactionIx, ProvinceIx};
use super::{Turn, TurnSystems};

/// What an army does where it stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stance {
    /// Stays; fights what comes; does not besiege.
    #[default]
    Hold,
    /// Surrounds an enemy city and starves it, breaching the walls slowly.
    Blockade,
    /// Storms an enemy city's walls.
    Assault,
}

/// A diplomatic proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Proposal {
    /// Peace, the proposer paying an indemnity and ceding provinces.
    Peace { indemnity: f64, ceded: Vec<ProvinceIx> },
    /// A truce for some months.
    Truce { months: u32 },
    /// An alliance against a common enemy.
    Alliance { against: FactionIx },
}

/// An order, given by a faction for this turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Order {
    /// March toward a province by the shortest road.
    March { army: ArmyIx, to: ProvinceIx },
    /// Stop and hold.
    Hold { army: ArmyIx },
    /// Besiege the enemy city where the army stands.
    Besiege { army: ArmyIx, assault: bool },
    /// Strike an enemy army in the same or a neighbouring province by night.
    Raid { army: ArmyIx, target: ArmyIx },
    /// Propose a treaty to another faction.
    Propose { to: FactionIx, proposal: Proposal },
    /// Declare war, breaking any treaty with that faction.
    DeclareWar { on: FactionIx },
    /// Answer a proposal made to this faction (its index among the waiting proposals).
    AnswerProposal { proposal: usize, accept: bool },
}

/// An order given this turn by `faction`.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct OrderGiven {
    pub faction: FactionIx,
    pub order: Order,
}

/// Orders a player (the window, a test, a replay) queued for the next turn.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PendingOrders(pub Vec<(FactionIx, Order)>);

pub(super) fn plugin(app: &mut App) {
    app.add_message::<OrderGiven>();
    app.init_resource::<PendingOrders>();
    app.add_systems(
        Turn,
        issue_player_orders.in_set(TurnSystems::Orders).in_set(super::OrderSystems::Players).run_if(orders_pending),
    );
}

/// Whether a player has given orders since the last month: without them there is nothing to issue.
fn orders_pending(pending: Res<PendingOrders>) -> bool {
    !pending.0.is_empty()
}

fn issue_player_orders(mut pending: ResMut<PendingOrders>, mut given: MessageWriter<OrderGiven>) {
    for (faction, order) in pending.0.drain(..) {
        given.write(OrderGiven { faction, order });
    }
}
