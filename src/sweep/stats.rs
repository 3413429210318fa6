//! Streaming statistics of a sweep: shares with Wilson intervals, month histograms for dates,
//! counts of each value for figures. Memory does not grow with the number of runs.
use std::collections::BTreeMap;

use serde::Serialize;

use crate::scenario::Date;
use crate::sim::{CheckStatus, StaticData, Summary};

/// A share of runs, e.g. the runs Jin won.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub hits: u64,
    pub total: u64,
}

impl Share {
    pub fn add(&mut self, hit: bool) {
        self.hits += u64::from(hit);
        self.total += 1;
    }

    /// The share, 0-1.
    pub fn value(self) -> f64 {
        if self.total == 0 { 0.0 } else { self.hits as f64 / self.total as f64 }
    }

    /// The 95% Wilson score interval.
    pub fn interval(self) -> (f64, f64) {
        if self.total == 0 {
            return (0.0, 1.0);
        }
        let (n, p, z) = (self.total as f64, self.value(), 1.959_963_984_540_054);
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }

    /// "81.2% (80.4-82.0)".
    pub fn show(self) -> String {
        let (lo, hi) = self.interval();
        format!("{:.1}% ({:.1}-{:.1})", 100.0 * self.value(), 100.0 * lo, 100.0 * hi)
    }
}

/// Counts by month since a start date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthHistogram {
    pub start: Date,
    pub counts: Vec<u64>,
}

impl MonthHistogram {
    pub fn new(start: Date, months: usize) -> Self {
        Self { start, counts: vec![0; months.max(1)] }
    }

    pub fn add(&mut self, date: Date) {
        let i = self.start.months_until(date).clamp(0, self.counts.len() as i64 - 1) as usize;
        self.counts[i] += 1;
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The month below which a share `q` of the dates fall; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<Date> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let target = (q * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= target {
                return Some(self.start.plus_months(i as i64));
            }
        }
        None
    }
}

/// How many runs ended with each value of one figure (a faction's silver, say). Quantiles are
/// exact while the figure has taken at most [`FigureCounts::MOST_VALUES`] different values; past
/// that, values are kept to fewer significant digits (six, then five, and so on) until they fit
/// again, so that memory stays bounded however many runs are added. The mean is always exact.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FigureCounts {
    /// Runs by value, keyed by [`order_key`] so that the map iterates in value order.
    counts: BTreeMap<u64, u64>,
    /// Significant digits the values are rounded to; `None` while they are kept exactly.
    digits: Option<i32>,
    sum: f64,
    n: u64,
}

impl FigureCounts {
    /// The most different values kept before they are rounded.
    pub const MOST_VALUES: usize = 4096;
    /// Significant digits kept at the first rounding.
    const FIRST_DIGITS: i32 = 6;

    /// Counts one run that ended with `value`.
    pub fn add(&mut self, value: f64) {
        self.sum += value;
        self.n += 1;
        let kept = self.digits.map_or(value, |d| round_to_digits(value, d));
        *self.counts.entry(order_key(kept)).or_default() += 1;
        while self.counts.len() > Self::MOST_VALUES && self.digits.is_none_or(|d| d > 1) {
            self.round_to(self.digits.map_or(Self::FIRST_DIGITS, |d| d - 1));
        }
    }

    /// Merges the values kept so far into their roundings to `digits` significant digits.
    fn round_to(&mut self, digits: i32) {
        let mut rounded = BTreeMap::new();
        for (key, count) in std::mem::take(&mut self.counts) {
            *rounded.entry(order_key(round_to_digits(from_order_key(key), digits))).or_default() += count;
        }
        self.counts = rounded;
        self.digits = Some(digits);
    }

    /// Significant digits the values are kept to; `None` while they are exact.
    pub fn digits(&self) -> Option<i32> {
        self.digits
    }

    /// The exact mean of every value counted; 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.sum / self.n as f64 }
    }

    /// The smallest value at or below which a share `q` of the runs fall; 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let target = (q * self.n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (key, count) in &self.counts {
            seen += count;
            if seen >= target {
                return from_order_key(*key);
            }
        }
        0.0
    }
}

