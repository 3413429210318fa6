//! What a finished (or stopped) campaign reports: outcome, choices, history, final state, chronicle.
use bevy_ecs::prelude::*;
use serde::Serialize;
use thiserror::Error;

use super::armies::{Army, Troops};
use super::chronicle::Chronicle;
use super::economy::Treasury;
use super::events::Choices;
use super::ids::{Data, FactionIx, ProvinceIx, StaticData};
use super::map::Owner;
use super::morale::Standing;
use super::victory::{CheckStatus, GameOver, HistoryRecord};
use super::world::Entities;
use super::{Calendar, Sim};
use crate::scenario::Date;

/// The seed the campaign was started with.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed(pub u64);

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
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactionReport {
    pub id: String,
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
    /// The report of `sim` as it stands.
    pub fn of(sim: &Sim) -> Self {
        let world = sim.world();
        let data = world.resource::<Data>();
        let entities = world.resource::<Entities>();
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
            .map(|c| ChoiceReport {
                date: c.date,
                event: s.events[c.event].id.clone(),
                faction: data.faction_id(c.faction).to_string(),
                option: s.events[c.event].options[c.option].id.clone(),
                historical: c.historical,
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
        let provinces = entities
            .provinces
            .iter()
            .zip(&s.provinces)
            .map(|(&e, p)| ProvinceReport {
                id: p.id.clone(),
                owner: world.get::<Owner>(e).and_then(|o| o.0).map(|f| data.faction_id(f).to_string()),
            })
            .collect();
        let factions = faction_reports(world, data, entities);
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
            state_hash: format!("{:016x}", sim.snapshot().state_hash()),
        }
    }
}

fn faction_reports(world: &World, data: &StaticData, entities: &Entities) -> Vec<FactionReport> {
    let mut troops = vec![0.0; entities.factions.len()];
    for e in entities.armies.iter().flatten() {
        if let (Some(a), Some(t)) = (world.get::<Army>(*e), world.get::<Troops>(*e)) {
            troops[a.owner.get()] += t.total();
        }
    }
    entities
        .factions
        .iter()
        .enumerate()
        .map(|(i, &e)| {
            let t = world.get::<Treasury>(e).copied().unwrap_or(Treasury { silver: 0.0, grain: 0.0 });
            let s = world.get::<Standing>(e).copied().unwrap_or(Standing { legitimacy: 0.0, cohesion: 0.0 });
            FactionReport {
                id: data.scenario.factions[i].id.clone(),
                treasury: t.silver.round(),
                grain: t.grain.round(),
                legitimacy: (s.legitimacy * 10.0).round() / 10.0,
                troops: troops[i].round(),
            }
        })
        .collect()
}

/// A `--choose EVENT=OPTION` that names nothing in the scenario.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ChoiceError {
    #[error("\"{0}\" is not EVENT=OPTION")]
    Malformed(String),
    #[error("unknown event \"{event}\"{}", suggest(.suggestion))]
    UnknownEvent { event: String, suggestion: Option<String> },
    #[error("event \"{event}\" has no option \"{option}\" (its options: {options})")]
    UnknownOption { event: String, option: String, options: String },
}

fn suggest(s: &Option<String>) -> String {
    s.as_ref().map(|s| format!(" (did you mean \"{s}\"?)")).unwrap_or_default()
}

/// Resolves `EVENT=OPTION` strings to event and option indices.
pub fn resolve_choices(
    data: &StaticData,
    choices: &[String],
) -> Result<std::collections::BTreeMap<usize, usize>, ChoiceError> {
    let mut imposed = std::collections::BTreeMap::new();
    for choice in choices {
        let (event, option) = choice.split_once('=').ok_or_else(|| ChoiceError::Malformed(choice.clone()))?;
        let Some(&e) = data.events.get(event) else {
            let suggestion = crate::scenario::closest_id(event, data.scenario.events.iter().map(|e| e.id.as_str()));
            return Err(ChoiceError::UnknownEvent { event: event.to_string(), suggestion });
        };
        let options = &data.scenario.events[e].options;
        let Some(o) = options.iter().position(|o| o.id == option) else {
            return Err(ChoiceError::UnknownOption {
                event: event.to_string(),
                option: option.to_string(),
                options: options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", "),
            });
        };
        imposed.insert(e, o);
    }
    Ok(imposed)
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
    pub cause: super::sieges::FallCause,
    /// Months the siege lasted.
    pub months: u32,
    pub date: Date,
}

impl Summary {
    /// The summary of `sim` as it stands.
    pub fn of(sim: &Sim) -> Self {
        let world = sim.world();
        let entities = world.resource::<Entities>();
        let data = world.resource::<Data>();
        let (winner, final_date) = match &world.resource::<GameOver>().0 {
            Some(o) => (o.winner, o.date),
            None => (None, world.resource::<Calendar>().date.plus_months(-1)),
        };
        let owners = entities.provinces.iter().map(|e| world.get::<Owner>(*e).and_then(|o| o.0)).collect();
        let first_transfers = world.resource::<super::map::FirstTransfers>().0.clone();
        let checks = world.resource::<HistoryRecord>().0.iter().map(|c| (c.status, c.happened)).collect();
        let factions = faction_reports(world, data, entities)
            .into_iter()
            .map(|f| [f.treasury, f.grain, f.legitimacy, f.troops])
            .collect();
        let falls = world
            .resource::<super::sieges::SiegeLog>()
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
