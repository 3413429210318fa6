//! The month's sentences become dated chronicle entries; a chronicle longer than
//! [`CHRONICLE_KEPT`](crate::sim::state::CHRONICLE_KEPT) entries drops its oldest.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;

use crate::sim::schedule::{Turn, TurnSystems};
use crate::sim::state::{Calendar, Chronicle, Chronicled, Chronicling, Entry};

pub(super) fn plugin(app: &mut App) {
    // A quiet campaign has no chronicle messages, so nothing to record.
    if Chronicling::kept(app) {
        app.add_systems(Turn, record.in_set(TurnSystems::Chronicle).run_if(on_message::<Chronicled>));
    }
}

fn record(mut lines: MessageReader<Chronicled>, calendar: Res<Calendar>, mut chronicle: ResMut<Chronicle>) {
    chronicle.record(lines.read().map(|Chronicled(text)| Entry { date: calendar.date, text: text.clone() }));
}
