//! What-if sweeps: many campaigns of one scenario, run in parallel and summarised as
//! distributions with confidence intervals; the AI tournament on generated maps; and the audit of
//! what a scenario's events force.
mod audit;
mod calibrate;
mod runner;
mod stats;
mod tournament;

pub use audit::{Audit, Decree, Scripted, audit, scripted_effects};
pub use calibrate::{CalibrationOptions, TargetResult, calibrate, cases_per_run};
pub use runner::{SweepOptions, background_pool, derive_seed, sweep, sweep_on};
pub use stats::{Aggregate, FigureCounts, FigureStats, MonthHistogram, Share};
pub use tournament::{Ending, Game, Standings, TournamentError, TournamentOptions, generate_map, tournament};
