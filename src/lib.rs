//! Jingkang: a turn-based grand strategy game of the fall of the Northern Song (1115-1127).
//!
//! [`scenario`] holds the data format and its validation; [`cli`] the `jingkang` command.
pub mod cli;
#[cfg(feature = "gui")]
pub mod gui;
pub mod scenario;
pub mod sim;
pub mod sweep;
