//! `jingkang run`: play a scenario headless with the AI for every faction, print the chronicle and outcome.
use std::path::PathBuf;
use std::process::ExitCode;

use crate::scenario::{Difficulty, ScenarioRef, load_valid};
use crate::sim::{CheckStatus, Report, Sim, SimOptions, Snapshot, StaticData};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A built-in scenario id or a scenario file.
    #[arg(value_name = "SCENARIO", required_unless_present = "load")]
    scenario: Option<String>,
    /// Seed of the campaign's random numbers.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Take the historical option of every event (unless --choose says otherwise).
    #[arg(long)]
    historical: bool,
    /// Impose an answer to an event: EVENT=OPTION (repeatable).
    #[arg(long, value_name = "EVENT=OPTION")]
    choose: Vec<String>,
    /// How strong the AI is: multiplies its income and morale recovery (default: the scenario's
    /// own difficulty, normal unless it sets one).
    #[arg(long, value_enum)]
    difficulty: Option<Difficulty>,
    /// Let the AI play by its own judgement, ignoring the scenario's war plans.
    #[arg(long)]
    no_war_plans: bool,
    /// Play at most this many months.
    #[arg(long)]
    turns: Option<u32>,
    /// Print one JSON object instead of the readable chronicle.
    #[arg(long)]
    json: bool,
    /// Save the game when the run stops.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// Write each faction's provinces, men in the field and treasury, month by month, to this CSV
    /// file (what the outcome screen charts).
    #[arg(long, value_name = "FILE")]
    trends: Option<PathBuf>,
    /// Continue a saved game instead of starting SCENARIO.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["scenario", "seed", "historical", "difficulty", "no_war_plans"])]
    load: Option<PathBuf>,
    /// With --load: go back to this month of the saved campaign (its command log played again up
    /// to it) and play on from there, the AI for every faction, with the --choose answers.
    #[arg(long, value_name = "YYYY-MM", requires = "load", value_parser = parse_month)]
    fork_at: Option<crate::scenario::Date>,
    /// Seat a player for this faction (its id) who gives no orders, and stop at the start of the
    /// first month one of its events awaits his answer: saved with --save, that decision is still
    /// open when the game is continued in the window (`play --load`) or swept (`whatif --from`).
    #[arg(long, value_name = "FACTION")]
    until_decision: Option<String>,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let mut sim = match start(args) {
        Ok(sim) => sim,
        Err(code) => return code,
    };
    match &args.until_decision {
        Some(id) => {
            if let Err(code) = run_until_decision(&mut sim, id, args.turns) {
                return code;
            }
        }
        None => sim.run(args.turns),
    }
    if let Some(path) = &args.save
        && let Err(e) = sim.snapshot().save(path)
    {
        eprintln!("error: cannot save: {e}");
        return ExitCode::FAILURE;
    }
    if let Some(path) = &args.trends
        && let Err(e) = std::fs::write(path, trends_csv(&sim))
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    let report = sim.report();
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print_readable(&sim, &report);
    }
    ExitCode::SUCCESS
}

/// "1126-01" as a month.
pub(super) fn parse_month(text: &str) -> Result<crate::scenario::Date, String> {
    crate::scenario::Date::parse(text)
        .ok_or_else(|| format!("expected a month as YYYY-MM, e.g. 1126-01 (got {text:?})"))
}

