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

/// The most entries a chronicle keeps: in a campaign that outlasts them, the oldest are dropped
/// at the end of each month and one first line says how many (see [`Chronicle`]). Several times
/// what the longest built-in campaign writes, and more than a reader scrolls back through; it
/// bounds what a game of any length keeps of its chronicle, saves and hashes every month.
pub const CHRONICLE_KEPT: usize = 10_000;

/// The first line of a chronicle whose oldest entries were dropped, around their count.
const NOTE_OPENS: &str = "(The chronicle keeps its latest ";
const NOTE_COUNT: &str = " entries: the ";
const NOTE_CLOSES: &str = " before them are no longer kept.)";

/// What has happened so far, in order, the months' dates never falling: every entry, or in a
/// campaign longer than [`CHRONICLE_KEPT`] entries the latest that many after a first line, a
/// note dated with the last entry dropped, that says how many earlier ones were dropped. The
/// note is an entry like any other, so a save holds the chronicle as it always did (a list of
/// entries) and a game continued from it goes on counting.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chronicle(pub Vec<Entry>);

impl Chronicle {
    /// The entries of one month (the note of entries dropped included, in its month).
    pub fn of_month(&self, date: Date) -> impl Iterator<Item = &Entry> {
        // The dates never fall, so a month's entries lie together.
        let from = self.0.partition_point(|e| e.date < date);
        self.0[from..].iter().take_while(move |e| e.date == date)
    }

    /// How many of the oldest entries were dropped to keep to [`CHRONICLE_KEPT`].
    pub fn dropped(&self) -> u64 {
        self.0.first().and_then(|e| note_count(&e.text)).unwrap_or(0)
    }

    /// Adds `entries`, a month's, at the end, then drops the oldest beyond [`CHRONICLE_KEPT`].
    pub fn record(&mut self, entries: impl IntoIterator<Item = Entry>) {
        self.0.extend(entries);
        self.keep(CHRONICLE_KEPT);
    }

    /// Drops the oldest entries beyond the latest `kept`, counting them in the first line.
    fn keep(&mut self, kept: usize) {
        let dropped = self.dropped();
        let noted = usize::from(dropped > 0);
        let excess = (self.0.len() - noted).saturating_sub(kept);
        if excess == 0 {
            return;
        }
        let last_dropped = self.0[noted + excess - 1].date;
        self.0.drain(..noted + excess);
        let count = dropped + excess as u64;
        let text = format!("{NOTE_OPENS}{kept}{NOTE_COUNT}{count}{NOTE_CLOSES}");
        self.0.insert(0, Entry { date: last_dropped, text });
    }
}

/// The count of entries dropped a note says, if `text` is one.
fn note_count(text: &str) -> Option<u64> {
    let (_, count) = text.strip_prefix(NOTE_OPENS)?.strip_suffix(NOTE_CLOSES)?.split_once(NOTE_COUNT)?;
    count.parse().ok()
}

/// A quiet campaign's chronicle has nothing to record, ever: it has no chronicle messages.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Chronicle>();
    if Chronicling::kept(app) {
        app.add_message::<Chronicled>();
    }
}

#[cfg(test)]
mod tests {
    use super::{Chronicle, Entry};
    use crate::scenario::Date;

    fn month(m: i64, lines: usize) -> Vec<Entry> {
        let date = Date { year: 1125, month: 1 }.plus_months(m);
        (0..lines).map(|i| Entry { date, text: format!("{date} line {i}") }).collect()
    }

    #[test]
    fn a_long_chronicle_keeps_its_latest_entries_and_counts_those_dropped() {
        let mut chronicle = Chronicle::default();
        let mut all = Vec::new();
        for m in 0..40 {
            all.extend(month(m, 3));
            chronicle.0.extend(month(m, 3));
            chronicle.keep(10);
            assert!(chronicle.0.len() <= 11, "month {m}: {} entries", chronicle.0.len());
        }
        assert_eq!(chronicle.dropped(), 110);
        assert_eq!(chronicle.0[1..], all[110..], "the latest ten, in order");
        let note = &chronicle.0[0];
        assert_eq!(note.date, all[109].date, "dated with the last entry dropped");
        assert!(note.text.contains("110") && note.text.contains("10"), "{}", note.text);
        let dates: Vec<Date> = chronicle.0.iter().map(|e| e.date).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "the dates never fall");
        let last = all[all.len() - 1].date;
        assert_eq!(chronicle.of_month(last).count(), 3);
        assert_eq!(chronicle.of_month(note.date).count(), 1 + 1, "the note and the one line left of its month");
        assert_eq!(chronicle.of_month(all[0].date).count(), 0);
    }

    #[test]
    fn a_chronicle_within_its_bound_is_left_as_written() {
        let mut chronicle = Chronicle::default();
        for m in 0..3 {
            chronicle.0.extend(month(m, 3));
            chronicle.keep(9);
        }
        assert_eq!(chronicle.0, [month(0, 3), month(1, 3), month(2, 3)].concat());
        assert_eq!(chronicle.dropped(), 0);
        assert_eq!(chronicle.of_month(Date { year: 1125, month: 2 }).count(), 3);
    }

    #[test]
    fn a_line_that_only_looks_like_a_note_counts_nothing() {
        let date = Date { year: 1125, month: 1 };
        for text in ["(The chronicle keeps its latest 5 entries: the many before them are no longer kept.)", "hello"] {
            let chronicle = Chronicle(vec![Entry { date, text: text.to_string() }]);
            assert_eq!(chronicle.dropped(), 0, "{text}");
        }
    }
}
