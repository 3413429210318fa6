//! Factions: treasury and granary, pay, standing, whether in play, ruler and capital.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::sim::ids::{CharacterIx, ProvinceIx};

/// A faction's silver (thousands of taels) and grain.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Treasury {
    pub silver: f64,
    pub grain: f64,
}

/// Whether a faction could pay and feed its armies last month.
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Payroll {
    pub unpaid: bool,
}

/// A faction's mandate and how well its court holds together, each 0-100.
#[derive(Component, Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub legitimacy: f64,
    pub cohesion: f64,
}

/// Whether a faction is in play (a puppet state may enter later).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InPlay(pub bool);

/// Who rules a faction.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ruler(pub Option<CharacterIx>);

/// A faction's capital, if it has one.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capital(pub Option<ProvinceIx>);
