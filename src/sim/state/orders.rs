//! Orders: what players and the AI tell their armies and envoys to do, as plain serializable data.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::names::Names;
use crate::sim::data::StaticData;
use crate::sim::ids::{ArmyIx, FactionIx, ProvinceIx};

/// What an army does where it stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stance {
    /// Stays; fights what comes; does not besiege.
    #[default]
    Hold,
    /// Surrounds an enemy city and starves it, breaching the walls slowly.
    Blockade,
    /// Storms an enemy city's walls.
    Assault,
}

/// A diplomatic proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Proposal {
    /// Peace, the proposer paying an indemnity and ceding provinces.
    Peace { indemnity: f64, ceded: Vec<ProvinceIx> },
    /// A truce for some months.
    Truce { months: u32 },
    /// An alliance against a common enemy.
    Alliance { against: FactionIx },
}

impl Proposal {
    /// The proposal in a few words, for the chronicle and the window.
    pub fn describe(&self, data: &StaticData, names: &Names) -> String {
        match self {
            Proposal::Peace { indemnity, ceded } if ceded.is_empty() => {
                format!("offer of peace with {}", data.money(*indemnity))
            }
            Proposal::Peace { indemnity, ceded } => {
                format!("offer of peace with {} and {} provinces", data.money(*indemnity), ceded.len())
            }
            Proposal::Truce { months } => format!("request for a truce of {months} months"),
            Proposal::Alliance { against } => {
                format!("proposal of an alliance against {}", names.faction(*against))
            }
        }
    }
}

/// An order, given by a faction for this turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Order {
    /// March toward a province by the shortest road.
    March { army: ArmyIx, to: ProvinceIx },
    /// Stop and hold.
    Hold { army: ArmyIx },
    /// Besiege the enemy city where the army stands.
    Besiege { army: ArmyIx, assault: bool },
    /// Strike an enemy army in the same or a neighbouring province by night.
    Raid { army: ArmyIx, target: ArmyIx },
    /// Propose a treaty to another faction.
    Propose { to: FactionIx, proposal: Proposal },
    /// Declare war, breaking any treaty with that faction.
    DeclareWar { on: FactionIx },
    /// Answer a proposal made to this faction (its index among the waiting proposals).
    AnswerProposal { proposal: usize, accept: bool },
}

impl Order {
    /// The army the order is for, if it is an army's.
    pub fn army(&self) -> Option<ArmyIx> {
        match self {
            Order::March { army, .. }
            | Order::Hold { army }
            | Order::Besiege { army, .. }
            | Order::Raid { army, .. } => Some(*army),
            Order::Propose { .. } | Order::DeclareWar { .. } | Order::AnswerProposal { .. } => None,
        }
    }
}

/// Orders a player (the window, a test, a replay) queued for the next turn.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PendingOrders(pub Vec<(FactionIx, Order)>);
