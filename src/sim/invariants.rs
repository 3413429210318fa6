//! What must hold of a campaign's state at the end of every month, whatever the scenario, the
//! dice and the answers: no quantity negative or not finite, every scale within its bounds,
//! every army in a province, every index in range, every siege between factions at war (or
//! fought by the faction a peace ceded the city to, which its people refused). The soak
//! test (`tests/soak.rs`) and the fuzz harness (`tests/fuzz.rs`) check it month by month; a rule
//! that breaks it is a bug of the rules, whatever the input.
use bevy_ecs::prelude::*;

use super::compiled::TreatyTerms;
use super::data::Data;
use super::ids::{FactionIx, ProvinceIx};
use super::state::{
    Army, Calendar, Capital, Defences, Entities, Owner, Person, Populace, Relations, Ruler, Sieges, Spirit, Standing,
    Treasury, Treaties, Troops,
};
use super::units::{MAX_WALLS, OPINION_SCALE, PERCENT};

/// How far a kept sum may drift from the sum of its parts (rounding of many additions).
const SUM_TOLERANCE: f64 = 1e-6;

/// Every broken invariant of `world`, each as a sentence naming what breaks it; empty when all hold.
pub(super) fn violations(world: &World) -> Vec<String> {
    let mut found = Vec::new();
    let (Some(data), Some(entities)) = (world.get_resource::<Data>(), world.get_resource::<Entities>()) else {
        return vec!["the world has no scenario data or entities".into()];
    };
    let counts = Counts {
        factions: data.scenario.factions.len(),
        provinces: data.scenario.provinces.len(),
        characters: data.scenario.characters.len(),
    };
    check_factions(world, entities, counts, &mut found);
    check_provinces(world, entities, counts, &mut found);
    check_characters(world, entities, counts, &mut found);
    check_armies(world, entities, counts, data.scenario.troop_kinds.len(), &mut found);
    check_relations(world, counts, &mut found);
    check_sieges(world, entities, counts, &mut found);
    check_treaties(world, counts, &mut found);
    check_calendar(world, &mut found);
    found
}

/// The sizes every index is checked against.
#[derive(Clone, Copy)]
struct Counts {
    factions: usize,
    provinces: usize,
    characters: usize,
}

impl Counts {
    fn faction(&self, f: FactionIx) -> bool {
        f.get() < self.factions
    }

    fn province(&self, p: ProvinceIx) -> bool {
        p.get() < self.provinces
    }
}

/// How far past the ends of its scale a figure may be: an average of figures on the scale (a
/// merged army's morale) may round a hair past its end.
const SCALE_ROUNDING: f64 = 1e-6;

/// Says so when `value` is not finite or lies outside `low..=high`.
fn within(found: &mut Vec<String>, what: impl FnOnce() -> String, value: f64, low: f64, high: f64) {
    if !value.is_finite() || value < low - SCALE_ROUNDING || value > high + SCALE_ROUNDING {
        found.push(format!("{} is {value}, outside {low} to {high}", what()));
    }
}

/// Says so when `value` is negative or not finite.
fn quantity(found: &mut Vec<String>, what: impl FnOnce() -> String, value: f64) {
    if !value.is_finite() || value < 0.0 {
        found.push(format!("{} is {value}, negative or not a number", what()));
    }
}

fn check_factions(world: &World, entities: &Entities, counts: Counts, found: &mut Vec<String>) {
    for (i, &entity) in entities.factions.iter().enumerate() {
        if let Some(t) = world.get::<Treasury>(entity) {
            quantity(found, || format!("faction {i}'s silver"), t.silver);
            quantity(found, || format!("faction {i}'s grain"), t.grain);
        }
        if let Some(s) = world.get::<Standing>(entity) {
            within(found, || format!("faction {i}'s legitimacy"), s.legitimacy, 0.0, PERCENT);
            within(found, || format!("faction {i}'s cohesion"), s.cohesion, 0.0, PERCENT);
        }
        if world.get::<Ruler>(entity).and_then(|r| r.0).is_some_and(|c| c.get() >= counts.characters) {
            found.push(format!("faction {i}'s ruler is no character of the scenario"));
        }
        if world.get::<Capital>(entity).and_then(|c| c.0).is_some_and(|p| !counts.province(p)) {
            found.push(format!("faction {i}'s capital is no province of the scenario"));
        }
    }
}

