//! `jingkang generate`: a synthetic scenario of any size (a grid of provinces, factions all at
//! war), for measuring how the simulation scales.
use std::path::PathBuf;
use std::process::ExitCode;

use crate::sweep::{MapSize, check_map_size, generate_scenario};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Provinces in all, laid out on a grid.
    #[arg(long, default_value_t = 1000)]
    provinces: usize,
    /// Factions, each holding a strip of the grid's columns, all at war with each other.
    #[arg(long, default_value_t = 8)]
    factions: usize,
    /// Seed of the walls, garrisons, peoples and armies.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Months the scenario lasts.
    #[arg(long, default_value_t = 24)]
    months: u32,
    /// Write the scenario here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let size = MapSize { provinces: args.provinces, factions: args.factions, seed: args.seed, months: args.months };
    if let Err(e) = check_map_size(&size) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_INVALID);
    }
    let text = generate_scenario(&size);
    match &args.out {
        None => print!("{text}"),
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
