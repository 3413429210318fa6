//! Characters: rulers, ministers and commanders, their allegiance, roles, loyalty and fate.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Role;
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
    /// Alive and in play.
    pub fn is_active(&self) -> bool {
        self.status == Status::Active
    }

    /// Whether he counsels his faction's court: an active minister or ruler.
    pub fn counsels(&self) -> bool {
        self.is_active() && (self.roles.contains(&Role::Minister) || self.roles.contains(&Role::Ruler))
    }
}
