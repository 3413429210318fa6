//! `jingkang whatif`: Monte Carlo sweeps of a scenario, with the odds of each outcome.
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use crate::scenario::{Difficulty, ScenarioRef, load_valid};
use crate::sim::{Snapshot, StaticData, Summary};
use crate::sweep::{Aggregate, FigureStats, SweepOptions, derive_seed, sweep};

use super::EXIT_INVALID;

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
    /// Worker threads (default: one per core). The results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Write one row per run to this CSV file.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Draw the outcome distribution to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

/// One set of choices swept.
struct Arm {
    label: String,
    options: SweepOptions,
    aggregate: Aggregate,
}

pub(super) fn run(args: &Args) -> ExitCode {
    match whatif(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            code
        }
    }
}

type Failure = (ExitCode, String);

fn invalid(message: String) -> Failure {
    (ExitCode::from(EXIT_INVALID), message)
}

fn failed(message: String) -> Failure {
    (ExitCode::FAILURE, message)
}

fn whatif(args: &Args) -> Result<(), Failure> {
    let (data, from) = match &args.from {
        Some(path) => {
            let snapshot = Snapshot::load(path).map_err(|e| failed(format!("error: {e}")))?;
            let data = snapshot.static_data().map_err(|e| failed(format!("error: {e}")))?;
            (Arc::new(data), Some(Arc::new(snapshot)))
        }
        None => {
            let scenario = args.scenario.as_deref().unwrap_or_default();
            let valid = load_valid(&ScenarioRef::parse(scenario)).map_err(|e| invalid(e.to_string()))?;
            (Arc::new(StaticData::configured(&valid, args.difficulty, !args.no_war_plans)), None)
        }
    };
    let imposed = data.resolve_choices(&args.choose).map_err(|e| invalid(format!("error: --choose: {e}")))?;
    if args.runs == 0 {
        return Err(invalid("error: --runs must be at least 1".into()));
    }
    if let Some(plot) = &args.plot {
        super::plot::check_destination(plot).map_err(invalid)?;
    }
    let chosen = SweepOptions {
        runs: args.runs,
        seed: args.seed,
        historical: args.historical,
        imposed: imposed.clone(),
        threads: args.threads,
        from,
    };
    let mut arms = Vec::new();
    if args.compare {
        let baseline = SweepOptions { historical: true, imposed: Default::default(), ..chosen.clone() };
        arms.push(Arm { label: "history".into(), options: baseline, aggregate: Aggregate::new(&data) });
    }
    let label = arm_label(&args.choose, args.historical);
    arms.push(Arm { label, options: chosen, aggregate: Aggregate::new(&data) });

    let mut csv = match &args.csv {
        Some(path) => Some(CsvWriter::create(path, &data).map_err(invalid)?),
        None => None,
    };
    let total = args.runs * arms.len() as u64;
    let bar = progress_bar(total);
    let started = std::time::Instant::now();
    for (arm_index, arm) in arms.iter_mut().enumerate() {
        let mut csv_error = None;
        let tick = || bar.inc(1);
        sweep(&data, &arm.options, &tick, |run, summary| {
            arm.aggregate.add(&data, summary);
            if let Some(w) = csv.as_mut()
                && let Err(e) = w.row(&data, arm_index, &arm.label, run, derive_seed(arm.options.seed, run), summary)
            {
                csv_error.get_or_insert(e);
            }
        })
        .map_err(|e| failed(format!("error: cannot start worker threads: {e}")))?;
        if let Some(e) = csv_error {
            return Err(failed(e));
        }
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(w) = csv {
        w.finish().map_err(failed)?;
    }
    // The report first: a chart that cannot be drawn does not cost the sweep's results.
    if args.json {
        print_json(&data, &arms, args).map_err(failed)?;
    } else {
        print_text(&data, &arms, args, elapsed);
    }
    if let Some(path) = &args.plot {
        let series: Vec<(&str, &Aggregate)> = arms.iter().map(|a| (a.label.as_str(), &a.aggregate)).collect();
        super::plot::draw(path, &data, &series).map_err(failed)?;
    }
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

fn print_text(data: &StaticData, arms: &[Arm], args: &Args, elapsed: f64) {
    let s = &data.scenario;
    let runs: u64 = arms.iter().map(|a| a.aggregate.runs).sum();
    println!(
        "What if: {} ({}), {} runs from seed {} in {:.1} s ({:.0} campaigns/s)",
        s.name,
        s.id,
        args.runs,
        args.seed,
        elapsed,
        runs as f64 / elapsed.max(1e-9)
    );
    if let (Some(path), Some(from)) = (&args.from, arms.first().and_then(|a| a.options.from.as_ref())) {
        println!("From: {}, played on from {} (the AI for every faction)", path.display(), from.calendar.date);
    }
    let header: Vec<&str> = arms.iter().map(|a| a.label.as_str()).collect();
    println!("Choices: {}", header.join("  ->  "));
    if let Some(level) = args.difficulty.filter(|d| *d != Difficulty::Normal) {
        println!("Difficulty: {}", level.name());
    }
    if args.no_war_plans {
        println!("Without war plans: the AI plays by its own judgement.");
    }
    if args.compare && !args.historical && !args.choose.is_empty() {
        // History on one side, the AI's answers plus the imposed ones on the other: two changes at once.
        println!("Note: the AI answers the other events; add --historical to change only the chosen answers.");
    }
    let row = |label: &str, cells: Vec<String>| println!("  {label:<44} {}", cells.join("  ->  "));

    println!("\nWinner (share of runs, 95% interval)");
    for f in (0..s.factions.len()).map(Some).chain([None]) {
        let name = f.map_or("nobody", |f| s.factions[f].name.as_str());
        if arms.iter().all(|a| a.aggregate.win_share(f).hits == 0) {
            continue;
        }
        row(name, arms.iter().map(|a| a.aggregate.win_share(f).show()).collect());
    }
    if !s.history.is_empty() {
        println!("\nHistory (matched, 95% interval; median months off when it happened otherwise)");
        for (i, check) in s.history.iter().enumerate() {
            let label = format!("{} by {}", check.text, check.date);
            row(
                &label,
                arms.iter()
                    .map(|a| {
                        let off = a.aggregate.median_divergence(i).map_or("never".into(), |m| format!("{m} mo"));
                        format!("{} [{off}]", a.aggregate.matched[i].show())
                    })
                    .collect(),
            );
        }
    }
    println!("\nProvinces that changed hands (share of runs; first change: median [quartiles])");
    for (p, province) in s.provinces.iter().enumerate() {
        if arms.iter().all(|a| a.aggregate.changed_hands[p].hits == 0) {
            continue;
        }
        row(
            &province.name,
            arms.iter()
                .map(|a| {
                    let h = &a.aggregate.change_dates[p];
                    let when = match (h.quantile(0.25), h.quantile(0.5), h.quantile(0.75)) {
                        (Some(q1), Some(m), Some(q3)) => format!(" {m} [{q1}..{q3}]"),
                        _ => String::new(),
                    };
                    format!("{}{when}", a.aggregate.changed_hands[p].show())
                })
                .collect(),
        );
    }
    println!("\nFinal figures (mean; median [quartiles])");
    const NAMES: [&str; 4] = ["silver", "grain", "legitimacy", "men"];
    for (f, faction) in s.factions.iter().enumerate() {
        for (k, what) in NAMES.iter().enumerate() {
            row(
                &format!("{} {what}", faction.name),
                arms.iter()
                    .map(|a| {
                        let st = FigureStats::from(&a.aggregate.figures[f][k]);
                        format!("{:.0}; {:.0} [{:.0}..{:.0}]", st.mean, st.median, st.q1, st.q3)
                    })
                    .collect(),
            );
        }
    }
}

fn print_json(data: &StaticData, arms: &[Arm], args: &Args) -> Result<(), String> {
    let s = &data.scenario;
    let arm_json = |a: &Arm| {
        let ag = &a.aggregate;
        let share = |sh: crate::sweep::Share| {
            let (lo, hi) = sh.interval();
            serde_json::json!({"share": sh.value(), "low": lo, "high": hi, "runs": sh.hits})
        };
        serde_json::json!({
            "choices": a.label,
            "runs": ag.runs,
            "winners": (0..s.factions.len()).map(Some).chain([None]).map(|f| serde_json::json!({
                "faction": f.map(|f| s.factions[f].id.clone()),
                "wins": share(ag.win_share(f)),
            })).collect::<Vec<_>>(),
            "history": s.history.iter().enumerate().map(|(i, c)| serde_json::json!({
                "id": c.id, "text": c.text, "expected": c.date,
                "matched": share(ag.matched[i]),
                "median_divergence_months": ag.median_divergence(i),
                "never": ag.never[i],
            })).collect::<Vec<_>>(),
            "provinces": s.provinces.iter().enumerate().map(|(p, province)| serde_json::json!({
                "id": province.id,
                "changed_hands": share(ag.changed_hands[p]),
                "first_change": {
                    "q1": ag.change_dates[p].quantile(0.25),
                    "median": ag.change_dates[p].quantile(0.5),
                    "q3": ag.change_dates[p].quantile(0.75),
                },
            })).collect::<Vec<_>>(),
            "factions": s.factions.iter().enumerate().map(|(f, faction)| serde_json::json!({
                "id": faction.id,
                "silver": FigureStats::from(&ag.figures[f][0]),
                "grain": FigureStats::from(&ag.figures[f][1]),
                "legitimacy": FigureStats::from(&ag.figures[f][2]),
                "men": FigureStats::from(&ag.figures[f][3]),
            })).collect::<Vec<_>>(),
        })
    };
    let json = serde_json::json!({
        "scenario": s.id,
        "runs": args.runs,
        "seed": args.seed,
        "arms": arms.iter().map(arm_json).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

/// One CSV row per run, written as runs finish (in run order).
struct CsvWriter {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
}

impl CsvWriter {
    fn create(path: &std::path::Path, data: &StaticData) -> Result<Self, String> {
        let file = std::fs::File::create(path).map_err(|e| format!("error: --csv {}: {e}", path.display()))?;
        let mut w = Self { path: path.to_path_buf(), out: std::io::BufWriter::new(file) };
        let s = &data.scenario;
        let mut header = vec![
            "arm".to_string(),
            "choices".into(),
            "run".into(),
            "seed".into(),
            "winner".into(),
            "final_date".into(),
        ];
        header.extend(s.history.iter().map(|c| format!("check_{}", c.id)));
        header.extend(s.provinces.iter().map(|p| format!("owner_{}", p.id)));
        for f in &s.factions {
            for k in ["silver", "grain", "legitimacy", "men"] {
                header.push(format!("{}_{k}", f.id));
            }
        }
        w.line(&header)?;
        Ok(w)
    }

    fn line(&mut self, cells: &[String]) -> Result<(), String> {
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| if c.contains([',', '"', '\n']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.clone() })
            .collect();
        writeln!(self.out, "{}", quoted.join(",")).map_err(|e| format!("error: {}: {e}", self.path.display()))
    }

    fn row(
        &mut self,
        data: &StaticData,
        arm: usize,
        label: &str,
        run: u64,
        seed: u64,
        summary: &Summary,
    ) -> Result<(), String> {
        let faction = |f: Option<crate::sim::FactionIx>| f.map_or(String::new(), |f| data.faction_id(f).to_string());
        let mut cells = vec![
            arm.to_string(),
            label.to_string(),
            run.to_string(),
            seed.to_string(),
            faction(summary.winner),
            summary.final_date.to_string(),
        ];
        cells.extend(summary.checks.iter().map(|(status, _)| format!("{status:?}").to_lowercase()));
        cells.extend(summary.owners.iter().map(|o| faction(*o)));
        for values in &summary.factions {
            cells.extend(values.iter().map(|v| format!("{v:.0}")));
        }
        self.line(&cells)
    }

    fn finish(mut self) -> Result<(), String> {
        self.out.flush().map_err(|e| format!("error: {}: {e}", self.path.display()))
    }
}