fn start(args: &Args) -> Result<Sim, ExitCode> {
    if let Some(path) = &args.load {
        let fail = |e: &dyn std::fmt::Display| {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        };
        let snapshot = Snapshot::load(path).map_err(|e| fail(&e))?;
        let Some(at) = args.fork_at else {
            if !args.choose.is_empty() {
                eprintln!("error: --choose with --load needs --fork-at: a loaded game's past answers stand");
                return Err(ExitCode::from(EXIT_INVALID));
            }
            return Sim::restore(&snapshot).map_err(|e| fail(&e));
        };
        let mut sim = crate::sim::fork(&snapshot, at).map_err(|e| fail(&format!("{}: {e}", path.display())))?;
        let imposed = sim.data().resolve_choices(&args.choose).map_err(|e| {
            eprintln!("error: --choose: {e}");
            ExitCode::from(EXIT_INVALID)
        })?;
        sim.hand_to_the_ai(&imposed);
        return Ok(sim);
    }
    let arg = args.scenario.as_deref().unwrap_or_default();
    let valid = load_valid(&ScenarioRef::parse(arg)).map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(EXIT_INVALID)
    })?;
    let data = StaticData::configured(&valid, args.difficulty, !args.no_war_plans);
    let imposed = data.resolve_choices(&args.choose).map_err(|e| {
        eprintln!("error: --choose: {e}");
        ExitCode::from(EXIT_INVALID)
    })?;
    let options = SimOptions { seed: args.seed, historical: args.historical, imposed, ..Default::default() };
    Ok(Sim::new(std::sync::Arc::new(data), &options))
}

/// Plays with faction `id` seated for a player who gives no orders, until one of its events awaits
/// an answer (said on stderr), the campaign ends, or `turns` months are played.
fn run_until_decision(sim: &mut Sim, id: &str, turns: Option<u32>) -> Result<(), ExitCode> {
    let factions = &sim.data().scenario.factions;
    let Some(faction) = factions.iter().position(|f| f.id == id) else {
        let known: Vec<&str> = factions.iter().map(|f| f.id.as_str()).collect();
        eprintln!("error: --until-decision: no faction \"{id}\" (the factions are {})", known.join(", "));
        return Err(ExitCode::from(EXIT_INVALID));
    };
    sim.seat(&[crate::sim::FactionIx::new(faction)]);
    let mut played = 0;
    while sim.awaiting().is_empty() && !sim.is_over() && turns.is_none_or(|t| played < t) {
        sim.step();
        played += 1;
    }
    let events = &sim.data().scenario.events;
    let titles: Vec<String> = sim.awaiting().iter().map(|e| format!("\"{}\"", events[*e].title)).collect();
    if !titles.is_empty() {
        eprintln!("{} must answer {} in {}", factions_name(sim, faction), titles.join(", "), sim.view().date);
    }
    Ok(())
}

/// Faction `f`'s name.
fn factions_name(sim: &Sim, f: usize) -> &str {
    &sim.data().scenario.factions[f].name
}

/// The campaign's trends, one row per month and faction: the months played when measured (0 at
/// the start), the month then beginning, the faction's id, provinces held, men in its armies in
/// the field, and silver in thousands of the scenario's currency.
fn trends_csv(sim: &Sim) -> String {
    let s = &sim.data().scenario;
    let mut out = String::from("month,date,faction,provinces,men,silver_thousands\n");
    for point in sim.trends() {
        let date = s.start.plus_months(i64::from(point.month));
        for (faction, m) in s.factions.iter().zip(&point.factions) {
            out.push_str(&format!(
                "{},{date},{},{},{:.0},{:.1}\n",
                point.month, faction.id, m.provinces, m.men, m.silver
            ));
        }
    }
    out
}

fn print_readable(sim: &Sim, report: &Report) {
    let s = &sim.data().scenario;
    println!("{} (seed {})", s.name, report.seed);
    let mut month = None;
    for entry in &report.chronicle {
        if month != Some(entry.date) {
            month = Some(entry.date);
            match s.era_year(entry.date, s.factions.first().map(|f| f.id.as_str())) {
                Some(era) => println!("\n{} ({era}, month {})", entry.date, entry.date.month),
                None => println!("\n{}", entry.date),
            }
        }
        println!("  {}", entry.text);
    }
    println!("\nOutcome ({}): {}", report.outcome.final_date, report.outcome.description);
    if !report.history.is_empty() {
        println!("\nHistory:");
        for check in &report.history {
            let status = match check.status {
                CheckStatus::Matched => "matched ",
                CheckStatus::Diverged => "diverged",
                CheckStatus::Pending => "pending ",
            };
            let when = check.happened.map(|d| format!(" (happened {d})")).unwrap_or_default();
            println!("  {status}  {} by {}{when}", check.text, check.expected);
        }
    }
    println!("\nstate hash {}", report.state_hash);
}
