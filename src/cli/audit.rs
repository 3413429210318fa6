//! `jingkang audit`: what a scenario's events force by decree (men raised or removed, land ceded,
//! walls changed), beside what they raise through the rules (levies, defections), with the totals
//! historical campaigns apply.
use std::process::ExitCode;
use std::sync::Arc;

use crate::scenario::{ScenarioRef, load_valid};
use crate::sim::StaticData;
use crate::sweep::{Audit, Decree, audit};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A built-in scenario id or a scenario file.
    scenario: String,
    /// Historical campaigns to play (every event answered as history did).
    #[arg(long, default_value_t = 100)]
    runs: usize,
    /// Seed of the first campaign; the others follow it.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Exit with status 1 if the campaigns raised or removed any men by decree.
    #[arg(long)]
    strict: bool,
}

/// Exit status of `--strict` when men were raised or removed by decree.
const EXIT_FORCED: u8 = 1;

/// The kinds in the order the audit prints them.
const KINDS: [Decree; 7] =
    [Decree::Raises, Decree::Removes, Decree::Cedes, Decree::Walls, Decree::Levies, Decree::SendsHome, Decree::Defects];

pub(super) fn run(args: &Args) -> ExitCode {
    if args.runs == 0 {
        eprintln!("error: --runs must be at least 1");
        return ExitCode::from(EXIT_INVALID);
    }
    let valid = match load_valid(&ScenarioRef::parse(&args.scenario)) {
        Ok(valid) => valid,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let data = Arc::new(StaticData::new(&valid));
    let bar = super::whatif::progress_bar(args.runs as u64);
    let report = audit(&data, args.runs, args.seed, &|| bar.inc(1));
    bar.finish_and_clear();
    print_audit(&data, &report, args.seed);
    let forced = report.per_campaign(Decree::Raises) + report.per_campaign(Decree::Removes);
    if args.strict && forced > 0.0 { ExitCode::from(EXIT_FORCED) } else { ExitCode::SUCCESS }
}

/// The audit as text: each kind's effects with how often history took them, then the totals.
fn print_audit(data: &StaticData, report: &Audit, seed: u64) {
    let s = &data.scenario;
    println!(
        "What the events of {} ({}) force, over {} historical campaigns from seed {seed}",
        s.name, s.id, report.runs
    );
    for kind in KINDS {
        let rows: Vec<usize> = (0..report.effects.len()).filter(|k| report.effects[*k].kind == kind).collect();
        println!("\n{}", kind.heading());
        if rows.is_empty() {
            println!("  none");
            continue;
        }
        for k in rows {
            let e = &report.effects[k];
            let event = &s.events[e.event];
            let option = &event.options[e.option];
            let taken = 100.0 * report.taken[k] as f64 / report.runs as f64;
            let amount = e.amount().map_or_else(|| "its army".to_string(), |a| format!("{a:.0}"));
            let when = if e.conditional { " (if its condition holds)" } else { "" };
            println!(
                "  {:<44} {:<40} {:>9}  taken in {taken:>5.1}% of runs{when}",
                format!("{} / {}", event.id, option.id),
                e.what,
                amount
            );
        }
        println!("  per campaign: {:.0}", report.per_campaign(kind));
    }
    println!("\nPer campaign, on average:");
    println!("  men raised by decree            {:>10.0}", report.per_campaign(Decree::Raises));
    println!("  men removed by decree           {:>10.0}", report.per_campaign(Decree::Removes));
    println!("  provinces ceded by decree       {:>10.1}", report.per_campaign(Decree::Cedes));
    println!("  wall levels changed by decree   {:>10.1}", report.per_campaign(Decree::Walls));
    println!("  men called up by Levy effects   {:>10.0}", report.per_campaign(Decree::Levies));
    println!("  men sent home by their court    {:>10.0}", report.per_campaign(Decree::SendsHome));
}
