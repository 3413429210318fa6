//! The headless simulation: a validated scenario becomes a Bevy world, and one turn (a month) is
//! one run of the [`Turn`] schedule.
//!
//! The floors, bottom up: `ids` (indices), `compiled` (the scenario with ids resolved), `data`
//! (static data), `state` (every component, resource and message), then the schedule, the shared
//! formulas (`power`, `judgement`, `conditions`) and the rules, one plugin per domain, which
//! import those floors and never each other. Above them: setting a campaign up,
//! reading it out (view, report, save), and [`Sim`], which plays it.
mod campaign;
mod collect;
mod compiled;
mod conditions;
mod data;
mod ids;
mod invariants;
mod judgement;
mod power;
mod readout;
mod replay;
mod report;
mod rules;
mod schedule;
mod setup;
mod snapshot;
mod state;
#[cfg(test)]
pub(crate) mod testing;
mod units;
mod view;

use bevy_app::App;

pub use campaign::{Sim, SimOptions};
pub use compiled::{Command, Program, ProvinceChange, Rising, Spawn, Test, TreatySpec, TreatyTerms, WarPlan};
pub use data::{Data, Planner, StaticData, Traits, money_in_words};
pub use ids::{ArmyIx, CharacterIx, ChoiceError, FactionIx, Ids, ProvinceIx};
pub use power::within_raid_reach;
pub use replay::{Divergence, Parting, ReplayError, ReplayReport, fork, replay};
pub use report::{Fall, Report, Summary};
pub use schedule::{Turn, TurnSystems};
pub(crate) use snapshot::AtomicFile;
pub use snapshot::{SaveError, SaveHeader, Snapshot};
pub use state::{
    CHOICES_KEPT, CHRONICLE_KEPT, CheckStatus, ChoiceRecord, Chronicle, CommandLog, Entry, FallCause, GameOver,
    LogStart, LoggedMonth, Measures, Order, Outcome, PendingOrders, Players, Proposal, RULES_FINGERPRINT, Stance,
    TREND_POINTS_KEPT, TrendPoint, Trends,
};
pub use view::{
    ArmyView, CheckView, FactionView, GameView, LevyView, OutcomeView, ProposalView, ProvinceView, RelationView, Route,
    SiegeView, TreatyView,
};

/// The simulation: the turn schedule, the state's messages and resources, and every rule.
fn plugin(app: &mut App) {
    app.add_plugins((schedule::plugin, state::plugin, rules::plugin));
}
