//! The state of a campaign: every component, resource and message of the simulation, apart from
//! the rules that change them. Rule files import this floor and never each other.
mod army;
mod chronicle;
mod commands;
mod diplomacy;
mod entities;
mod events;
mod faction;
mod land;
mod messages;
mod names;
mod orders;
mod people;
mod records;
mod rng;
mod sieges;
mod trends;

use bevy_app::App;

pub use army::{Army, ArmyBundle, Plan, Spirit, Troops};
pub use chronicle::{CHRONICLE_KEPT, Chronicle, ChronicleWriter, Chronicled, Chronicling, Entry};
pub use commands::{CommandLog, LogStart, LoggedMonth, RULES_FINGERPRINT};
pub use diplomacy::{PendingProposal, Proposals, Relations, Treaties, TreatyState, WarGoals};
pub use entities::Entities;
pub use events::{CHOICES_KEPT, ChoiceRecord, Choices, EventAnswers, EventState, Flags, Players};
pub use faction::{Capital, InPlay, Payroll, Ruler, Standing, Treasury};
pub use land::{Defences, FirstTransfers, Foraged, Owner, Populace, Province, Transfers};
pub use messages::{
    ApplyEffect, ArmyDefected, BattleFought, CessionAgreed, ChoiceMade, CityFell, CommanderCaptured, EffectsDone,
    MilitiaRaised, OrderGiven, PeaceSigned, PendingEffect, ProvinceTransferred,
};
pub use names::{Agree, Names};
pub use orders::{Levies, Levy, Order, PendingOrders, Proposal, Stance, demand_terms};
pub use people::{CharacterTraits, Person, Status};
pub use records::{Calendar, CheckState, CheckStatus, GameOver, HistoryRecord, Outcome, Seed};
pub use rng::{RngState, SimRng};
pub use sieges::{FallCause, Siege, SiegeLog, SiegeRecord, Sieges, Sortie, Surprise};
pub use trends::{Measures, TREND_POINTS_KEPT, TrendPoint, Trends};

/// Registers the messages and the resources every campaign starts with.
pub(super) fn plugin(app: &mut App) {
    app.add_plugins((messages::plugin, chronicle::plugin));
    app.init_resource::<EventAnswers>()
        .init_resource::<Flags>()
        .init_resource::<Choices>()
        .init_resource::<EventState>()
        .init_resource::<Players>()
        .init_resource::<PendingOrders>()
        .init_resource::<Levies>()
        .init_resource::<Proposals>()
        .init_resource::<SiegeLog>()
        .init_resource::<WarGoals>()
        .init_resource::<GameOver>()
        .init_resource::<Trends>()
        .init_resource::<CommandLog>();
}
