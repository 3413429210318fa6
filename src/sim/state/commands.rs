//! The command log: every order and event answer given from outside the AI, month by month, with
//! the state hash each month ended on, so that a save can be replayed from the scenario's start
//! and checked month by month (as Wesnoth checks its replays). The AI's own decisions are not
//! logged: the same scenario, seed and commands re-derive them bit for bit.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::events::Players;
use super::orders::Order;
use crate::scenario::Date;
use crate::sim::ids::FactionIx;

/// This build of the rules: the crate's version and a hash of the rules' source (the simulation,
/// the scenario format and the locked dependencies, comments and spacing left out; see
/// `build.rs`). A save written under another fingerprint may replay differently, and `replay`
/// says so instead of diverging silently.
pub const RULES_FINGERPRINT: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("JINGKANG_RULES_HASH"));

/// How the campaign began, beside the scenario and seed a save already holds: enough to set up
/// the same first month again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogStart {
    /// The [`RULES_FINGERPRINT`] of the build that began the campaign.
    pub rules: String,
    /// A hash of the scenario the campaign is played on (as the save embeds it, its rules
    /// configured), so that a save whose scenario was changed afterwards says so.
    pub scenario: u64,
    /// Who played what and which answers were imposed, as the campaign began.
    pub players: Players,
}

/// What was commanded in one month, and the state it ended on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedMonth {
    /// The month played.
    pub date: Date,
    /// Who played what and which answers were imposed, if that changed since the month before
    /// (a saved game continued by other players).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players: Option<Players>,
    /// The orders given for the month, in the order they were given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<(FactionIx, Order)>,
    /// The answers given to events awaiting them (event index, option index), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<(usize, usize)>,
    /// A hash of the whole state at the end of the month: everything a save holds but the
    /// scenario (which no month changes, and whose hash [`LogStart::scenario`] holds) and the log.
    pub hash: u64,
}

/// The campaign's commands so far. A quiet campaign (a sweep's) keeps none, as it keeps no
/// chronicle; nor does a game continued from a save written before logs were kept, which could
/// not be replayed from its start anyway.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommandLog {
    /// How the campaign began; `None` when no log is kept.
    pub start: Option<LogStart>,
    /// One entry per month played, oldest first.
    pub months: Vec<LoggedMonth>,
}

impl CommandLog {
    /// A log of a campaign beginning now, played on a scenario of hash `scenario` by `players`.
    pub fn starting(scenario: u64, players: Players) -> Self {
        Self { start: Some(LogStart { rules: RULES_FINGERPRINT.to_string(), scenario, players }), months: Vec::new() }
    }

    /// Whether a log is kept.
    pub fn is_kept(&self) -> bool {
        self.start.is_some()
    }

    /// Whether there is nothing in it (no log kept), so a save leaves it out.
    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.months.is_empty()
    }

    /// The players in effect by the log's last month: the last change logged, else the start's.
    pub fn players(&self) -> Option<&Players> {
        let changed = self.months.iter().rev().find_map(|m| m.players.as_ref());
        changed.or(self.start.as_ref().map(|s| &s.players))
    }

    /// Records a month played: the players it was played by (kept only if they changed), its
    /// commands and the hash of the state it ended on.
    pub fn record(
        &mut self,
        date: Date,
        players: &Players,
        orders: Vec<(FactionIx, Order)>,
        answers: Vec<(usize, usize)>,
        hash: u64,
    ) {
        let players = (self.players() != Some(players)).then(|| players.clone());
        self.months.push(LoggedMonth { date, players, orders, answers, hash });
    }
}

#[cfg(test)]
mod tests {
    use super::{CommandLog, Players};
    use crate::scenario::Date;
    use crate::sim::ids::FactionIx;

    #[test]
    fn players_are_logged_only_in_the_months_they_change() {
        let mut log = CommandLog::starting(7, Players::default());
        let date = Date { year: 1125, month: 10 };
        let seated = Players { humans: [FactionIx::new(1)].into(), ..Players::default() };
        log.record(date, &Players::default(), Vec::new(), Vec::new(), 1);
        log.record(date.plus_months(1), &seated, Vec::new(), vec![(0, 1)], 2);
        log.record(date.plus_months(2), &seated, Vec::new(), Vec::new(), 3);
        let changes: Vec<_> = log.months.iter().map(|m| m.players.clone()).collect();
        assert_eq!(changes, vec![None, Some(seated.clone()), None]);
        assert_eq!(log.players(), Some(&seated));
        assert!(log.is_kept() && !log.is_empty());
        assert!(CommandLog::default().is_empty() && CommandLog::default().players().is_none());
    }
}
