//! Entity lookup by index, filled once when the world is built.
use bevy_ecs::prelude::*;

use super::ids::{ArmyIx, CharacterIx, FactionIx, ProvinceIx};

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
}

/// Collects a query's items through its own internal iteration (`for_each`), which walks a table
/// more cheaply than the item-by-item `next` that `collect` uses: turn systems read their queries
/// thousands of times a second in a sweep.
pub fn gather<I: Iterator>(items: I) -> Vec<I::Item> {
    let mut all = Vec::with_capacity(items.size_hint().0);
    gather_into(&mut all, items);
    all
}

/// [`gather`] into a vector kept from month to month (a system's `Local`), so that a month
/// allocates nothing.
pub fn gather_into<I: Iterator>(all: &mut Vec<I::Item>, items: I) {
    all.clear();
    items.for_each(|item| all.push(item));
}

/// Makes `v` `n` copies of `value`, keeping its allocation.
pub fn refill<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.truncate(n);
    v.fill(value);
    v.resize(n, value);
}
