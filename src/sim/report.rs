//! What a finished (or stopped) campaign reports: outcome, choices, history, final state, chronicle.
use bevy_ecs::prelude::*;
use serde::Serialize;

use super::ids::{FactionIx, ProvinceIx};
use super::readout::Reading;
use super::snapshot::Snapshot;
use super::state::{
    Calendar, CheckStatus, Choices, Chronicle, FallCause, FirstTransfers, GameOver, HistoryRecord, Names, Seed,
    SiegeLog,
};
use crate::scenario::Date;

/// A campaign's result, as printed by `jingkang run` (and, with `--json`, as one JSON object).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub outcome: OutcomeReport,
    pub choices: Vec<ChoiceReport>,
    pub history: Vec<CheckReport>,
    pub provinces: Vec<ProvinceReport>,
    pub factions: Vec<FactionReport>,
    pub chronicle: Vec<ChronicleReport>,
    /// Hex FNV-1a hash of the whole final state.
    pub state_hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeReport {
    /// The winning faction's id; `None` if nobody won (or the game is not over).
    pub winner: Option<String>,
    pub description: String,
    pub final_date: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoiceReport {
    pub date: Date,
    pub event: String,
    pub faction: String,
    pub option: String,
    pub historical: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckReport {
    pub id: String,
    pub text: String,
    pub expected: Date,
    pub status: CheckStatus,
    /// The month it first came true, if it did.
    pub happened: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProvinceReport {
    pub id: String,
    /// The name it goes by at the end.
    pub name: String,
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactionReport {
    pub id: String,
    /// The name it goes by at the end.
    pub name: String,
    pub treasury: f64,
    pub grain: f64,
    pub legitimacy: f64,
    pub troops: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChronicleReport {
    pub date: Date,
    pub text: String,
}

impl Report {
    /// The report of a campaign's world as it stands.
    pub fn of(world: &World) -> Self {
        let read = Reading::of(world);
        let data = read.data;
        let calendar = world.resource::<Calendar>();
        let s = &data.scenario;
        let outcome = match &world.resource::<GameOver>().0 {
            Some(o) => OutcomeReport {
                winner: o.winner.map(|w| data.faction_id(w).to_string()),
                description: o.description.clone(),
                final_date: o.date,
            },
            None => OutcomeReport {
                winner: None,
                description: "The campaign was stopped before its end.".into(),
                final_date: calendar.date.plus_months(-1),
            },
        };
        let choices = world
            .resource::<Choices>()
            .0
            .iter()
            .map(|c| {
                let (event, option) = data.option_ids(c.event, c.option);
                ChoiceReport {
                    date: c.date,
                    event: event.to_string(),
                    faction: data.faction_id(c.faction).to_string(),
                    option: option.to_string(),
                    historical: c.historical,
                }
            })
            .collect();
        let history = s
            .history
            .iter()
            .zip(&world.resource::<HistoryRecord>().0)
            .map(|(check, state)| CheckReport {
                id: check.id.clone(),
                text: check.text.clone(),
                expected: check.date,
                status: state.status,
                happened: state.happened,
            })
            .collect();
        let names = world.resource::<Names>();
        let provinces = read
            .owners()
            .into_iter()
            .zip(read.entities.province_ixs())
            .map(|(owner, p)| ProvinceReport {
                id: data.province_id(p).to_string(),
                name: names.province(p).to_string(),
                owner: owner.map(|f| data.faction_id(f).to_string()),
            })
            .collect();
        let factions = faction_reports(&read, names);
        let chronicle = world
            .resource::<Chronicle>()
            .0
            .iter()
            .map(|e| ChronicleReport { date: e.date, text: e.text.clone() })
            .collect();
        Self {
            scenario: s.id.clone(),
            seed: world.resource::<Seed>().0,
            outcome,
            choices,
            history,
            provinces,
            factions,
            chronicle,
            state_hash: format!("{:016x}", Snapshot::capture(world).state_hash()),
        }
    }
}

/// Each faction's name, treasury, grain, legitimacy (to a tenth) and men under arms, rounded.
fn faction_reports(read: &Reading, names: &Names) -> Vec<FactionReport> {
    let troops = read.men_by_faction();
    read.entities
        .faction_ixs()
        .map(|f| {
            let state = read.faction(f);
            FactionReport {
                id: read.data.faction_id(f).to_string(),
                name: names.faction(f).to_string(),
                treasury: state.treasury.silver.round(),
                grain: state.treasury.grain.round(),
                legitimacy: to_tenths(state.standing.legitimacy),
                troops: troops[f.get()].round(),
            }
        })
        .collect()
}

/// Tenths in a unit: the report gives legitimacy to a tenth of a point.
const TENTHS: f64 = 10.0;

/// `x` rounded to a tenth.
fn to_tenths(x: f64) -> f64 {
    (x * TENTHS).round() / TENTHS
}

/// The few numbers a sweep keeps of one campaign: cheap to take, small to store.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Index of the winning faction, if any.
    pub winner: Option<FactionIx>,
    pub final_date: Date,
    /// Final owner of each province.
    pub owners: Vec<Option<FactionIx>>,
    /// When each province first changed hands, if it did.
    pub first_transfers: Vec<Option<Date>>,
    /// Each history check's status and the month it first came true.
    pub checks: Vec<(CheckStatus, Option<Date>)>,
    /// Each faction's silver, grain, legitimacy and men under arms.
    pub factions: Vec<[f64; 4]>,
    /// Every siege that ended with the city's fall, in the order the sieges began.
    pub falls: Vec<Fall>,
}

/// A city that fell to a siege.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Fall {
    pub province: ProvinceIx,
    /// The besieger who took it.
    pub to: FactionIx,
    pub cause: FallCause,
    /// Months the siege lasted.
    pub months: u32,
    pub date: Date,
}

impl Summary {
    /// The summary of a campaign's world as it stands.
    pub fn of(world: &World) -> Self {
        let read = Reading::of(world);
        let (winner, final_date) = match &world.resource::<GameOver>().0 {
            Some(o) => (o.winner, o.date),
            None => (None, world.resource::<Calendar>().date.plus_months(-1)),
        };
        let owners = read.owners();
        let first_transfers = world.resource::<FirstTransfers>().0.clone();
        let checks = world.resource::<HistoryRecord>().0.iter().map(|c| (c.status, c.happened)).collect();
        let factions = faction_reports(&read, world.resource::<Names>())
            .into_iter()
            .map(|f| [f.treasury, f.grain, f.legitimacy, f.troops])
            .collect();
        let falls = world
            .resource::<SiegeLog>()
            .0
            .iter()
            .filter_map(|r| {
                let (cause, date) = (r.cause?, r.end?);
                Some(Fall { province: r.province, to: r.besieger, cause, months: r.months, date })
            })
            .collect();
        Self { winner, final_date, owners, first_transfers, checks, factions, falls }
    }
}
