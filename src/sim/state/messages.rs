//! The messages rules send each other within a month: what one domain did that another must
//! carry out or take into account.
use bevy_app::App;
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::events::ChoiceRecord;
use super::orders::Order;
use crate::scenario::FallCause;
use crate::sim::compiled::Command;
use crate::sim::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};

/// An order given this turn by `faction`.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct OrderGiven {
    pub faction: FactionIx,
    pub order: Order,
}

/// An effect to carry out this turn. Every domain reads these in `TurnSystems::Effects` and carries
/// out the part that changes its own state.
#[derive(Message, Clone, Debug)]
pub struct ApplyEffect(pub Command);

/// How many [`ApplyEffect`] messages had been written when this month's effects were carried
/// out: those written later (a commander fallen in battle, a death of age, a defection) wait for
/// next month's effects, and a save must carry them across.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EffectsDone(pub usize);

/// An effect written after this month's effects were carried out, waiting for next month's, as
/// a save keeps it. Only the rules' own deferred effects are written that late.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingEffect {
    Fall(CharacterIx),
    Die(CharacterIx),
    Defect { character: CharacterIx, to: FactionIx, with_army: bool },
}

impl PendingEffect {
    /// The effect as a save keeps it; none for a command only events give, which are carried out
    /// in the month they are written.
    pub fn of(command: &Command) -> Option<Self> {
        match *command {
            Command::Fall(c) => Some(Self::Fall(c)),
            Command::Die(c) => Some(Self::Die(c)),
            Command::Defect { character, to, with_army } => Some(Self::Defect { character, to, with_army }),
            _ => None,
        }
    }

    /// The command it carries out.
    pub fn command(self) -> Command {
        match self {
            Self::Fall(c) => Command::Fall(c),
            Self::Die(c) => Command::Die(c),
            Self::Defect { character, to, with_army } => Command::Defect { character, to, with_army },
        }
    }
}

/// A choice made this turn, recorded after the events phase.
#[derive(Message, Clone, Debug)]
pub struct ChoiceMade(pub ChoiceRecord);

/// A treaty hands a province to a faction; the map carries it out (or its people refuse).
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct CessionAgreed {
    pub province: ProvinceIx,
    pub to: FactionIx,
}

/// A peace was signed; the payer's court feels the humiliation.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeaceSigned {
    pub payer: FactionIx,
    pub ceded: usize,
}

/// A province changed hands this turn.
#[derive(Message, Clone, Copy, Debug)]
pub struct ProvinceTransferred {
    pub province: ProvinceIx,
    pub from: Option<FactionIx>,
    pub to: FactionIx,
}

/// An army went over to another faction with its commander, wherever it stood.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct ArmyDefected {
    pub army: ArmyIx,
    pub to: FactionIx,
}

/// A city was taken.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct CityFell {
    pub province: ProvinceIx,
    pub from: Option<FactionIx>,
    pub to: FactionIx,
    pub cause: FallCause,
}

/// People took up arms in a province.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct MilitiaRaised {
    pub province: ProvinceIx,
    pub men: f64,
}

/// A battle was fought.
#[derive(Message, Clone, Copy, Debug, PartialEq)]
pub struct BattleFought {
    pub province: ProvinceIx,
    pub winner: FactionIx,
    pub loser: FactionIx,
    /// The loser broke and fled.
    pub rout: bool,
    pub winner_losses: f64,
    pub loser_losses: f64,
}

/// A commander was taken prisoner.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommanderCaptured {
    pub character: CharacterIx,
    pub by: FactionIx,
}

/// Registers every message of the turn.
pub(super) fn plugin(app: &mut App) {
    app.add_message::<OrderGiven>()
        .add_message::<ChoiceMade>()
        .add_message::<ApplyEffect>()
        .add_message::<CessionAgreed>()
        .add_message::<PeaceSigned>()
        .add_message::<ProvinceTransferred>()
        .add_message::<CityFell>()
        .add_message::<ArmyDefected>()
        .add_message::<MilitiaRaised>()
        .add_message::<BattleFought>()
        .add_message::<CommanderCaptured>()
        .init_resource::<EffectsDone>();
}
