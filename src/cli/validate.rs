//! `jingkang validate`: load and check scenarios, print every problem, exit 2 if any.
use std::process::ExitCode;

use crate::scenario::{ScenarioRef, load_valid};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Scenario files or built-in scenario ids.
    #[arg(required = true, value_name = "FILE_OR_ID")]
    scenarios: Vec<String>,
}

/// Validates each scenario; exits 0 when all are valid and 2 otherwise.
pub(super) fn run(args: &Args) -> ExitCode {
    let mut invalid = 0;
    for arg in &args.scenarios {
        match load_valid(&ScenarioRef::parse(arg)) {
            Ok(s) => println!(
                "ok: {} ({}: {} factions, {} characters, {} provinces, {} armies, {} events, {} history checks)",
                s.files[0],
                s.name,
                s.factions.len(),
                s.characters.len(),
                s.provinces.len(),
                s.armies.len(),
                s.events.len(),
                s.history.len()
            ),
            Err(errors) => {
                invalid += 1;
                for e in &errors.0 {
                    eprintln!("{e}");
                }
                let n = errors.0.len();
                eprintln!("{arg}: {n} error{}", if n == 1 { "" } else { "s" });
            }
        }
    }
    if invalid == 0 { ExitCode::SUCCESS } else { ExitCode::from(EXIT_INVALID) }
}
