//! The one read-out of a campaign's world: each faction's, province's, character's and army's
//! state as plain values. Saves, the window's view, reports and sweep summaries all read the world
//! through it, so what an entity is made of is decided once (its values are spawned together, by
//! [`super::setup::spawn`], and read together here).
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::data::{Data, StaticData};
use super::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};
use super::state::{
    ArmyBundle, Capital, Defences, Entities, InPlay, Owner, Payroll, Person, Populace, Province, Ruler, Standing,
    Treasury,
};

/// A faction's changing state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactionState {
    pub treasury: Treasury,
    pub payroll: Payroll,
    pub standing: Standing,
    pub in_play: InPlay,
    pub ruler: Ruler,
    pub capital: Capital,
}

/// A province's changing state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvinceState {
    pub owner: Owner,
    pub populace: Populace,
    pub defences: Defences,
}

/// An army in the field.
pub type ArmyState = ArmyBundle;

/// A faction entity's components.
pub(super) type FactionBundle = (FactionIx, Treasury, Payroll, Standing, InPlay, Ruler, Capital);

/// A province entity's components.
pub(super) type ProvinceBundle = (Province, ProvinceIx, Owner, Populace, Defences);

impl FactionState {
    /// The components of faction `ix`'s entity.
    pub(super) fn bundle(self, ix: FactionIx) -> FactionBundle {
        (ix, self.treasury, self.payroll, self.standing, self.in_play, self.ruler, self.capital)
    }
}

impl ProvinceState {
    /// The components of province `ix`'s entity.
    pub(super) fn bundle(self, ix: ProvinceIx) -> ProvinceBundle {
        (Province, ix, self.owner, self.populace, self.defences)
    }
}

/// Reads a campaign's world.
pub struct Reading<'w> {
    world: &'w World,
    pub data: &'w StaticData,
    pub entities: &'w Entities,
}

/// Every entity carries its whole state from the moment it is spawned.
const WHOLE: &str = "entities are spawned with their whole state (setup::spawn)";

impl<'w> Reading<'w> {
    pub fn of(world: &'w World) -> Self {
        Self { world, data: world.resource::<Data>(), entities: world.resource::<Entities>() }
    }

    fn get<C: Component>(&self, e: Entity) -> &'w C {
        self.world.get::<C>(e).expect(WHOLE)
    }

    pub fn faction(&self, f: FactionIx) -> FactionState {
        let e = self.entities.faction(f);
        FactionState {
            treasury: *self.get(e),
            payroll: *self.get(e),
            standing: *self.get(e),
            in_play: *self.get(e),
            ruler: *self.get(e),
            capital: *self.get(e),
        }
    }

    pub fn province(&self, p: ProvinceIx) -> ProvinceState {
        let e = self.entities.province(p);
        ProvinceState { owner: *self.get(e), populace: *self.get(e), defences: *self.get(e) }
    }

    /// Each province's owner, in order.
    pub fn owners(&self) -> Vec<Option<FactionIx>> {
        self.entities.province_ixs().map(|p| self.get::<Owner>(self.entities.province(p)).0).collect()
    }

    pub fn person(&self, c: CharacterIx) -> &'w Person {
        self.get(self.entities.character(c))
    }

    /// The army in slot `a`, if it is in the field.
    pub fn army(&self, a: ArmyIx) -> Option<ArmyState> {
        let e = self.entities.army(a)?;
        Some(ArmyBundle {
            army: *self.get(e),
            troops: self.get::<super::state::Troops>(e).clone(),
            spirit: *self.get(e),
            plan: *self.get(e),
        })
    }

    /// Every army slot's army, in slot order: `None` for one not in the field.
    pub fn armies(&self) -> impl Iterator<Item = Option<ArmyState>> + '_ {
        ArmyIx::all(self.entities.armies.len()).map(|a| self.army(a))
    }

    /// Each faction's men under arms, added up in army order.
    pub fn men_by_faction(&self) -> Vec<f64> {
        let mut men = vec![0.0; self.entities.factions.len()];
        for e in self.entities.armies.iter().flatten() {
            let army: &super::state::Army = self.get(*e);
            men[army.owner.get()] += self.get::<super::state::Troops>(*e).total();
        }
        men
    }
}