fn check_provinces(world: &World, entities: &Entities, counts: Counts, found: &mut Vec<String>) {
    for (i, &entity) in entities.provinces.iter().enumerate() {
        if world.get::<Owner>(entity).and_then(|o| o.0).is_some_and(|f| !counts.faction(f)) {
            found.push(format!("province {i}'s owner is no faction of the scenario"));
        }
        if let Some(p) = world.get::<Populace>(entity) {
            quantity(found, || format!("province {i}'s population"), p.population);
            quantity(found, || format!("province {i}'s wealth"), p.wealth);
            within(found, || format!("province {i}'s loyalty"), p.loyalty, 0.0, PERCENT);
            if p.loyal_to.is_some_and(|f| !counts.faction(f)) {
                found.push(format!("province {i}'s people are loyal to no faction of the scenario"));
            }
        }
        if let Some(d) = world.get::<Defences>(entity) {
            within(found, || format!("province {i}'s walls"), d.walls, 0.0, MAX_WALLS);
            quantity(found, || format!("province {i}'s garrison"), d.garrison);
            quantity(found, || format!("province {i}'s grain"), d.grain);
        }
    }
}

fn check_characters(world: &World, entities: &Entities, counts: Counts, found: &mut Vec<String>) {
    for (i, &entity) in entities.characters.iter().enumerate() {
        let Some(person) = world.get::<Person>(entity) else { continue };
        within(found, || format!("character {i}'s loyalty"), person.loyalty, 0.0, PERCENT);
        if person.faction.is_some_and(|f| !counts.faction(f)) {
            found.push(format!("character {i} serves no faction of the scenario"));
        }
    }
}

fn check_armies(world: &World, entities: &Entities, counts: Counts, kinds: usize, found: &mut Vec<String>) {
    for (slot, entity) in entities.armies.iter().enumerate() {
        let Some(entity) = *entity else { continue };
        let Some(army) = world.get::<Army>(entity) else {
            found.push(format!("army slot {slot} holds an entity that is no army"));
            continue;
        };
        if army.ix.get() != slot {
            found.push(format!("army slot {slot} holds army {}", army.ix.get()));
        }
        if !counts.province(army.location) {
            found.push(format!("army {slot} stands in no province of the scenario"));
        }
        if !counts.faction(army.owner) {
            found.push(format!("army {slot} belongs to no faction of the scenario"));
        }
        if army.commander.is_some_and(|c| c.get() >= counts.characters) {
            found.push(format!("army {slot}'s commander is no character of the scenario"));
        }
        if let Some(troops) = world.get::<Troops>(entity) {
            check_troops(slot, troops, kinds, found);
        }
        if let Some(spirit) = world.get::<Spirit>(entity) {
            within(found, || format!("army {slot}'s morale"), spirit.morale, 0.0, PERCENT);
            within(found, || format!("army {slot}'s supply"), spirit.supply, 0.0, PERCENT);
            quantity(found, || format!("army {slot}'s grain"), spirit.grain);
        }
    }
}

fn check_troops(slot: usize, troops: &Troops, kinds: usize, found: &mut Vec<String>) {
    if troops.men().len() != kinds {
        found.push(format!("army {slot} counts {} troop kinds, the scenario has {kinds}", troops.men().len()));
    }
    for (kind, &men) in troops.men().iter().enumerate() {
        quantity(found, || format!("army {slot}'s men of kind {kind}"), men);
    }
    let sum: f64 = troops.men().iter().sum();
    if (sum - troops.total()).abs() > SUM_TOLERANCE * sum.abs().max(1.0) {
        found.push(format!("army {slot} keeps {} men in all but its kinds add up to {sum}", troops.total()));
    }
}

