//! The scales the scenario format measures things on, and conversions between units. These are
//! not rule numbers (those are parameters, in [`crate::scenario::Rules`]): they say what a figure
//! means, as "morale runs from 0 to 100" or "rations are counted per thousand men".

/// Figures on a 0-100 scale (morale, supply, loyalty, legitimacy, cohesion, trust, chances in
/// percent) top out here; a share is such a figure divided by it.
pub const PERCENT: f64 = 100.0;

/// The middle of a 0-100 scale: neutral trust, and where legitimacy and cohesion settle.
pub const MIDDLE: f64 = 50.0;

/// Ten points of a 0-100 scale: the step `loyalty_drift` is stated per (a drift per ten points of
/// legitimacy).
pub const TEN_POINTS: f64 = 10.0;

/// Opinion runs from `-OPINION_SCALE` (hatred) to `OPINION_SCALE` (friendship).
pub const OPINION_SCALE: f64 = 100.0;

/// Walls run from 0 (none) to this.
pub const MAX_WALLS: f64 = 10.0;

/// Skills run from 0 to 10; this is the average, which neither helps nor hinders.
pub const AVERAGE_SKILL: f64 = 5.0;

/// The age `mortality_at_fifty` is stated at.
pub const MORTALITY_AGE: f64 = 50.0;

/// Rations, pay and yields are counted per thousand men or people.
pub const PER_THOUSAND: f64 = 1000.0;

/// Months in a year: yearly sums are paid, and a year's harvest comes in, a twelfth a month.
pub const MONTHS_PER_YEAR: f64 = 12.0;

/// A figure kept on a 0-100 scale.
pub fn points(x: f64) -> f64 {
    x.clamp(0.0, PERCENT)
}

/// An opinion kept on its -100 to 100 scale.
pub fn opinion(x: f64) -> f64 {
    x.clamp(-OPINION_SCALE, OPINION_SCALE)
}

/// Walls kept on their 0-10 scale.
pub fn walls(x: f64) -> f64 {
    x.clamp(0.0, MAX_WALLS)
}

/// Rations, pay or yield of `heads` men or people at `per_thousand` per thousand.
pub fn per_thousand(heads: f64, per_thousand: f64) -> f64 {
    heads / PER_THOUSAND * per_thousand
}
