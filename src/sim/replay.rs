//! Replaying a save: the campaign is begun again from the save's scenario, seed and players, fed
//! the logged commands month by month, and its state hash compared with the logged one after
//! every month, then with the saved state itself (as Wesnoth checks its replays). The first month
//! that differs is where the rules, or the log, changed.
use std::sync::Arc;

use thiserror::Error;

use super::campaign::{Sim, SimOptions};
use super::snapshot::{SaveError, Snapshot, scenario_hash};
use super::state::{CommandLog, RULES_FINGERPRINT};
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
    let players = &start.players;
    let options = SimOptions {
        seed: snapshot.seed,
        historical: players.historical,
        imposed: players.imposed.clone(),
        humans: players.humans.clone(),
    };
    let mut sim = Sim::new(data, &options);
    let span = log.months.first().zip(log.months.last()).map(|(a, b)| (a.date, b.date));
    let mut report = ReplayReport { warnings, span, matched: 0, divergence: None };
    for month in &log.months {
        let date = sim.date();
        let parting = if date != month.date {
            Some(Parting::Month { logged: month.date })
        } else {
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
        };
        if let Some(kind) = parting {
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