fn check_relations(world: &World, counts: Counts, found: &mut Vec<String>) {
    let Some(relations) = world.get_resource::<Relations>() else { return };
    if relations.size() != counts.factions {
        found.push(format!("relations are kept for {} factions of {}", relations.size(), counts.factions));
        return;
    }
    let factions = (0..counts.factions).map(FactionIx::new);
    for a in factions.clone() {
        if relations.at_war(a, a) {
            found.push(format!("faction {} is at war with itself", a.get()));
        }
        for b in factions.clone().filter(|b| *b != a) {
            let (i, j) = (a.get(), b.get());
            within(
                found,
                || format!("faction {i}'s opinion of faction {j}"),
                relations.opinion(a, b),
                -OPINION_SCALE,
                OPINION_SCALE,
            );
            within(found, || format!("faction {i}'s trust in faction {j}"), relations.trust(a, b), 0.0, PERCENT);
            if relations.at_war(a, b) != relations.at_war(b, a) {
                found.push(format!("faction {i} is at war with faction {j} but not the other way"));
            }
        }
    }
}

fn check_sieges(world: &World, entities: &Entities, counts: Counts, found: &mut Vec<String>) {
    let (Some(sieges), Some(relations), Some(treaties)) =
        (world.get_resource::<Sieges>(), world.get_resource::<Relations>(), world.get_resource::<Treaties>())
    else {
        return;
    };
    if sieges.0.len() != counts.provinces {
        found.push(format!("sieges are kept for {} provinces of {}", sieges.0.len(), counts.provinces));
        return;
    }
    for (i, siege) in sieges.0.iter().enumerate() {
        let Some(siege) = siege else { continue };
        if !counts.faction(siege.besieger) {
            found.push(format!("province {i} is besieged by no faction of the scenario"));
            continue;
        }
        quantity(found, || format!("the siege of province {i}'s breach"), siege.breach);
        quantity(found, || format!("the siege of province {i}'s rations"), siege.rations);
        let owner = entities.provinces.get(i).and_then(|&e| world.get::<Owner>(e)).and_then(|o| o.0);
        match owner {
            None => found.push(format!("province {i} is besieged but held by nobody")),
            Some(owner) if owner == siege.besieger => {
                found.push(format!("province {i} is besieged by its own owner, faction {}", owner.get()));
            }
            // A faction a peace gave the province to, which refused the cession, may fight for it
            // without breaking the peace.
            Some(owner)
                if counts.faction(owner)
                    && !relations.at_war(siege.besieger, owner)
                    && treaties.claimant(ProvinceIx::new(i), Some(owner)) != Some(siege.besieger) =>
            {
                found.push(format!(
                    "province {i} is besieged by faction {} at peace with its owner, faction {}, and not its claimant",
                    siege.besieger.get(),
                    owner.get()
                ))
            }
            Some(_) => {}
        }
    }
}

fn check_treaties(world: &World, counts: Counts, found: &mut Vec<String>) {
    let Some(treaties) = world.get_resource::<Treaties>() else { return };
    for treaty in treaties.all() {
        let name = &treaty.name;
        if treaty.parties.iter().any(|f| !counts.faction(*f)) {
            found.push(format!("treaty {name} binds a faction the scenario does not have"));
        }
        quantity(found, || format!("treaty {name}'s arrears"), treaty.arrears);
        if let TreatyTerms::Peace { indemnity_left, instalment, .. } = &treaty.terms {
            quantity(found, || format!("treaty {name}'s indemnity left"), *indemnity_left);
            quantity(found, || format!("treaty {name}'s instalment"), *instalment);
        }
    }
}

fn check_calendar(world: &World, found: &mut Vec<String>) {
    let Some(calendar) = world.get_resource::<Calendar>() else { return };
    if !(1..=12).contains(&calendar.date.month) {
        found.push(format!("the calendar stands at month {} of a year", calendar.date.month));
    }
    if calendar.date < calendar.start {
        found.push(format!("the calendar stands at {}, before the campaign's start {}", calendar.date, calendar.start));
    }
}
