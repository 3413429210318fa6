//! `jingkang whatif`: Monte Carlo sweeps of a scenario, with the odds of each outcome; or one
//! shard of such a sweep (`--shard K/N --out PART`), for `jingkang merge` to put together.
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use crate::scenario::{Difficulty, ScenarioRef, load_valid};
use crate::sim::{RULES_FINGERPRINT, Snapshot, StaticData};
use crate::sweep::{PartialWriter, Shard, SweepOptions, SweepSpec, SweptFrom, scenario_hash, sweep_range};

use super::sweep_report::{Failure, Outputs, Tally, exit, failed, invalid};

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A built-in scenario id or a scenario file.
    #[arg(required_unless_present = "from")]
    scenario: Option<String>,
    /// Sweep the odds from this saved game on instead of from the scenario's start: every run
    /// continues it on its own dice, every faction played by the AI.
    #[arg(long, value_name = "SAVE", conflicts_with_all = ["scenario", "difficulty", "no_war_plans"])]
    from: Option<PathBuf>,
    /// Campaigns to play.
    #[arg(long, default_value_t = 1000)]
    runs: u64,
    /// Base seed; each run's seed is derived from it.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Take the historical option of every event unless --choose says otherwise.
    #[arg(long)]
    historical: bool,
    /// Impose an answer to an event: EVENT=OPTION (repeatable).
    #[arg(long, value_name = "EVENT=OPTION")]
    choose: Vec<String>,
    /// Also run the historical choices on the same seeds and show both side by side.
    #[arg(long)]
    compare: bool,
    /// How strong the AI is (default: the scenario's own difficulty, normal unless it sets one).
    #[arg(long, value_enum)]
    difficulty: Option<Difficulty>,
    /// Let the AI play by its own judgement, ignoring the scenario's war plans.
    #[arg(long)]
    no_war_plans: bool,
    /// Worker threads (default: one per core; at most 256). The results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = super::parse_threads)]
    threads: usize,
    #[command(flatten)]
    outputs: Outputs,
    /// Play only the K-th of N slices of the runs (numbered from 1: 1/3, 2/3, 3/3) and write
    /// them to --out, for `jingkang merge`.
    #[arg(long, value_name = "K/N", requires = "out")]
    shard: Option<Shard>,
    /// Write the runs played (every run, or --shard's) to this file for `jingkang merge`, which
    /// makes the report, instead of printing it.
    #[arg(long, value_name = "PART", conflicts_with_all = ["json", "csv", "plot"])]
    out: Option<PathBuf>,
}

/// One set of choices swept.
struct Arm {
    label: String,
    options: SweepOptions,
}

pub(super) fn run(args: &Args) -> ExitCode {
    exit(whatif(args))
}

fn whatif(args: &Args) -> Result<(), Failure> {
    // The scenario as loaded goes into a partial, for the merge to build it again from.
    let (data, from, loaded) = match &args.from {
        Some(path) => {
            let snapshot = Snapshot::load(path).map_err(|e| failed(format!("error: {e}")))?;
            let data = snapshot.static_data().map_err(|e| failed(format!("error: {e}")))?;
            let from = SweptFrom {
                save: path.display().to_string(),
                date: snapshot.calendar.date,
                state_hash: format!("{:016x}", snapshot.state_hash()),
            };
            let loaded = args.out.is_some().then(|| snapshot.scenario.clone());
            (Arc::new(data), Some((Arc::new(snapshot), from)), loaded)
        }
        None => {
            let scenario = args.scenario.as_deref().unwrap_or_default();
            let valid = load_valid(&ScenarioRef::parse(scenario)).map_err(|e| invalid(e.to_string()))?;
            let data = StaticData::configured(&valid, args.difficulty, !args.no_war_plans);
            (Arc::new(data), None, args.out.is_some().then(|| valid.scenario().clone()))
        }
    };
    let imposed = data.resolve_choices(&args.choose).map_err(|e| invalid(format!("error: --choose: {e}")))?;
    if args.runs == 0 {
        return Err(invalid("error: --runs must be at least 1".into()));
    }
    let chosen = SweepOptions {
        runs: args.runs,
        seed: args.seed,
        historical: args.historical,
        imposed: imposed.clone(),
        threads: args.threads,
        from: from.as_ref().map(|(snapshot, _)| snapshot.clone()),
    };
    let mut arms = Vec::new();
    if args.compare {
        let baseline = SweepOptions { historical: true, imposed: Default::default(), ..chosen.clone() };
        arms.push(Arm { label: "history".into(), options: baseline });
    }
    arms.push(Arm { label: arm_label(&args.choose, args.historical), options: chosen });
    let spec = SweepSpec {
        rules: RULES_FINGERPRINT.to_string(),
        scenario: data.scenario.id.clone(),
        scenario_hash: scenario_hash(&data.scenario),
        difficulty: args.difficulty,
        war_plans: !args.no_war_plans,
        from: from.map(|(_, from)| from),
        runs: args.runs,
        seed: args.seed,
        historical: args.historical,
        choose: args.choose.clone(),
        compare: args.compare,
        arms: arms.iter().map(|a| a.label.clone()).collect(),
    };
    match (&args.out, &loaded) {
        (Some(out), Some(loaded)) => write_shard(&data, &spec, &arms, args.shard.unwrap_or(Shard::WHOLE), out, loaded),
        _ => report(&data, &spec, &arms, &args.outputs),
    }
}

