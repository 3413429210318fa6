//! `jingkang replay SAVE`: play a save's command log again from the campaign's start, checking
//! the state month by month against the hashes it logged, and report the first month that differs.
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use crate::sim::{Parting, ReplayReport, Snapshot, replay};

/// Exit status for a replay that differs from its save (as `calibrate` exits for a target missed).
const EXIT_DIVERGED: u8 = 1;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The saved game to replay.
    #[arg(value_name = "SAVE")]
    save: PathBuf,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let snapshot = match Snapshot::load(&args.save) {
        Ok(snapshot) => snapshot,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bar = progress_bar(snapshot.log.months.len() as u64);
    let result = replay(&snapshot, &mut |months| bar.set_position(months as u64));
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {}: {e}", args.save.display());
            return ExitCode::FAILURE;
        }
    };
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    println!("{}", describe(&report));
    if report.matches() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_DIVERGED) }
}

/// The replay's verdict in a sentence.
fn describe(report: &ReplayReport) -> String {
    let months = |n: usize| if n == 1 { "1 month".to_string() } else { format!("{n} months") };
    let Some(d) = &report.divergence else {
        return match report.span {
            Some((first, last)) => {
                format!(
                    "replayed {}: every month matches ({first} to {last}), and so does the state saved",
                    months(report.matched)
                )
            }
            None => "no month was played before the save: its state matches the scenario's start".to_string(),
        };
    };
    let before = match d.matched {
        0 => "no month before it matched either".to_string(),
        n => format!("the first {} matched", months(n)),
    };
    match d.kind {
        Parting::Hash { replayed, saved } => {
            format!("{}: the replay differs from the save (hash {replayed:016x} vs {saved:016x}); {before}", d.date)
        }
        Parting::Month { logged } => {
            format!("{}: the log goes on with {logged} instead; the log is damaged; {before}", d.date)
        }
        Parting::FinalState { replayed, saved } => format!(
            "replayed {}: every month matches, but the state saved differs from the replay's ({replayed:016x} vs {saved:016x})",
            months(d.matched)
        ),
    }
}

/// A bar of months replayed, on a terminal only.
fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style =
        ProgressStyle::with_template("{bar:40} {pos}/{len} months").unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}