/// `value` to `digits` significant digits.
fn round_to_digits(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(digits - 1 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

/// A key whose unsigned order is `value`'s total order (negative values first).
fn order_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

/// Mean and quartiles of one figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FigureStats {
    pub mean: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

impl From<&FigureCounts> for FigureStats {
    fn from(h: &FigureCounts) -> Self {
        Self { mean: h.mean(), q1: h.quantile(0.25), median: h.quantile(0.5), q3: h.quantile(0.75) }
    }
}

/// Everything a sweep counts, added to one run at a time in run order.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    pub runs: u64,
    /// Wins by faction index; the last entry counts runs nobody won.
    pub winners: Vec<u64>,
    /// Per province: the runs in which it changed hands, and when it first did.
    pub changed_hands: Vec<Share>,
    pub change_dates: Vec<MonthHistogram>,
    /// Per history check: the runs that matched history, and how many months off the others were.
    pub matched: Vec<Share>,
    pub divergence: Vec<MonthHistogram>,
    /// Runs in which the check never came true at all.
    pub never: Vec<u64>,
    /// Per faction: silver, grain, legitimacy, men.
    pub figures: Vec<[FigureCounts; 4]>,
}

impl Aggregate {
    /// An empty aggregate for sweeps of `data`.
    pub fn new(data: &StaticData) -> Self {
        let s = &data.scenario;
        let months = (s.start.months_until(s.end) + 2) as usize;
        let zero = Date::new(0, 1);
        Self {
            runs: 0,
            winners: vec![0; s.factions.len() + 1],
            changed_hands: vec![Share::default(); s.provinces.len()],
            change_dates: vec![MonthHistogram::new(s.start, months); s.provinces.len()],
            matched: vec![Share::default(); s.history.len()],
            divergence: vec![MonthHistogram::new(zero, months); s.history.len()],
            never: vec![0; s.history.len()],
            figures: (0..s.factions.len()).map(|_| Default::default()).collect(),
        }
    }

    /// Counts one campaign.
    pub fn add(&mut self, data: &StaticData, summary: &Summary) {
        self.runs += 1;
        let nobody = self.winners.len() - 1;
        self.winners[summary.winner.map_or(nobody, |w| w.get())] += 1;
        for (p, first) in summary.first_transfers.iter().enumerate() {
            self.changed_hands[p].add(first.is_some());
            if let Some(date) = first {
                self.change_dates[p].add(*date);
            }
        }
        for (i, (status, happened)) in summary.checks.iter().enumerate() {
            self.matched[i].add(*status == CheckStatus::Matched);
            match (status, happened) {
                (CheckStatus::Matched, _) => self.divergence[i].add(Date::new(0, 1)),
                (_, Some(date)) => {
                    let off = data.scenario.history[i].date.months_until(*date).abs();
                    self.divergence[i].add(Date::new(0, 1).plus_months(off));
                }
                (_, None) => self.never[i] += 1,
            }
        }
        for (f, values) in summary.factions.iter().enumerate() {
            for (k, v) in values.iter().enumerate() {
                self.figures[f][k].add(*v);
            }
        }
    }

    /// The share of runs faction `f` (or nobody, `None`) won.
    pub fn win_share(&self, f: Option<usize>) -> Share {
        let i = f.unwrap_or(self.winners.len() - 1);
        Share { hits: self.winners[i], total: self.runs }
    }

    /// Median months a check was off history, among the runs in which it happened.
    pub fn median_divergence(&self, check: usize) -> Option<i64> {
        self.divergence[check].quantile(0.5).map(|d| Date::new(0, 1).months_until(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_brackets_the_share() {
        let s = Share { hits: 81, total: 100 };
        let (lo, hi) = s.interval();
        assert!(lo < 0.81 && 0.81 < hi);
        assert!((lo - 0.722).abs() < 0.005 && (hi - 0.874).abs() < 0.005, "{lo} {hi}");
        assert_eq!(Share { hits: 0, total: 0 }.interval(), (0.0, 1.0));
    }

    #[test]
    fn month_quantiles_are_exact() {
        let mut h = MonthHistogram::new(Date::new(1125, 10), 30);
        for m in [0, 1, 1, 2, 10] {
            h.add(Date::new(1125, 10).plus_months(m));
        }
        assert_eq!(h.quantile(0.5), Some(Date::new(1125, 11)));
        assert_eq!(h.quantile(1.0), Some(Date::new(1126, 8)));
        assert_eq!(MonthHistogram::new(Date::new(1125, 1), 3).quantile(0.5), None);
    }

    #[test]
    fn figure_quantiles_are_values_that_runs_had() {
        let mut all_same = FigureCounts::default();
        for _ in 0..1000 {
            all_same.add(40_000.0);
        }
        let st = FigureStats::from(&all_same);
        assert_eq!((st.q1, st.median, st.q3, st.mean), (40_000.0, 40_000.0, 40_000.0, 40_000.0));
        let mut spread = FigureCounts::default();
        for v in (1..=1000).rev() {
            spread.add(f64::from(v) * 100.0 + 0.25);
        }
        assert_eq!(spread.quantile(0.5), 50_000.25);
        assert_eq!(spread.quantile(0.25), 25_000.25);
        assert_eq!(spread.quantile(1.0), 100_000.25);
        assert!((spread.mean() - 50_050.25).abs() < 1e-9);
        assert_eq!(spread.digits(), None);
        assert_eq!(FigureCounts::default().quantile(0.5), 0.0);
    }

    #[test]
    fn negative_and_zero_figures_keep_their_order() {
        let mut h = FigureCounts::default();
        for v in [3.0, -2.0, 0.0, -10.5, 7.0] {
            h.add(v);
        }
        assert_eq!(h.quantile(0.2), -10.5);
        assert_eq!(h.quantile(0.4), -2.0);
        assert_eq!(h.quantile(0.6), 0.0);
        assert_eq!(h.quantile(1.0), 7.0);
    }

    #[test]
    fn many_different_figures_are_rounded_to_stay_bounded() {
        let mut h = FigureCounts::default();
        let runs = 50_000;
        for i in 0..runs {
            // Every run a different value, spread over two decades.
            h.add(1_000.0 + f64::from(i) * 1.98);
        }
        assert!(h.counts.len() <= FigureCounts::MOST_VALUES, "{} values kept", h.counts.len());
        let digits = h.digits().expect("50,000 different values cannot all be kept");
        assert!(digits >= 3, "rounded to {digits} digits");
        let true_median = 1_000.0 + f64::from(runs / 2 - 1) * 1.98;
        assert!((h.quantile(0.5) / true_median - 1.0).abs() < 1e-3, "{} vs {true_median}", h.quantile(0.5));
        assert!((h.mean() - (1_000.0 + f64::from(runs - 1) * 0.99)).abs() < 1e-6);
    }
}
