//! The report of a what-if sweep, played whole (`whatif`) or merged from the partial results of
//! its shards (`merge`): the text or JSON summary, the CSV of every run and the chart. One piece
//! of code makes it either way, fed the runs in the same order, so that a merged report is the
//! whole sweep's to the byte (the text's timing apart, which is a measurement).
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::scenario::Difficulty;
use crate::sim::{StaticData, Summary};
use crate::sweep::{Aggregate, FigureStats, SweepSpec, derive_seed};

use super::EXIT_INVALID;

/// Where a sweep's report goes.
#[derive(Debug, clap::Args)]
pub(super) struct Outputs {
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
    /// Write one row per run to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub(super) csv: Option<PathBuf>,
    /// Draw the outcome distribution to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub(super) plot: Option<PathBuf>,
}

/// A command's failure: its exit status and what to say (nothing if empty).
pub(super) type Failure = (ExitCode, String);

/// A failure of what the user gave (arguments, a scenario, partial results): exit status 2.
pub(super) fn invalid(message: String) -> Failure {
    (ExitCode::from(EXIT_INVALID), message)
}

/// A failure on the way (a file that cannot be written, threads that cannot start): status 1.
pub(super) fn failed(message: String) -> Failure {
    (ExitCode::FAILURE, message)
}

/// The exit status of a command's result, its message printed.
pub(super) fn exit(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            code
        }
    }
}

/// One set of choices swept, and what its runs came to.
struct Arm {
    label: String,
    aggregate: Aggregate,
}

/// A sweep's runs counted as they come, each arm's in run order, and written to the CSV.
pub(super) struct Tally {
    arms: Vec<Arm>,
    csv: Option<CsvWriter>,
    /// The first CSV row that could not be written: the runs go on, the report fails.
    csv_error: Option<String>,
    seed: u64,
}

impl Tally {
    /// An empty tally of `spec`'s arms. The chart's and the CSV's destinations are checked (and the
    /// CSV begun) here, before any run is played or read: a long sweep is not lost at its end.
    pub(super) fn new(data: &StaticData, spec: &SweepSpec, outputs: &Outputs) -> Result<Self, String> {
        if let Some(plot) = &outputs.plot {
            super::plot::check_destination(plot)?;
        }
        let csv = match &outputs.csv {
            Some(path) => Some(CsvWriter::create(path, data)?),
            None => None,
        };
        let arms =
            spec.arms.iter().map(|label| Arm { label: label.clone(), aggregate: Aggregate::new(data) }).collect();
        Ok(Self { arms, csv, csv_error: None, seed: spec.seed })
    }

    /// Counts run `run` of arm `arm`: each arm's runs must come in run order, the first arm's
    /// first, as the whole sweep plays them.
    pub(super) fn add(&mut self, data: &StaticData, arm: usize, run: u64, summary: &Summary) {
        let Some(a) = self.arms.get_mut(arm) else { return };
        a.aggregate.add(data, summary);
        if let Some(w) = self.csv.as_mut()
            && let Err(e) = w.row(data, arm, &a.label, run, derive_seed(self.seed, run), summary)
        {
            self.csv_error.get_or_insert(e);
        }
    }

    /// Finishes the CSV, prints the report and draws the chart. `elapsed` is the seconds the runs
    /// took, for the text.
    pub(super) fn finish(
        self,
        data: &StaticData,
        spec: &SweepSpec,
        outputs: &Outputs,
        elapsed: f64,
    ) -> Result<(), String> {
        if let Some(e) = self.csv_error {
            return Err(e);
        }
        if let Some(w) = self.csv {
            w.finish()?;
        }
        // The report first: a chart that cannot be drawn does not cost the sweep's results.
        if outputs.json {
            print_json(data, spec, &self.arms)?;
        } else {
            print_text(data, spec, &self.arms, elapsed);
        }
        if let Some(path) = &outputs.plot {
            let series: Vec<(&str, &Aggregate)> = self.arms.iter().map(|a| (a.label.as_str(), &a.aggregate)).collect();
            super::plot::draw(path, data, &series)?;
        }
        Ok(())
    }
}

/// The report as text; `elapsed` is the seconds the runs took (the one part of it that is a
/// measurement, not a result).
fn print_text(data: &StaticData, spec: &SweepSpec, arms: &[Arm], elapsed: f64) {
    let s = &data.scenario;
    let runs: u64 = arms.iter().map(|a| a.aggregate.runs).sum();
    println!(
        "What if: {} ({}), {} runs from seed {} in {:.1} s ({:.0} campaigns/s)",
        s.name,
        s.id,
        spec.runs,
        spec.seed,
        elapsed,
        runs as f64 / elapsed.max(1e-9)
    );
    if let Some(from) = &spec.from {
        println!("From: {}, played on from {} (the AI for every faction)", from.save, from.date);
    }
    let header: Vec<&str> = arms.iter().map(|a| a.label.as_str()).collect();
    println!("Choices: {}", header.join("  ->  "));
    if let Some(level) = spec.difficulty.filter(|d| *d != Difficulty::Normal) {
        println!("Difficulty: {}", level.name());
    }
    if !spec.war_plans {
        println!("Without war plans: the AI plays by its own judgement.");
    }
    if spec.compare && !spec.historical && !spec.choose.is_empty() {
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

/// The report as JSON.
fn print_json(data: &StaticData, spec: &SweepSpec, arms: &[Arm]) -> Result<(), String> {
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
        "runs": spec.runs,
        "seed": spec.seed,
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
