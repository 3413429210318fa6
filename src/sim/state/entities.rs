//! Entity lookup by index, filled when the world is built.
use bevy_ecs::prelude::*;

use crate::sim::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};

/// The entity of each faction, province, character and army, by index.
#[derive(Resource, Clone, Debug, Default)]
pub struct Entities {
    pub factions: Vec<Entity>,
    pub provinces: Vec<Entity>,
    pub characters: Vec<Entity>,
    /// `None` for armies not (or no longer) in the field.
    pub armies: Vec<Option<Entity>>,
}

impl Entities {
    pub fn faction(&self, f: FactionIx) -> Entity {
        self.factions[f.get()]
    }

    pub fn province(&self, p: ProvinceIx) -> Entity {
        self.provinces[p.get()]
    }

    pub fn character(&self, c: CharacterIx) -> Entity {
        self.characters[c.get()]
    }

    pub fn army(&self, a: ArmyIx) -> Option<Entity> {
        self.armies.get(a.get()).copied().flatten()
    }

    /// Takes army `a` off the map, if it is in the field: its entity is despawned and its slot
    /// freed for an event or a levy to fill again.
    pub fn remove_army(&mut self, commands: &mut Commands, a: ArmyIx) {
        if let Some(e) = self.armies.get_mut(a.get()).and_then(Option::take) {
            commands.entity(e).despawn();
        }
    }

    /// Every faction's index, in order.
    pub fn faction_ixs(&self) -> impl Iterator<Item = FactionIx> {
        FactionIx::all(self.factions.len())
    }

    /// Every province's index, in order.
    pub fn province_ixs(&self) -> impl Iterator<Item = ProvinceIx> {
        ProvinceIx::all(self.provinces.len())
    }
}
