//! Calibration: over many seeds, the share of runs in which each of a scenario's targets holds,
//! checked against the bounds the design aims for.
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::{Share, SweepOptions, sweep};
use crate::scenario::{Date, FallCause, Measure, Target};
use crate::sim::{CheckStatus, FactionIx, ProvinceIx, StaticData, Summary};

/// How a calibration is run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalibrationOptions {
    pub runs: u64,
    pub seed: u64,
    pub threads: usize,
}

/// One target's measured share and whether it lies within its bounds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetResult {
    pub id: String,
    pub text: String,
    /// The choices, as `EVENT=OPTION`, or "history".
    pub choices: String,
    pub share: Share,
    /// The same measure with the historical choices, for targets that bound a change.
    pub baseline: Option<Share>,
    /// The share, or for a change target the share minus the baseline.
    pub value: f64,
    /// 95% interval of `value`.
    pub interval: (f64, f64),
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    /// For a target bounding it: the month its check came true in most often, and the share of
    /// the runs where it came true at all that saw it then.
    pub peak: Option<(Date, f64)>,
    pub most_in_one_month: Option<f64>,
    pub pass: bool,
}

/// A set of choices swept once for every target that asks for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    historical: bool,
    imposed: BTreeMap<usize, usize>,
}

impl Case {
    fn history() -> Self {
        Self { historical: true, imposed: BTreeMap::new() }
    }

    fn of(data: &StaticData, target: &Target) -> Self {
        // The scenario is validated: every event and option named exists.
        let imposed = target
            .choose
            .iter()
            .filter_map(|(event, option)| data.ids.option(&data.scenario, event, option).ok())
            .collect();
        Self { historical: target.historical, imposed }
    }
}

/// Runs the campaigns each target needs (each distinct set of choices once, on the same seeds)
/// and measures every target; `progress` is called once per campaign.
pub fn calibrate(
    data: &Arc<StaticData>,
    options: &CalibrationOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<TargetResult>, rayon::ThreadPoolBuildError> {
    let targets = &data.scenario.calibration;
    let measures: Vec<Resolved> = targets.iter().map(|t| Resolved::new(data, &t.measure)).collect();
    // The check whose months a target counts, for those that bound the busiest month.
    let timed: Vec<Option<usize>> =
        targets.iter().map(|t| t.most_in_one_month.and(t.measure.check()).map(|id| check_index(data, id))).collect();
    let cases = cases(data);
    let mut shares: BTreeMap<&Case, Vec<Share>> = BTreeMap::new();
    let mut months: BTreeMap<&Case, Vec<BTreeMap<Date, u64>>> = BTreeMap::new();
    for case in &cases {
        let sweep_options = SweepOptions {
            runs: options.runs,
            seed: options.seed,
            historical: case.historical,
            imposed: case.imposed.clone(),
            threads: options.threads,
            from: None,
        };
        let counts = shares.entry(case).or_insert_with(|| vec![Share::default(); targets.len()]);
        let dates = months.entry(case).or_insert_with(|| vec![BTreeMap::new(); targets.len()]);
        sweep(data, &sweep_options, progress, |_, summary| {
            for (share, measure) in counts.iter_mut().zip(&measures) {
                share.add(measure.holds(summary));
            }
            for (tally, check) in dates.iter_mut().zip(&timed) {
                if let Some(when) = check.and_then(|i| summary.checks.get(i)).and_then(|(_, when)| *when) {
                    *tally.entry(when).or_insert(0) += 1;
                }
            }
        })?;
    }
    let history = Case::history();
    Ok(targets
        .iter()
        .enumerate()
        .map(|(i, target)| {
            let case = Case::of(data, target);
            let share = shares[&case][i];
            let baseline = target.change.then(|| shares[&history][i]);
            let peak = timed[i].and_then(|_| busiest_month(&months[&case][i]));
            result(target, share, baseline, peak)
        })
        .collect())
}

/// The number of campaigns a calibration of `data` plays per run asked for.
pub fn cases_per_run(data: &StaticData) -> u64 {
    cases(data).len() as u64
}

fn cases(data: &StaticData) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for target in &data.scenario.calibration {
        let mut needed = vec![Case::of(data, target)];
        if target.change {
            needed.push(Case::history());
        }
        for case in needed {
            if !cases.contains(&case) {
                cases.push(case);
            }
        }
    }
    cases
}

/// The month most runs saw the check come true in, and their share of the runs where it did.
fn busiest_month(tally: &BTreeMap<Date, u64>) -> Option<(Date, f64)> {
    let total: u64 = tally.values().sum();
    // The earliest of equally busy months, so the report does not depend on the map's order.
    let (month, most) = tally.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    Some((*month, *most as f64 / total as f64))
}

fn check_index(data: &StaticData, id: &str) -> usize {
    data.scenario.history.iter().position(|c| c.id == id).unwrap_or(usize::MAX)
}

