//! `jingkang bench`: how many campaigns a second each scenario sweeps on one thread and on every
//! core, and the peak memory of the process.
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use crate::scenario::{ScenarioRef, load_valid};
use crate::sim::StaticData;
use crate::sweep::{SweepOptions, sweep};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Built-in scenario ids or scenario files (default: every built-in scenario).
    scenarios: Vec<String>,
    /// Campaigns per measurement.
    #[arg(long, default_value_t = 2000)]
    runs: u64,
    /// Base seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub(super) fn run(args: &Args) -> ExitCode {
    if args.runs == 0 {
        eprintln!("error: --runs must be at least 1");
        return ExitCode::from(EXIT_INVALID);
    }
    let names = super::scenarios_or_builtins(&args.scenarios);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut threads = vec![1];
    if cores > 1 {
        threads.push(cores);
    }
    println!("{:<22} {:>6} {:>8} {:>10} {:>14}", "scenario", "turns", "threads", "seconds", "campaigns/s");
    for name in &names {
        let data = match load_valid(&ScenarioRef::parse(name)) {
            Ok(valid) => Arc::new(StaticData::new(&valid)),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(EXIT_INVALID);
            }
        };
        let turns = data.scenario.start.months_until(data.scenario.end) + 1;
        for &t in &threads {
            let options = SweepOptions { runs: args.runs, seed: args.seed, threads: t, ..Default::default() };
            let started = Instant::now();
            let mut played = 0u64;
            if let Err(e) = sweep(&data, &options, &|| {}, |_, _| played += 1) {
                eprintln!("error: cannot start worker threads: {e}");
                return ExitCode::FAILURE;
            }
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "{:<22} {:>6} {:>8} {:>10.2} {:>14.0}",
                data.scenario.id,
                turns,
                t,
                seconds,
                played as f64 / seconds.max(1e-9)
            );
        }
    }
    match peak_memory_kib() {
        Some(kib) => println!("peak memory (resident): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("peak memory: not available on this system"),
    }
    ExitCode::SUCCESS
}

/// The process's peak resident memory, from Linux's /proc.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
