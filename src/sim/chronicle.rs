//! The chronicle: what happened, in dated sentences, gathered from every system's messages.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::common_conditions::on_message;
use bevy_ecs::system::SystemParam;
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::{Turn, TurnSystems};
use crate::scenario::Date;

/// A sentence for the chronicle, written by any system during the turn.
#[derive(Message, Clone, Debug)]
pub struct Chronicled(pub String);

/// Whether the campaign keeps a chronicle: sweeps keep only summaries (see [`super::Sim::quiet`]).
#[derive(Resource, Clone, Copy, Debug)]
pub struct Chronicling(pub bool);

/// Writes sentences for the chronicle; a campaign that keeps none never puts them into words.
///
/// A quiet campaign registers no chronicle messages at all, so its writers find nothing to write
/// to (a cheaper look-up than a buffer would be).
#[derive(SystemParam)]
pub struct ChronicleWriter<'w> {
    lines: Option<MessageWriter<'w, Chronicled>>,
}

impl ChronicleWriter<'_> {
    /// Writes the sentence `line` makes, if the chronicle is kept.
    pub fn write(&mut self, line: impl FnOnce() -> String) {
        if let Some(lines) = &mut self.lines {
            lines.write(Chronicled(line()));
        }
    }
}

/// One dated line of the chronicle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub date: Date,
    pub text: String,
}

/// Everything that has happened so far, in order.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chronicle(pub Vec<Entry>);

impl Chronicle {
    /// The entries of one month.
    pub fn of_month(&self, date: Date) -> impl Iterator<Item = &Entry> {
        self.0.iter().filter(move |e| e.date == date)
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Chronicle>();
    // A quiet campaign's chronicle has nothing to record, ever: it has neither messages nor a
    // system to record them.
    if app.world().get_resource::<Chronicling>().is_none_or(|c| c.0) {
        app.add_message::<Chronicled>();
        app.add_systems(Turn, record.in_set(TurnSystems::Chronicle).run_if(on_message::<Chronicled>));
    }
}

fn record(mut lines: MessageReader<Chronicled>, calendar: Res<Calendar>, mut chronicle: ResMut<Chronicle>) {
    for Chronicled(text) in lines.read() {
        chronicle.0.push(Entry { date: calendar.date, text: text.clone() });
    }
}
