//! The scenario format: plain serde types, loading with includes, and validation into typed errors.
mod date;
mod error;
mod load;
mod logic;
mod model;
mod rules;
mod source_map;
mod validate;

pub use date::{Date, MAX_YEAR, MIN_YEAR};
pub use error::{ErrorKind, MAX_SUGGESTED_LEN, SUGGESTION_WORK, ScenarioError, ScenarioErrors, closest as closest_id};
pub use load::{
    BuiltinScenario, Loaded, MAX_FILE_BYTES, MAX_NESTING, MAX_TOTAL_BYTES, Origin, ScenarioRef, SourceFile,
    builtin_scenarios, load,
};
pub use logic::{Compare, Condition, Effect, Factor, Weight};
pub use model::*;
pub use rules::{Difficulty, Rules};
pub use source_map::{Position, SourceMap};
pub use validate::{MAX_INDEXED, MAX_LIST, ValidScenario, levy_army_id, validate};

/// Loads and validates a scenario given as a built-in id or a path.
pub fn load_valid(scenario: &ScenarioRef) -> Result<ValidScenario, ScenarioErrors> {
    validate(load(scenario)?)
}

/// Validates a scenario that is already merged in memory, e.g. one embedded in a save.
pub fn validate_embedded(scenario: Scenario, display: &str) -> Result<ValidScenario, ScenarioErrors> {
    validate(Loaded::from_merged(scenario, display))
}

/// Parses a whole scenario from RON text (no includes), for tests and tools.
#[expect(clippy::result_large_err, reason = "a parse error ends the load; its size costs nothing")]
pub fn parse_scenario_text(text: &str) -> Result<Scenario, ScenarioError> {
    load::parse(text, "scenario text")
}
