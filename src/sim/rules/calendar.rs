//! The calendar moves on a month at the end of every turn.
use bevy_app::App;
use bevy_ecs::prelude::*;

use crate::sim::schedule::{Turn, TurnSystems};
use crate::sim::state::Calendar;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Turn, advance_month.in_set(TurnSystems::End));
}

fn advance_month(mut calendar: ResMut<Calendar>) {
    calendar.date = calendar.date.plus_months(1);
    calendar.turn += 1;
}
