//! Effects of chosen event options, broadcast so that each domain applies its own part.
use bevy_ecs::prelude::*;

use crate::scenario::Effect;

/// An effect to apply this turn. Every domain plugin reads these in `TurnSystems::Effects` and
/// applies the part that changes its own components, so no module writes another's state.
#[derive(Message, Clone, Debug)]
pub struct ApplyEffect(pub Effect);
