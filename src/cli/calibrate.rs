//! `jingkang calibrate`: measures each scenario's calibration targets over many seeds and says
//! which hold.
use std::process::ExitCode;
use std::sync::Arc;

use crate::scenario::{ScenarioRef, load_valid};
use crate::sim::StaticData;
use crate::sweep::{CalibrationOptions, TargetResult, calibrate, cases_per_run};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Built-in scenario ids or scenario files (default: every built-in scenario with targets).
    scenarios: Vec<String>,
    /// Campaigns per set of choices.
    #[arg(long, default_value_t = 200)]
    runs: u64,
    /// Base seed; each run's seed is derived from it.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: one per core; at most 256). The results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = super::parse_threads)]
    threads: usize,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Let the AI play by its own judgement, ignoring the scenarios' war plans.
    #[arg(long)]
    no_war_plans: bool,
}

/// Exit status when a target is missed.
const EXIT_MISSED: u8 = 1;

pub(super) fn run(args: &Args) -> ExitCode {
    if args.runs == 0 {
        eprintln!("error: --runs must be at least 1");
        return ExitCode::from(EXIT_INVALID);
    }
    let names = super::scenarios_or_builtins(&args.scenarios);
    let mut loaded = Vec::new();
    for name in &names {
        match load_valid(&ScenarioRef::parse(name)) {
            Ok(valid) => loaded.push(Arc::new(StaticData::configured(&valid, None, !args.no_war_plans))),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(EXIT_INVALID);
            }
        }
    }
    let explicit = !args.scenarios.is_empty();
    loaded.retain(|d| explicit || !d.scenario.calibration.is_empty());
    let total: u64 = loaded.iter().map(|d| cases_per_run(d) * args.runs).sum();
    let bar = super::whatif::progress_bar(total);
    let options = CalibrationOptions { runs: args.runs, seed: args.seed, threads: args.threads };
    let mut all = Vec::new();
    for data in &loaded {
        let tick = || bar.inc(1);
        match calibrate(data, &options, &tick) {
            Ok(results) => all.push((data.clone(), results)),
            Err(e) => {
                bar.finish_and_clear();
                eprintln!("error: cannot start worker threads: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    bar.finish_and_clear();
    if args.json {
        let json: Vec<_> = all
            .iter()
            .map(|(d, r)| serde_json::json!({"scenario": d.scenario.id, "runs": args.runs, "seed": args.seed, "targets": r}))
            .collect();
        match serde_json::to_string_pretty(&json) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print_text(&all, args);
    }
    let missed = all.iter().flat_map(|(_, r)| r).filter(|r| !r.pass).count();
    if missed > 0 {
        if !args.json {
            println!("\n{missed} target(s) missed.");
        }
        return ExitCode::from(EXIT_MISSED);
    }
    ExitCode::SUCCESS
}

fn print_text(all: &[(Arc<StaticData>, Vec<TargetResult>)], args: &Args) {
    if all.is_empty() {
        println!("No scenario has calibration targets.");
    }
    for (data, results) in all {
        println!(
            "{} ({}): {} runs per set of choices from seed {}{}",
            data.scenario.name,
            data.scenario.id,
            args.runs,
            args.seed,
            if args.no_war_plans { ", without war plans" } else { "" }
        );
        for r in results {
            let measured = match r.baseline {
                Some(base) => format!(
                    "{:+.1} points ({:.1}% -> {:.1}%)",
                    100.0 * r.value,
                    100.0 * base.value(),
                    100.0 * r.share.value()
                ),
                None => r.share.show(),
            };
            let measured = match r.peak {
                Some((month, share)) => format!("{measured}; {:.0}% in {month}", 100.0 * share),
                None => measured,
            };
            println!(
                "  {} {:<58} {:<32} aim {}  [{}]",
                if r.pass { "ok  " } else { "MISS" },
                r.text,
                measured,
                aim(r),
                r.choices
            );
        }
        println!();
    }
}

fn aim(r: &TargetResult) -> String {
    let unit = if r.baseline.is_some() { " points" } else { "%" };
    let pct = |x: f64| format!("{:.0}{unit}", 100.0 * x);
    let shares = match (r.at_least, r.at_most) {
        (Some(low), Some(high)) => format!("{} to {}", pct(low), pct(high)),
        (Some(low), None) => format!(">= {}", pct(low)),
        (None, Some(high)) => format!("<= {}", pct(high)),
        (None, None) => String::new(),
    };
    match r.most_in_one_month {
        Some(most) => format!("{shares}, <= {:.0}% in one month", 100.0 * most),
        None => shares,
    }
}
