//! Orders: what players and the AI tell their armies and envoys to do, as plain serializable data.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::names::Names;
use crate::scenario::Date;
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
    /// Peace, the receiver paying the proposer an indemnity and ceding it provinces.
    Demand { indemnity: f64, ceded: Vec<ProvinceIx> },
    /// A truce for some months.
    Truce { months: u32 },
    /// An alliance against a common enemy.
    Alliance { against: FactionIx },
}

/// The longest truce a proposal may offer: a century. Longer ones would run past any calendar a
/// save can write (years of more than four digits).
pub const MAX_TRUCE_MONTHS: u32 = 1200;

impl Proposal {
    /// Whether `from` may make this proposal to `to` at all: to another faction, an alliance
    /// against a third, an indemnity a finite amount and not negative, a truce of at most
    /// [`MAX_TRUCE_MONTHS`]. The rules pass over any
    /// other, which only an edited save or a hand-made order can hold (a soak of random orders
    /// found an alliance against oneself putting a faction at war with itself).
    pub fn is_well_formed(&self, from: FactionIx, to: FactionIx) -> bool {
        from != to
            && match self {
                Proposal::Peace { indemnity, .. } | Proposal::Demand { indemnity, .. } => {
                    indemnity.is_finite() && *indemnity >= 0.0
                }
                Proposal::Truce { months } => *months <= MAX_TRUCE_MONTHS,
                Proposal::Alliance { against } => *against != from && *against != to,
            }
    }

    /// The proposal in a few words, for the chronicle and the window.
    pub fn describe(&self, data: &StaticData, names: &Names) -> String {
        match self {
            Proposal::Peace { indemnity, ceded } if ceded.is_empty() => {
                format!("offer of peace with {}", data.money(*indemnity))
            }
            Proposal::Peace { indemnity, ceded } => {
                format!("offer of peace with {} and {} provinces", data.money(*indemnity), ceded.len())
            }
            Proposal::Demand { indemnity, ceded } => match demand_terms(data, names, *indemnity, ceded) {
                terms if terms.is_empty() => "demand for peace".to_string(),
                terms => format!("demand for peace with {terms}"),
            },
            Proposal::Truce { months } => format!("request for a truce of {months} months"),
            Proposal::Alliance { against } => {
                format!("proposal of an alliance against {}", names.faction(*against))
            }
        }
    }
}

/// What a demand for peace asks, as a sentence lists it: the silver (if any), then the cities;
/// empty when it asks for nothing.
pub fn demand_terms(data: &StaticData, names: &Names, indemnity: f64, ceded: &[ProvinceIx]) -> String {
    let mut terms: Vec<String> = ceded.iter().map(|p| names.province(*p).to_string()).collect();
    if indemnity > 0.0 {
        terms.insert(0, data.money(indemnity));
    }
    spoken_list(&terms)
}

/// Items as a sentence lists them: "a", "a and b", "a, b and c".
pub fn spoken_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
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
    /// Call up men in an own province; they take the field as its levy after `levy_months`.
    Levy { province: ProvinceIx, men: f64 },
    /// Send an army home: its men go back to the people of the own province where it stands.
    Disband { army: ArmyIx },
}

impl Order {
    /// The army the order is for, if it is an army's.
    pub fn army(&self) -> Option<ArmyIx> {
        match self {
            Order::March { army, .. }
            | Order::Hold { army }
            | Order::Besiege { army, .. }
            | Order::Raid { army, .. }
            | Order::Disband { army } => Some(*army),
            Order::Propose { .. } | Order::DeclareWar { .. } | Order::AnswerProposal { .. } | Order::Levy { .. } => {
                None
            }
        }
    }
}

/// Orders a player (the window, a test, a replay) queued for the next turn.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PendingOrders(pub Vec<(FactionIx, Order)>);

/// A levy called up and not yet in the field.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Levy {
    pub faction: FactionIx,
    pub province: ProvinceIx,
    pub men: f64,
    /// Months until it takes the field.
    pub months_left: u32,
    /// The troop kind it takes the field as, by index, if not its faction's levy kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<usize>,
    /// The army it joins as drafts once mustered, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<ArmyIx>,
}

/// The levies called up and mustering, in the order they were called, and when each province
/// may be called on again.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Levies {
    pub mustering: Vec<Levy>,
    /// The provinces called on lately, each with the first month it may be again
    /// (`levy_rest_months` after its last call), in province order.
    pub resting: Vec<(ProvinceIx, Date)>,
}

impl Levies {
    /// Whether no levy is mustering and no province resting.
    pub fn is_empty(&self) -> bool {
        self.mustering.is_empty() && self.resting.is_empty()
    }

    /// Men mustering in `province`, if a levy is.
    pub fn mustering_at(&self, province: ProvinceIx) -> Option<&Levy> {
        self.mustering.iter().find(|l| l.province == province)
    }

    /// Whether `province` may be called on in month `now`: no levy musters there and it has rested.
    pub fn may_call(&self, province: ProvinceIx, now: Date) -> bool {
        self.mustering_at(province).is_none() && !self.resting.iter().any(|(p, until)| *p == province && now < *until)
    }

    /// `province` is called on in month `now`, and rests until `until`.
    pub fn rest(&mut self, province: ProvinceIx, now: Date, until: Date) {
        self.resting.retain(|(p, until)| *p != province && now < *until);
        let at = self.resting.partition_point(|(p, _)| *p < province);
        self.resting.insert(at, (province, until));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_read_as_a_sentence() {
        let items = |xs: &[&str]| super::spoken_list(&xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(items(&[]), "");
        assert_eq!(items(&["Jinan"]), "Jinan");
        assert_eq!(items(&["silver", "Jinan"]), "silver and Jinan");
        assert_eq!(items(&["silver", "Jinan", "Daming"]), "silver, Jinan and Daming");
    }
}
