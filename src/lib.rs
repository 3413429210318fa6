//! Jingkang: a turn-based grand strategy game of the fall of the Northern Song.
pub mod scenario;
