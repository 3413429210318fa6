//! What-if sweeps: many campaigns of one scenario, run in parallel and summarised as
//! distributions with confidence intervals; the AI tournament on generated maps; and the audit of
//! what a scenario's events force; synthetic maps of any size; sweeps cut into shards played
//! apart and merged.
mod audit;
mod calibrate;
mod generate;
mod runner;
mod shard;
mod stats;
mod tournament;

pub use audit::{Audit, Decree, Scripted, audit, scripted_effects};
pub use calibrate::{CalibrationOptions, TargetResult, calibrate, cases_per_run};
pub use generate::{MapSize, check as check_map_size, generate_scenario};
pub use runner::{MAX_THREADS, SweepOptions, background_pool, derive_seed, sweep, sweep_on, sweep_range};
pub use shard::{
    PARTIAL_FORMAT, PARTIAL_VERSION, Partial, PartialError, PartialHeader, PartialWriter, Shard, ShardParseError,
    ShardSet, SweepSpec, SweptFrom, scenario_hash,
};
pub use stats::{Aggregate, FigureCounts, FigureStats, MonthHistogram, Share};
pub use tournament::{Ending, Game, Standings, TournamentError, TournamentOptions, generate_map, tournament};
