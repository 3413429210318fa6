//! The chronicle: what happened, in dated sentences, written by any rule during the month.
use bevy_app::App;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;
use serde::{Deserialize, Serialize};

use crate::scenario::Date;

/// A sentence for the chronicle, written by any system during the turn.
#[derive(Message, Clone, Debug)]
pub struct Chronicled(pub String);

/// Whether the campaign keeps a chronicle: sweeps keep only summaries (see
/// [`Sim::quiet`](crate::sim::Sim::quiet)).
#[derive(Resource, Clone, Copy, Debug)]
pub struct Chronicling(pub bool);

impl Chronicling {
    /// Whether `app`'s campaign keeps a chronicle (it does unless told otherwise).
    pub fn kept(app: &App) -> bool {
        app.world().get_resource::<Self>().is_none_or(|c| c.0)
    }
}

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

    /// Writes the line `line` gives, if it gives one; asked only when the chronicle is written.
    pub fn write_some(&mut self, line: impl FnOnce() -> Option<String>) {
        if let Some(lines) = &mut self.lines
            && let Some(line) = line()
        {
            lines.write(Chronicled(line));
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

/// A quiet campaign's chronicle has nothing to record, ever: it has no chronicle messages.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Chronicle>();
    if Chronicling::kept(app) {
        app.add_message::<Chronicled>();
    }
}
