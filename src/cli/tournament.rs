//! `jingkang tournament`: the strategic planner against the classic (easy) AI on generated
//! symmetric maps, each map played twice with the roles swapped.
use std::process::ExitCode;

use crate::sweep::{TournamentOptions, generate_map, tournament};

use super::EXIT_INVALID;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Games in all: two per map, the roles swapped (rounded up to an even number).
    #[arg(long, default_value_t = 200)]
    games: u64,
    /// Base seed of the maps and the games.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Months a game lasts at most.
    #[arg(long, default_value_t = 36)]
    months: u32,
    /// Worker threads (default: one per core; at most 256). The results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = super::parse_threads)]
    threads: usize,
    /// Rule parameters every map sets, as a scenario's `rules: (...)` writes them, e.g.
    /// "ai_walls_weight: 2.0, ai_reach_days: 30": to weigh a change to the AI's numbers.
    #[arg(long, default_value = "")]
    rules: String,
    /// Print the scenario text of map N of this seed instead of playing (to play it yourself
    /// with `jingkang play FILE`, or study it).
    #[arg(long, value_name = "N")]
    print_map: Option<u64>,
}

pub(super) fn run(args: &Args) -> ExitCode {
    if args.games == 0 || args.months == 0 {
        eprintln!("error: --games and --months must be at least 1");
        return ExitCode::from(EXIT_INVALID);
    }
    if let Some(map) = args.print_map {
        print!("{}", generate_map(crate::sweep::derive_seed(args.seed, map), args.months, &args.rules));
        return ExitCode::SUCCESS;
    }
    let options = TournamentOptions {
        games: args.games,
        seed: args.seed,
        months: args.months,
        threads: args.threads,
        rules: args.rules.clone(),
    };
    let bar = super::whatif::progress_bar(args.games.div_ceil(2) * 2);
    let standings = tournament(&options, &|| bar.inc(1));
    bar.finish_and_clear();
    match standings {
        Ok(standings) => {
            println!(
                "Tournament: the strategic planner against the classic AI, {} games on {} generated maps (seed {}), roles swapped on each map, {} months at most",
                standings.games.len(),
                standings.games.len() / 2,
                args.seed,
                args.months
            );
            print!("{}", standings.table());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
