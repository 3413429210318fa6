//! Replaying a save: the campaign is begun again from the save's scenario, seed and players, fed
//! the logged commands month by month, and its state hash compared with the logged one after
//! every month, then with the saved state itself (as Wesnoth checks its replays). The first month
//! that differs is where the rules, or the log, changed.
use std::sync::Arc;

use thiserror::Error;

use super::campaign::{Sim, SimOptions};
use super::snapshot::{SaveError, Snapshot, scenario_hash};
use super::state::{CommandLog, LogStart, LoggedMonth, RULES_FINGERPRINT};
use crate::scenario::Date;

/// Why a save cannot be replayed at all.
#[derive(Debug, Error)]
pub enum ReplayError {
    /// The save holds no command log.
    #[error(
        "this save was written before command logs were kept (save version {version}); it can be continued but not replayed"
    )]
    NoLog { version: u32 },
    /// Its scenario or tables are not sound.
    #[error(transparent)]
    Save(#[from] SaveError),
    /// A fork asked for a month the log does not reach.
    #[error("the save's campaign was played from {first} to {last}: a fork must be at one of those months")]
    ForkOutside { first: Date, last: Date },
    /// The replay parted from the save before the month a fork was asked at.
    #[error("{date}: the save's log no longer replays (see `jingkang replay`), so it cannot be forked after it")]
    Diverged { date: Date },
}

/// The first month where the replay and the save part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The month played when they parted.
    pub date: Date,
    /// What parted: the hashes, or the months themselves.
    pub kind: Parting,
    /// Months that matched before it.
    pub matched: usize,
}

/// How a replay parts from its save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parting {
    /// The state the month ended on: the replay's hash, the logged one.
    Hash { replayed: u64, saved: u64 },
    /// The log has a month the replay is not at (an edited log).
    Month { logged: Date },
    /// Every month matched but the state saved is not the state replayed.
    FinalState { replayed: u64, saved: u64 },
}

/// What a replay found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayReport {
    /// Why the replay may differ without anything being wrong: another build of the rules, or a
    /// scenario changed since the log began.
    pub warnings: Vec<String>,
    /// The months logged, first and last (none if the save was made before any month was played).
    pub span: Option<(Date, Date)>,
    /// Months replayed and matched.
    pub matched: usize,
    /// The first month that differs, if any.
    pub divergence: Option<Divergence>,
}

impl ReplayReport {
    /// Whether every month, and the state saved, matched.
    pub fn matches(&self) -> bool {
        self.divergence.is_none()
    }
}

/// Replays `snapshot`'s log from the campaign's start, calling `progress` with the months
/// replayed after each; stops at the first month that differs.
pub fn replay(snapshot: &Snapshot, progress: &mut dyn FnMut(usize)) -> Result<ReplayReport, ReplayError> {
    let log: &CommandLog = &snapshot.log;
    let start = log.start.as_ref().ok_or(ReplayError::NoLog { version: snapshot.version })?;
    let data = Arc::new(snapshot.static_data()?);
    let mut warnings = Vec::new();
    if start.rules != RULES_FINGERPRINT {
        warnings.push(format!(
            "written by a different build of the rules ({}; this build is {RULES_FINGERPRINT}): its replay may differ",
            start.rules
        ));
    }
    if scenario_hash(&data.scenario) != start.scenario {
        warnings.push("this save's scenario differs from the one its campaign began on: its replay may differ".into());
    }
    let mut sim = Sim::new(data, &options_of(start, snapshot.seed));
    let span = log.months.first().zip(log.months.last()).map(|(a, b)| (a.date, b.date));
    let mut report = ReplayReport { warnings, span, matched: 0, divergence: None };
    for month in &log.months {
        let date = sim.date();
        if let Some(kind) = play_logged(&mut sim, month) {
            report.divergence = Some(Divergence { date, kind, matched: report.matched });
            return Ok(report);
        }
        report.matched += 1;
        progress(report.matched);
    }
    // What was queued after the last month played is in the save, not yet in the log.
    sim.set_players(snapshot.players.clone());
    for (faction, order) in &snapshot.pending_orders.0 {
        sim.give(*faction, order.clone());
    }
    for (event, option) in &snapshot.answers.0 {
        sim.answer(*event, *option);
    }
    let (replayed, saved) = (Snapshot::capture(sim.world()).state_hash(), snapshot.state_hash());
    if replayed != saved {
        let date = sim.date();
        let kind = Parting::FinalState { replayed, saved };
        report.divergence = Some(Divergence { date, kind, matched: report.matched });
    }
    Ok(report)
}

/// How the logged campaign began, as options for a new one.
fn options_of(start: &LogStart, seed: u64) -> SimOptions {
    let players = &start.players;
    SimOptions {
        seed,
        historical: players.historical,
        imposed: players.imposed.clone(),
        humans: players.humans.clone(),
    }
}

/// Plays one logged month with its players, orders and answers; how it parts from the log, if
/// it does.
fn play_logged(sim: &mut Sim, month: &LoggedMonth) -> Option<Parting> {
    if sim.date() != month.date {
        return Some(Parting::Month { logged: month.date });
    }
    if let Some(players) = &month.players {
        sim.set_players(players.clone());
    }
    for (faction, order) in &month.orders {
        sim.give(*faction, order.clone());
    }
    for (event, option) in &month.answers {
        sim.answer(*event, *option);
    }
    sim.step();
    let replayed = sim.log().months.last().map_or(0, |m| m.hash);
    (replayed != month.hash).then_some(Parting::Hash { replayed, saved: month.hash })
}

/// The campaign of `snapshot` played again from its start up to month `at`, not played yet: the
/// point from which another answer may be given. `at` is any month of the log, or the month after
/// its last (the save's own month). The log must replay up to `at`.
pub fn fork(snapshot: &Snapshot, at: Date) -> Result<Sim, ReplayError> {
    let log: &CommandLog = &snapshot.log;
    let start = log.start.as_ref().ok_or(ReplayError::NoLog { version: snapshot.version })?;
    let data = Arc::new(snapshot.static_data()?);
    let first = data.scenario.start;
    let last = snapshot.calendar.date;
    if at < first || at > last {
        return Err(ReplayError::ForkOutside { first, last });
    }
    let mut sim = Sim::new(data, &options_of(start, snapshot.seed));
    for month in log.months.iter().take_while(|m| m.date < at) {
        let date = sim.date();
        if play_logged(&mut sim, month).is_some() {
            return Err(ReplayError::Diverged { date });
        }
    }
    Ok(sim)
}
