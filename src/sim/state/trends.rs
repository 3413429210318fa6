//! Trends: each faction's provinces, men and silver month by month, for the outcome screen's
//! charts (and anyone else who wants the shape of a campaign rather than its last month).
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

/// One faction's measures at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    /// Provinces it holds.
    pub provinces: u32,
    /// Men in its armies in the field, the view's "troops"; garrisons are not counted, as the
    /// window's top bar and faction cards do not count them.
    pub men: f64,
    /// Silver in its treasury, thousands of the scenario's currency.
    pub silver: f64,
}

/// Every faction's measures as a month begins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// Months played when they were taken: 0 at the scenario's start, 1 once its first month is
    /// over, and so on (the month then beginning is `Calendar::start` plus this many).
    pub month: u32,
    /// One per faction, in faction order.
    pub factions: Vec<Measures>,
}

/// The most points [`Trends`] keeps: 83 years of months, several times the longest built-in
/// campaign, and more than a chart is wide. A longer campaign's series is thinned to every
/// second, fourth, eighth... month, so that a chart of a game of any length still draws it whole.
pub const TREND_POINTS_KEPT: usize = 1_000;

/// The campaign's trends so far, oldest first: one point at its start and one at the end of every
/// month played; in a campaign of more than [`TREND_POINTS_KEPT`] months, a thinned series: the
/// start, the latest and, between them, points of every month for the latest months and of every
/// 2nd, 4th, 8th... month (counted from the scenario's start) further back.
/// A campaign continued from a save written before trends were kept starts its series at the
/// month it was loaded; a quiet campaign (a sweep's) keeps none.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trends(pub Vec<TrendPoint>);

impl Trends {
    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records `point`; one taken again for a month already recorded replaces it and drops every
    /// later one, so that the months always rise, as [`Trends::fits`] asks of a save.
    pub fn record(&mut self, point: TrendPoint) {
        if self.0.last().is_some_and(|last| last.month >= point.month) {
            self.0.retain(|p| p.month < point.month);
        }
        self.0.push(point);
        self.thin(TREND_POINTS_KEPT);
    }

    /// Over `kept` points, keeps the first, the last and those of every `2^k`th month between,
    /// `k` the least that leaves at most half of `kept`: the series a chart draws, evenly spaced
    /// whatever the campaign's length. What it keeps depends on the points alone, so a game
    /// continued from a save thins its series as the game not stopped would have.
    fn thin(&mut self, kept: usize) {
        if self.0.len() <= kept {
            return;
        }
        let last = self.0.len() - 1;
        let mut stride: u32 = 2;
        loop {
            let on_stride = |i: usize, p: &TrendPoint| i == 0 || i == last || p.month.is_multiple_of(stride);
            let left = self.0.iter().enumerate().filter(|(i, p)| on_stride(*i, p)).count();
            if left <= kept / 2 || stride > u32::MAX / 2 {
                let mut i = 0;
                self.0.retain(|p| {
                    i += 1;
                    on_stride(i - 1, p)
                });
                return;
            }
            stride *= 2;
        }
    }

    /// Whether every point has one entry per faction of `factions` and the months rise: what a
    /// save must hold for the charts to read it.
    pub fn fits(&self, factions: usize) -> bool {
        self.0.iter().all(|p| p.factions.len() == factions) && self.0.windows(2).all(|w| w[0].month < w[1].month)
    }
}

#[cfg(test)]
mod tests {
    use super::{Measures, TrendPoint, Trends};

    fn point(month: u32, provinces: u32) -> TrendPoint {
        TrendPoint { month, factions: vec![Measures { provinces, ..Default::default() }] }
    }

    #[test]
    fn a_long_series_is_thinned_evenly_and_stays_within_its_bound() {
        let kept = 16;
        let mut trends = Trends::default();
        for m in 0..1000 {
            trends.record(point(m, m));
            trends.thin(kept);
            assert!(trends.0.len() <= kept, "month {m}: {} points", trends.0.len());
            assert!(trends.fits(1), "month {m}: the months rise");
            assert_eq!((trends.0[0].month, trends.0[trends.0.len() - 1].month), (0, m), "the start and the latest");
        }
        let months: Vec<u32> = trends.0.iter().map(|p| p.month).collect();
        assert!(months.len() >= kept / 4, "{months:?}");
        // Spaced evenly but for the latest, which is every month's.
        let gaps: Vec<u32> = months[..months.len() - 1].windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|w| w[0] == w[1] || w[1] < w[0]), "{months:?}");
        assert!(gaps[0] >= 1000 / kept as u32, "{months:?}");
        assert!(trends.0.iter().all(|p| p.factions[0].provinces == p.month), "each point is its own month's");
    }

    #[test]
    fn a_series_within_its_bound_is_kept_whole_and_one_begun_late_keeps_its_first_month() {
        let kept = 16;
        let mut trends = Trends::default();
        for m in 37..53 {
            trends.record(point(m, m));
            trends.thin(kept);
        }
        assert_eq!(trends.0.iter().map(|p| p.month).collect::<Vec<_>>(), (37..53).collect::<Vec<_>>());
        trends.record(point(53, 53));
        trends.thin(kept);
        let months: Vec<u32> = trends.0.iter().map(|p| p.month).collect();
        assert!(months.len() <= kept / 2, "{months:?}");
        assert_eq!((months[0], months[months.len() - 1]), (37, 53), "the series' start and the latest");
        assert!(months[1..months.len() - 1].iter().all(|m| m % 4 == 0), "every fourth month's: {months:?}");
    }

    #[test]
    fn a_point_taken_again_for_a_month_replaces_it_and_any_after_it() {
        let mut trends = Trends::default();
        for m in 0..3 {
            trends.record(point(m, m));
        }
        trends.record(point(1, 9));
        assert_eq!(trends.0, vec![point(0, 0), point(1, 9)]);
        assert!(trends.fits(1));
        assert!(!trends.fits(2), "one entry per faction");
        let backwards = Trends(vec![point(2, 0), point(1, 0)]);
        assert!(!backwards.fits(1), "months must rise");
    }
}
