//! Characters: rulers, ministers and commanders, their allegiance, roles, loyalty, fate and traits.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Role;
use crate::sim::data::{StaticData, Traits};
use crate::sim::ids::{CharacterIx, FactionIx};

/// Where a character is in the story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Not yet in play.
    Waiting,
    Active,
    Exiled,
    /// Held prisoner by an enemy.
    Captive,
    Dead,
}

/// A character's allegiance, roles, loyalty and status.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub ix: CharacterIx,
    pub faction: Option<FactionIx>,
    pub roles: Vec<Role>,
    /// 0-100.
    pub loyalty: f64,
    pub status: Status,
}

impl Person {
    /// Rules a faction or sits on its council. The rules that kill commanders take such a man
    /// alive instead: he is worth more as a captive (or as a puppet).
    pub fn is_of_the_court(&self) -> bool {
        self.roles.contains(&Role::Ruler) || self.roles.contains(&Role::Minister)
    }

    /// Alive and in play.
    pub fn is_active(&self) -> bool {
        self.status == Status::Active
    }

    /// Whether he is an heir in play who serves faction `f`.
    pub fn is_heir_of(&self, f: FactionIx) -> bool {
        self.is_active() && self.faction == Some(f) && self.roles.contains(&Role::Heir)
    }

    /// Whether he counsels his faction's court: an active minister or ruler.
    pub fn counsels(&self) -> bool {
        self.is_active() && (self.roles.contains(&Role::Minister) || self.roles.contains(&Role::Ruler))
    }
}

/// Each character's traits and what they add up to, by character index: his traits as indices
/// into the scenario's `traits` (those he starts with in his order, then those effects give him),
/// and his skills with their modifiers added up, which the formulas read. A sum is worked out when
/// the campaign is set up and again only when an effect gives or takes one of his traits: a month
/// adds nothing up.
#[derive(Resource, Debug, PartialEq)]
pub struct CharacterTraits {
    lists: Vec<Vec<usize>>,
    sums: Vec<Traits>,
}

impl Clone for CharacterTraits {
    fn clone(&self) -> Self {
        Self { lists: self.lists.clone(), sums: self.sums.clone() }
    }

    /// Keeps every list's buffer: a reset sets the traits back without allocating.
    fn clone_from(&mut self, source: &Self) {
        self.lists.clone_from(&source.lists);
        self.sums.clone_from(&source.sums);
    }
}

impl CharacterTraits {
    /// The characters with the traits `lists` gives them, in character order.
    pub fn new(data: &StaticData, lists: Vec<Vec<usize>>) -> Self {
        let sums = CharacterIx::all(lists.len()).zip(&lists).map(|(c, l)| data.character_abilities(c, l)).collect();
        Self { lists, sums }
    }

    /// The characters with the traits the scenario gives them.
    pub fn starting(data: &StaticData) -> Self {
        Self::new(data, data.starting_traits.clone())
    }

    /// Character `c`'s skills with the modifiers of his traits.
    pub fn of(&self, c: CharacterIx) -> &Traits {
        &self.sums[c.get()]
    }

    /// Each character's traits, by character index.
    pub fn lists(&self) -> &[Vec<usize>] {
        &self.lists
    }

    /// Whether `c` has trait `t`.
    fn has(&self, c: CharacterIx, t: usize) -> bool {
        self.lists[c.get()].contains(&t)
    }

    /// `c` gains trait `t`, unless he has it already; whether he gained it.
    pub fn add(&mut self, data: &StaticData, c: CharacterIx, t: usize) -> bool {
        if self.has(c, t) {
            return false;
        }
        self.lists[c.get()].push(t);
        self.sum_again(data, c);
        true
    }

    /// `c` loses trait `t`, if he has it; whether he lost it.
    pub fn remove(&mut self, data: &StaticData, c: CharacterIx, t: usize) -> bool {
        if !self.has(c, t) {
            return false;
        }
        self.lists[c.get()].retain(|x| *x != t);
        self.sum_again(data, c);
        true
    }

    /// Adds `c`'s traits up anew from his skills, rather than adding or taking one trait's
    /// modifiers from the old sum: the sum is then the same, bit for bit, as a save restored with
    /// the same traits works out.
    fn sum_again(&mut self, data: &StaticData, c: CharacterIx) {
        self.sums[c.get()] = data.character_abilities(c, &self.lists[c.get()]);
    }
}
