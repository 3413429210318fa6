//! Events and decisions: flags, answers given, which events fired, who answers how.
use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Date;
use crate::sim::data::StaticData;
use crate::sim::ids::FactionIx;

/// Flags set by effects, by their index in [`crate::sim::Ids::flags`].
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags(Vec<bool>);

impl Flags {
    pub fn is_set(&self, flag: usize) -> bool {
        self.0.get(flag).copied().unwrap_or(false)
    }

    pub fn set(&mut self, flag: usize, on: bool) {
        if self.0.len() <= flag {
            self.0.resize(flag + 1, false);
        }
        self.0[flag] = on;
    }

    /// The names of the flags set, for saves: they outlive any numbering.
    pub fn names(&self, data: &StaticData) -> BTreeSet<String> {
        data.ids.flags.iter().filter(|(_, f)| self.is_set(**f)).map(|(name, _)| name.clone()).collect()
    }

    /// The flags of `names`; names no effect of the scenario sets are left out.
    pub fn from_names(names: &BTreeSet<String>, data: &StaticData) -> Self {
        let mut flags = Self::default();
        for f in names.iter().filter_map(|name| data.ids.flags.get(name)) {
            flags.set(*f, true);
        }
        flags
    }
}

/// An answer given to an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceRecord {
    pub date: Date,
    pub event: usize,
    pub option: usize,
    pub faction: FactionIx,
    /// Whether it is the option history chose.
    pub historical: bool,
}

/// How many of the latest answers [`Choices`] keeps, besides the first of each option: far more
/// than any built-in campaign gives (they answer each event once or a few times), few enough
/// that a campaign whose events repeat for centuries keeps, saves and hashes a bounded record.
pub const CHOICES_KEPT: usize = 4_096;

/// The answers given so far, in order: every one, or in a campaign that has given more than
/// [`CHOICES_KEPT`] the latest that many and, before them, the first answer of each (event,
/// option) ever chosen. What conditions ask ([`Choices::chose`]) keeps its meaning exactly over a
/// game of any length, and a save holds the record as it always did (a list of answers).
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices(pub Vec<ChoiceRecord>);

impl Choices {
    /// Whether option `option` of event `event` (both indices) was ever chosen.
    pub fn chose(&self, event: usize, option: usize) -> bool {
        // The first answer of each option is never dropped.
        self.0.iter().any(|c| c.event == event && c.option == option)
    }

    /// Adds `answers`, given in order, at the end, then drops those older than the latest
    /// [`CHOICES_KEPT`] that are not the first of their option.
    pub fn record(&mut self, answers: impl IntoIterator<Item = ChoiceRecord>) {
        self.0.extend(answers);
        self.keep(CHOICES_KEPT);
    }

    /// Keeps the latest `kept` answers and the first of each (event, option) before them.
    fn keep(&mut self, kept: usize) {
        let old = self.0.len().saturating_sub(kept);
        let mut seen = BTreeSet::new();
        // Answers before the latest `kept` that repeat an option already seen: what is dropped.
        let repeats = self.0[..old].iter().filter(|c| !seen.insert((c.event, c.option))).count();
        if repeats == 0 {
            return;
        }
        seen.clear();
        let mut i = 0;
        self.0.retain(|c| {
            i += 1;
            i > old || seen.insert((c.event, c.option))
        });
    }
}

/// Which events have fired and which are forced to fire next turn.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventState {
    pub fired: Vec<bool>,
    pub forced: BTreeSet<usize>,
    /// Events of human factions waiting for an answer, in the order they fired.
    pub awaiting: Vec<usize>,
}

impl EventState {
    /// No event of a scenario of `events` events fired yet.
    pub fn new(events: usize) -> Self {
        Self { fired: vec![false; events], forced: BTreeSet::new(), awaiting: Vec::new() }
    }
}

/// How events are answered: who plays which faction, and which options are imposed.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Players {
    /// Factions played by humans.
    pub humans: BTreeSet<FactionIx>,
    /// Take the historical option of every event nobody imposes an answer to.
    pub historical: bool,
    /// Imposed answers: event index to option index.
    pub imposed: BTreeMap<usize, usize>,
}

impl Players {
    pub fn is_human(&self, f: FactionIx) -> bool {
        self.humans.contains(&f)
    }
}

/// Answers human players have given to events awaiting them: event index to option index.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAnswers(pub Vec<(usize, usize)>);

#[cfg(test)]
mod tests {
    use super::{ChoiceRecord, Choices};
    use crate::scenario::Date;
    use crate::sim::ids::FactionIx;

    fn answer(month: i64, event: usize, option: usize) -> ChoiceRecord {
        let date = Date { year: 1125, month: 1 }.plus_months(month);
        ChoiceRecord { date, event, option, faction: FactionIx::new(0), historical: option == 0 }
    }

    /// Events 0-4 of two options each, answered every month; event 3's second option only in
    /// month 2, event 4 only in month 5.
    fn answers(months: i64) -> Vec<Vec<ChoiceRecord>> {
        (0..months)
            .map(|m| {
                let mut month: Vec<_> = (0..3).map(|e| answer(m, e, usize::try_from(m).unwrap_or(0) % 2)).collect();
                month.push(answer(m, 3, usize::from(m == 2)));
                if m == 5 {
                    month.push(answer(m, 4, 1));
                }
                month
            })
            .collect()
    }

    #[test]
    fn chose_answers_as_before_after_many_more_answers_than_are_kept() {
        let (kept, months) = (12, 200);
        let mut every = Choices::default();
        let mut bounded = Choices::default();
        for month in answers(months) {
            every.0.extend(month.iter().cloned());
            bounded.0.extend(month);
            bounded.keep(kept);
            // The latest `kept`, and at most one older answer for each of the 10 options.
            assert!(bounded.0.len() <= kept + 10, "{} answers kept", bounded.0.len());
        }
        assert!(every.0.len() > 10 * bounded.0.len(), "many more given than kept");
        for event in 0..6 {
            for option in 0..3 {
                assert_eq!(bounded.chose(event, option), every.chose(event, option), "event {event}, option {option}");
            }
        }
        assert!(bounded.chose(3, 1) && bounded.chose(4, 1) && !bounded.chose(4, 0), "answers of long ago");
        assert_eq!(bounded.0[bounded.0.len() - kept..], every.0[every.0.len() - kept..], "the latest, whole");
        assert!(bounded.0.windows(2).all(|w| w[0].date <= w[1].date), "still in order");
        let again = bounded.clone();
        bounded.keep(kept);
        assert_eq!(bounded, again, "keeping again drops nothing more");
    }

    #[test]
    fn answers_within_the_bound_are_all_kept() {
        let mut choices = Choices::default();
        let given: Vec<ChoiceRecord> = answers(3).concat();
        choices.0.extend(given.iter().cloned());
        choices.keep(given.len());
        assert_eq!(choices.0, given);
    }
}
