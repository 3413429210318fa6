//! Orders players queued (the window, a test, a replay) are given at the start of the month.
use bevy_app::App;
use bevy_ecs::prelude::*;

use crate::sim::schedule::{OrderSystems, Turn, TurnSystems};
use crate::sim::state::{OrderGiven, PendingOrders};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Turn,
        issue_player_orders.in_set(TurnSystems::Orders).in_set(OrderSystems::Players).run_if(orders_pending),
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
