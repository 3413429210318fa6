//! The command line: one subcommand per file, composed here.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audit;
mod bench;
mod calibrate;
mod generate;
mod glyphs;
mod merge;
mod play;
mod plot;
mod replay;
mod run;
mod scenarios;
mod sweep_report;
mod tournament;
mod validate;
mod whatif;

/// Jingkang: the fall of the Northern Song (1115-1127), a turn-based grand strategy game.
#[derive(Debug, Parser)]
#[command(name = "jingkang", version, about, long_about = None)]
struct Cli {
    /// Without a command, the game window opens (`play`).
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open the game window (the default): the start screen, or straight into a scenario.
    Play(play::Args),
    /// List the built-in scenarios.
    Scenarios,
    /// Write a synthetic scenario of any size (a grid of provinces, factions all at war).
    Generate(generate::Args),
    /// Play a scenario headless, the AI for every faction; print the chronicle and outcome.
    Run(run::Args),
    /// Play a scenario many times (Monte Carlo) and show how the odds of each outcome change.
    Whatif(whatif::Args),
    /// Put together the partial results of a sweep's shards (`whatif --shard K/N --out PART`):
    /// the report the whole sweep gives.
    Merge(merge::Args),
    /// Measure how many campaigns a second each scenario sweeps, on one thread and on every core.
    Bench(bench::Args),
    /// Measure the scenarios' calibration targets (the odds the design aims for) over many seeds.
    Calibrate(calibrate::Args),
    /// Check scenario files (or built-in ids) and report every problem with its place.
    Validate(validate::Args),
    /// Play a save's logged orders and answers again from its campaign's start, checking the state
    /// month by month, and report the first month that differs.
    Replay(replay::Args),
    /// Play the strategic AI against the classic (easy) one on generated symmetric maps.
    Tournament(tournament::Args),
    /// List what a scenario's events force by decree (men raised or removed, land ceded, walls
    /// changed) and how much of it historical campaigns apply.
    Audit(audit::Args),
}

/// Exit status for a scenario that failed validation (also clap's status for bad arguments).
pub const EXIT_INVALID: u8 = 2;

/// `--difficulty easy|normal|hard`.
impl clap::ValueEnum for crate::scenario::Difficulty {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// `--threads N`: a count of worker threads, 0 for one per core, at most
/// [`MAX_THREADS`](crate::sweep::MAX_THREADS).
fn parse_threads(arg: &str) -> Result<usize, String> {
    let threads: usize = arg.parse().map_err(|_| format!("\"{arg}\" is not a number of threads"))?;
    let most = crate::sweep::MAX_THREADS;
    if threads > most {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        return Err(format!(
            "{threads} is more than the {most} threads a sweep can use (this machine has {cores} cores; 0 means one per \
             core, and the results do not depend on the count)"
        ));
    }
    Ok(threads)
}

/// The scenarios named on the command line, or every built-in one when none is.
fn scenarios_or_builtins(named: &[String]) -> Vec<String> {
    if named.is_empty() {
        crate::scenario::builtin_scenarios().into_iter().map(|b| b.id).collect()
    } else {
        named.to_vec()
    }
}

/// The command run when none is named: `play`, with its options' defaults as clap gives them (a
/// derived `Default` would give zeros where they are not).
fn default_command() -> Option<Command> {
    Cli::try_parse_from(["jingkang", "play"]).ok()?.command
}

/// Parses the command line and runs the subcommand.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command.or_else(default_command) else { return ExitCode::FAILURE };
    match command {
        Command::Play(args) => play::run(&args),
        Command::Scenarios => scenarios::run(),
        Command::Generate(args) => generate::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Tournament(args) => tournament::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Whatif(args) => whatif::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Audit(args) => audit::run(&args),
    }
}
