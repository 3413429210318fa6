//! What-if sweeps: many campaigns of one scenario, run in parallel and summarised as
//! distributions with confidence intervals.
mod calibrate;
mod runner;
mod stats;

pub use calibrate::{CalibrationOptions, TargetResult, calibrate, cases_per_run};
pub use runner::{SweepOptions, derive_seed, sweep};
pub use stats::{Aggregate, FigureCounts, FigureStats, MonthHistogram, Share};