/// Plays the runs `runs` of every arm, handing each summary to `each` (arm by arm, in run order);
/// returns the seconds they took.
fn play(
    data: &Arc<StaticData>,
    arms: &[Arm],
    runs: std::ops::Range<u64>,
    mut each: impl FnMut(usize, u64, &crate::sim::Summary),
) -> Result<f64, Failure> {
    let bar = progress_bar((runs.end - runs.start) * arms.len() as u64);
    let started = std::time::Instant::now();
    for (index, arm) in arms.iter().enumerate() {
        let tick = || bar.inc(1);
        sweep_range(data, &arm.options, runs.clone(), &tick, |run, summary| each(index, run, summary))
            .map_err(|e| failed(format!("error: cannot start worker threads: {e}")))?;
    }
    bar.finish_and_clear();
    Ok(started.elapsed().as_secs_f64())
}

/// The whole sweep, and its report.
fn report(data: &Arc<StaticData>, spec: &SweepSpec, arms: &[Arm], outputs: &Outputs) -> Result<(), Failure> {
    let mut tally = Tally::new(data, spec, outputs).map_err(invalid)?;
    let elapsed = play(data, arms, 0..spec.runs, |arm, run, summary| tally.add(data, arm, run, summary))?;
    tally.finish(data, spec, outputs, elapsed).map_err(failed)
}

/// One shard of the sweep, written to `out` as a partial; `loaded` is the scenario as loaded.
fn write_shard(
    data: &Arc<StaticData>,
    spec: &SweepSpec,
    arms: &[Arm],
    shard: Shard,
    out: &std::path::Path,
    loaded: &crate::scenario::Scenario,
) -> Result<(), Failure> {
    // Begun before the runs, so that a place it cannot be written to is known at once.
    let mut writer = PartialWriter::create(out, spec, shard, loaded).map_err(|e| invalid(format!("error: {e}")))?;
    let mut error = None;
    let runs = shard.runs(spec.runs);
    let elapsed = play(data, arms, runs.clone(), |arm, run, summary| {
        if error.is_none()
            && let Err(e) = writer.add(arm, run, summary)
        {
            error = Some(e);
        }
    })?;
    if let Some(e) = error {
        return Err(failed(format!("error: {e}")));
    }
    writer.finish(elapsed).map_err(|e| failed(format!("error: {e}")))?;
    println!(
        "Shard {shard} of {} ({}): runs {}..{} of {} from seed {}, {} campaigns in {elapsed:.1} s, written to {}",
        data.scenario.name,
        data.scenario.id,
        runs.start,
        runs.end,
        spec.runs,
        spec.seed,
        (runs.end - runs.start) * arms.len() as u64,
        out.display()
    );
    Ok(())
}

/// How a set of choices is named in the report, the CSV and the chart: the imposed answers, and
/// who answers every other event (history or the AI), since that changes the odds as much.
fn arm_label(choose: &[String], historical: bool) -> String {
    let others = if historical { "history" } else { "AI" };
    match choose {
        [] if historical => "history".to_string(),
        [] => "AI choices".to_string(),
        _ => format!("{} (others: {others})", choose.join(", ")),
    }
}

/// A progress bar on a terminal; nothing when the output is piped.
pub(super) fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} campaigns ({per_sec}, {eta} left)")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}
