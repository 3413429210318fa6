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

/// The campaign's trends so far: one point at its start and one at the end of every month
/// played, oldest first. A campaign continued from a save written before trends were kept starts
/// its series at the month it was loaded; a quiet campaign (a sweep's) keeps none.
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
