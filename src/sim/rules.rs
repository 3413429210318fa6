//! Rule parameters: every constant of the rules, with its documented default.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// The numbers the rules use. Each has a default chosen to make the history plausible; see
/// `docs/rules.md` for what each does.
#[derive(Resource, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// Grain a thousand people yield their owner in a month.
    pub grain_tax: f64,
    /// Share of a province's yield that reaches an owner its people do not hold legitimate.
    pub disloyal_yield: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            grain_tax: 0.08,
            disloyal_yield: 0.4,
        }
    }
}
