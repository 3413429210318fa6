//! What-if sweeps: many campaigns of one scenario, run in parallel and summarised as
//! distributions with confidence intervals; and the AI tournament on generated maps.
mod calibrate;
mod runner;
mod stats;
mod tournament;

pub use calibrate::{CalibrationOptions, TargetResult, calibrate, cases_per_run};
pub use runner::{SweepOptions, derive_seed, sweep};
pub use stats::{Aggregate, FigureCounts, FigureStats, MonthHistogram, Share};
pub use tournament::{Ending, Game, Standings, TournamentError, TournamentOptions, generate_map, tournament};