fn result(target: &Target, share: Share, baseline: Option<Share>, peak: Option<(Date, f64)>) -> TargetResult {
    let (value, interval) = match baseline {
        Some(base) => {
            let (p, q, n) = (share.value(), base.value(), share.total.max(1) as f64);
            let half = 1.96 * ((p * (1.0 - p) + q * (1.0 - q)) / n).sqrt();
            (p - q, (p - q - half, p - q + half))
        }
        None => (share.value(), share.interval()),
    };
    let spread = match (target.most_in_one_month, peak) {
        (Some(most), Some((_, share))) => share <= most,
        // A check that never came true has no busiest month; the share bounds judge that.
        _ => true,
    };
    let pass =
        target.at_least.is_none_or(|low| value >= low) && target.at_most.is_none_or(|high| value <= high) && spread;
    let choices = if target.choose.is_empty() {
        if target.historical { "history".to_string() } else { "AI choices".to_string() }
    } else {
        target.choose.iter().map(|(e, o)| format!("{e}={o}")).collect::<Vec<_>>().join(", ")
    };
    TargetResult {
        id: target.id.clone(),
        text: target.text.clone(),
        choices,
        share,
        baseline,
        value,
        interval,
        at_least: target.at_least,
        at_most: target.at_most,
        peak,
        most_in_one_month: target.most_in_one_month,
        pass,
    }
}

/// A measure with its ids resolved to indices.
enum Resolved {
    Matched(usize),
    HappenedBy(usize, Date),
    Fell {
        province: ProvinceIx,
        to: Option<FactionIx>,
        cause: Option<FallCause>,
        months: Option<(u32, u32)>,
        by: Option<Date>,
    },
    HoldsAtEnd(FactionIx, ProvinceIx),
    Wins(Option<FactionIx>),
    InOrder(Vec<usize>),
    Within(usize, Date, u32),
    All(Vec<Resolved>),
    Any(Vec<Resolved>),
    Not(Box<Resolved>),
}

impl Resolved {
    fn new(data: &StaticData, m: &Measure) -> Self {
        let check = |id: &str| check_index(data, id);
        match m {
            Measure::Matched(id) => Self::Matched(check(id)),
            Measure::HappenedBy { check: id, by } => Self::HappenedBy(check(id), *by),
            Measure::Fell { province, to, cause, months, by } => Self::Fell {
                province: data.province(province),
                to: to.as_deref().map(|f| data.faction(f)),
                cause: *cause,
                months: *months,
                by: *by,
            },
            Measure::HoldsAtEnd { faction, province } => {
                Self::HoldsAtEnd(data.faction(faction), data.province(province))
            }
            Measure::Wins(f) => Self::Wins(f.as_deref().map(|f| data.faction(f))),
            Measure::InOrder(checks) => Self::InOrder(checks.iter().map(|id| check(id)).collect()),
            Measure::Within { check: id, months } => {
                let date = data.scenario.history.iter().find(|c| c.id == *id).map_or(data.scenario.start, |c| c.date);
                Self::Within(check(id), date, *months)
            }
            Measure::All(list) => Self::All(list.iter().map(|m| Self::new(data, m)).collect()),
            Measure::Any(list) => Self::Any(list.iter().map(|m| Self::new(data, m)).collect()),
            Measure::Not(m) => Self::Not(Box::new(Self::new(data, m))),
        }
    }

    fn holds(&self, s: &Summary) -> bool {
        match self {
            Self::Matched(i) => s.checks.get(*i).is_some_and(|(status, _)| *status == CheckStatus::Matched),
            Self::HappenedBy(i, by) => s.checks.get(*i).and_then(|(_, when)| *when).is_some_and(|when| when <= *by),
            Self::Fell { province, to, cause, months, by } => s.falls.iter().any(|f| {
                f.province == *province
                    && to.is_none_or(|t| f.to == t)
                    && cause.is_none_or(|c| f.cause == c)
                    && months.is_none_or(|(low, high)| (low..=high).contains(&f.months))
                    && by.is_none_or(|by| f.date <= by)
            }),
            Self::HoldsAtEnd(f, p) => s.owners.get(p.get()).copied().flatten() == Some(*f),
            Self::Wins(f) => s.winner == *f,
            Self::Within(i, date, months) => s
                .checks
                .get(*i)
                .and_then(|(_, when)| *when)
                .is_some_and(|when| date.months_until(when).unsigned_abs() <= u64::from(*months)),
            Self::InOrder(checks) => {
                let when: Option<Vec<Date>> = checks.iter().map(|i| s.checks.get(*i).and_then(|(_, w)| *w)).collect();
                when.is_some_and(|dates| dates.windows(2).all(|pair| pair[0] <= pair[1]))
            }
            Self::All(list) => list.iter().all(|m| m.holds(s)),
            Self::Any(list) => list.iter().any(|m| m.holds(s)),
            Self::Not(m) => !m.holds(s),
        }
    }
}
