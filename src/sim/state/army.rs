//! Armies: who owns them, where they stand, who leads them, their men and condition, their orders.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::orders::Stance;
use crate::scenario::TroopKind;
use crate::sim::compiled::Spawn;
use crate::sim::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};
use crate::sim::units::per_thousand;

/// An army: index, owner, location and commander.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Army {
    pub ix: ArmyIx,
    pub owner: FactionIx,
    pub location: ProvinceIx,
    pub commander: Option<CharacterIx>,
}

/// Men by troop kind, in the scenario's `troop_kinds` order, and their sum: nearly every system
/// reads an army's men, few change them, so the sum is kept rather than added up on each read.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<f64>", into = "Vec<f64>")]
pub struct Troops {
    men: Vec<f64>,
    total: f64,
}

impl From<Vec<f64>> for Troops {
    fn from(men: Vec<f64>) -> Self {
        let total = men.iter().sum();
        Self { men, total }
    }
}

impl From<Troops> for Vec<f64> {
    fn from(troops: Troops) -> Self {
        troops.men
    }
}

impl Troops {
    /// Men by troop kind.
    pub fn men(&self) -> &[f64] {
        &self.men
    }

    /// All men.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Men of each kind with that kind's figure: `(men, kind)` in `troop_kinds` order.
    pub fn by_kind<'a>(&'a self, kinds: &'a [TroopKind]) -> impl Iterator<Item = (f64, &'a TroopKind)> {
        self.men.iter().copied().zip(kinds)
    }

    /// Adds `n` men of kind `kind` (fewer if `n` is negative, never below none).
    pub fn add(&mut self, kind: usize, n: f64) {
        let slot = &mut self.men[kind];
        *slot = (*slot + n).max(0.0);
        self.total = self.men.iter().sum();
    }

    /// The march speed: that of its slowest kind with men, at most `max_speed`.
    pub fn speed(&self, kinds: &[TroopKind], max_speed: f64) -> f64 {
        self.by_kind(kinds)
            .filter(|(men, _)| *men > 0.0)
            .map(|(_, kind)| kind.speed)
            .fold(f64::INFINITY, f64::min)
            .min(max_speed)
    }

    /// Removes a share of every kind's men; returns the men lost.
    pub fn lose_share(&mut self, share: f64) -> f64 {
        let share = share.clamp(0.0, 1.0);
        let before = self.total;
        for men in &mut self.men {
            *men = (*men * (1.0 - share)).floor();
        }
        self.total = self.men.iter().sum();
        before - self.total
    }

    /// Monthly pay, thousands of taels.
    pub fn upkeep(&self, kinds: &[TroopKind]) -> f64 {
        self.by_kind(kinds).map(|(men, kind)| per_thousand(men, kind.upkeep)).sum()
    }
}

/// An army's morale (0-100), supply (0-100) and the grain it carries.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spirit {
    pub morale: f64,
    pub supply: f64,
    pub grain: f64,
}

/// An army's standing orders: where it marches, what it does there, whom it raids.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub destination: Option<ProvinceIx>,
    pub stance: Stance,
    /// An enemy army to strike by night this turn.
    pub raid: Option<ArmyIx>,
    /// Days already marched toward the next province.
    pub progress: f64,
    /// Whether it marched this turn (an army that did not, in its own walled city, is inside the walls).
    pub marched: bool,
}

/// Everything an army entity is made of.
#[derive(Bundle, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmyBundle {
    pub army: Army,
    pub troops: Troops,
    pub spirit: Spirit,
    pub plan: Plan,
}

impl From<&Spawn> for ArmyBundle {
    /// An army as the scenario raises it.
    fn from(s: &Spawn) -> Self {
        Self {
            army: Army { ix: s.ix, owner: s.owner, location: s.location, commander: s.commander },
            troops: Troops::from(s.men.clone()),
            spirit: Spirit { morale: s.morale, supply: s.supply, grain: s.grain },
            plan: Plan::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Troops;

    #[test]
    fn troops_keep_their_sum_through_losses_and_reinforcements() {
        let mut t = Troops::from(vec![1000.0, 500.0]);
        assert_eq!(t.total(), 1500.0);
        assert_eq!(t.lose_share(0.1), 150.0);
        assert_eq!((t.men(), t.total()), (&[900.0, 450.0][..], 1350.0));
        t.add(1, -1000.0);
        assert_eq!((t.men(), t.total()), (&[900.0, 0.0][..], 900.0));
    }

    #[test]
    fn troops_are_saved_as_a_plain_list_and_read_back_with_their_sum() {
        let json = serde_json::to_string(&Troops::from(vec![900.0, 50.0])).expect("serializes");
        assert_eq!(json, "[900.0,50.0]");
        let read: Troops = serde_json::from_str(&json).expect("reads back");
        assert_eq!(read.total(), 950.0);
    }
}
