//! Victory and the historical record: checked at the end of every turn.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::chronicle::ChronicleWriter;
use super::conditions::View;
use super::ids::FactionIx;
use super::{Turn, TurnSystems};
use crate::scenario::Date;

/// How the game ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The winning faction, `None` when nobody won.
    pub winner: Option<FactionIx>,
    /// The victory condition met, if any.
    pub victory: Option<usize>,
    pub description: String,
    pub date: Date,
}

/// The outcome, once the game is over.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameOver(pub Option<Outcome>);

/// Where a history check stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckStatus {
    /// Its window has not passed yet.
    Pending,
    /// It came true within its window.
    Matched,
    /// Its window passed without it.
    Diverged,
}

/// One history check's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckState {
    pub status: CheckStatus,
    /// The first month it was seen true.
    pub happened: Option<Date>,
}

/// The state of every history check, in scenario order.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord(pub Vec<CheckState>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<GameOver>();
    app.add_systems(Turn, judge_month.in_set(TurnSystems::Victory));
}

/// The month against history, then against the victory conditions: one system, as both read the
/// whole game through one [`View`].
fn judge_month(view: View, mut record: ResMut<HistoryRecord>, over: ResMut<GameOver>, mut chronicle: ChronicleWriter) {
    check_history(&view, &mut record);
    check_victory(&view, over, &mut chronicle);
}

fn check_history(view: &View, record: &mut HistoryRecord) {
    let now = view.calendar.date;
    let data = &view.data;
    for ((check, test), state) in data.scenario.history.iter().zip(&data.tests.checks).zip(record.0.iter_mut()) {
        if state.status == CheckStatus::Matched {
            continue;
        }
        let holds = view.holds(test);
        if holds && state.happened.is_none() {
            state.happened = Some(now);
        }
        let window_opens = check.date.plus_months(-check.tolerance);
        let window_closes = check.date.plus_months(check.tolerance);
        if holds && now >= window_opens && now <= window_closes {
            state.status = CheckStatus::Matched;
        } else if now >= window_closes {
            state.status = CheckStatus::Diverged;
        }
    }
}

fn check_victory(view: &View, mut over: ResMut<GameOver>, chronicle: &mut ChronicleWriter) {
    if over.0.is_some() {
        return;
    }
    let data = &view.data;
    let last = view.calendar.is_last_month();
    for (ix, (v, test)) in data.scenario.victory.iter().zip(&data.tests.victories).enumerate() {
        if (v.at_end && !last) || !view.holds(test) {
            continue;
        }
        let winner = data.faction(&v.faction);
        chronicle.write(|| format!("{} wins: {}", data.faction_name(winner), v.description));
        over.0 = Some(Outcome {
            winner: Some(winner),
            victory: Some(ix),
            description: v.description.clone(),
            date: view.calendar.date,
        });
        return;
    }
    if last {
        let description = "The scenario ends with no decisive result.".to_string();
        chronicle.write(|| description.clone());
        over.0 = Some(Outcome { winner: None, victory: None, description, date: view.calendar.date });
    }
}
