//! The rule parameters in force, as a resource: the scenario's `rules` over the defaults.
use bevy_ecs::prelude::*;

/// The rule parameters of the scenario being played.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Rules(pub crate::scenario::Rules);

impl std::ops::Deref for Rules {
    type Target = crate::scenario::Rules;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
