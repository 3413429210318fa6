//! Streaming statistics of a sweep: shares with Wilson intervals, month histograms for dates,
//! log-scale histograms for figures. Memory does not grow with the number of runs.
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

/// A histogram of non-negative figures on a log scale (40 bins a decade, up to 10^12): quantiles
/// within about 3%, in constant memory; the mean is exact.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogHistogram {
    counts: Vec<u64>,
    sum: f64,
    n: u64,
}

const BINS_PER_DECADE: f64 = 40.0;
const DECADES: f64 = 12.0;

impl Default for LogHistogram {
    fn default() -> Self {
        Self { counts: vec![0; (BINS_PER_DECADE * DECADES) as usize + 2], sum: 0.0, n: 0 }
    }
}

impl LogHistogram {
    fn bin(value: f64) -> usize {
        if value <= 0.0 || !value.is_finite() {
            return 0;
        }
        let b = 1.0 + ((value + 1.0).log10() * BINS_PER_DECADE).floor();
        (b as usize).min((BINS_PER_DECADE * DECADES) as usize + 1)
    }

    fn value_of(bin: usize) -> f64 {
        if bin == 0 {
            return 0.0;
        }
        // The middle of the bin, back on the linear scale.
        10f64.powf((bin as f64 - 0.5) / BINS_PER_DECADE) - 1.0
    }

    pub fn add(&mut self, value: f64) {
        self.counts[Self::bin(value)] += 1;
        self.sum += value.max(0.0);
        self.n += 1;
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.sum / self.n as f64 }
    }

    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let target = (q * self.n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= target {
                return Self::value_of(i);
            }
        }
        0.0
    }
}

/// Mean and quartiles of one figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FigureStats {
    pub mean: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

impl From<&LogHistogram> for FigureStats {
    fn from(h: &LogHistogram) -> Self {
        Self { mean: h.mean(), q1: h.quantile(0.25), median: h.quantile(0.5), q3: h.quantile(0.75) }
    }
}

/// Everything a sweep counts, added to one run at a time in run order.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    pub figures: Vec<[LogHistogram; 4]>,
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
    fn log_histogram_quantiles_are_within_a_few_percent() {
        let mut h = LogHistogram::default();
        for v in 1..=1000 {
            h.add(f64::from(v) * 100.0);
        }
        assert!((h.quantile(0.5) / 50_000.0 - 1.0).abs() < 0.04, "{}", h.quantile(0.5));
        assert!((h.mean() - 50_050.0).abs() < 1e-6);
        let mut zeros = LogHistogram::default();
        zeros.add(0.0);
        assert_eq!(zeros.quantile(0.5), 0.0);
    }
}
