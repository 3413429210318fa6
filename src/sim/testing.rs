//! Small worlds for the rules' unit tests: a three-province map and two factions, with parts
//! replaced per test.
use std::sync::Arc;

use bevy_ecs::prelude::*;

use super::state::Entities;
use super::{Sim, SimOptions, StaticData};
use crate::scenario::{Scenario, validate_embedded};

/// A scenario with `red` and `blue` at war over provinces `a - b - c` (red owns `a`, blue owns
/// `b` and `c`), with the given armies, extra fields and rules.
pub fn scenario(armies: &str, extra: &str) -> Scenario {
    let text = format!(
        r##"Scenario(
    format_version: 1, id: "tiny", name: "Tiny", start: "1125-03", end: "1127-12",
    troop_kinds: [
        TroopKind(id: "infantry", name: "Infantry"),
        TroopKind(id: "cavalry", name: "Cavalry", field: 2.0, assault: 0.4, speed: 1.6, mounted: true),
    ],
    terrains: [TerrainDef],
    factions: [
        Faction(id: "red", name: "Red", colour: "#ff0000", capital: Some("a"), treasury: 10000, grain: 10000),
        Faction(id: "blue", name: "Blue", colour: "#0000ff", capital: Some("c"), treasury: 10000, grain: 10000),
    ],
    characters: [
        Character(id: "red_general", name: "Red General", faction: Some("red"), roles: [Commander]),
        Character(id: "blue_general", name: "Blue General", faction: Some("blue"), roles: [Commander]),
    ],
    provinces: [
        Province(id: "a", name: "A", position: (100.0, 30.0), terrain: "plains", owner: Some("red"), population: 100000, wealth: 10, grain: 1000, walls: 5, garrison: 5000),
        Province(id: "b", name: "B", position: (101.0, 30.0), terrain: "plains", owner: Some("blue"), population: 100000, wealth: 10, grain: 1000, walls: 5, garrison: 5000),
        Province(id: "c", name: "C", position: (102.0, 30.0), terrain: "plains", owner: Some("blue"), population: 100000, wealth: 10, grain: 1000, walls: 5, garrison: 5000),
    ],
    connections: [
        Connection(from: "a", to: "b", kind: Road, days: 10),
        Connection(from: "b", to: "c", kind: Road, days: 10),
    ],
    relations: [Relation(between: ("red", "blue"), war: true)],
    armies: [{armies}],
    {extra}
)"##
    )
    .replace("TerrainDef", r#"Terrain(id: "plains", name: "Plains")"#);
    crate::scenario::parse_scenario_text(&text).expect("the test scenario parses")
}

/// A campaign of `scenario` with `seed`, every faction played by the AI.
pub fn sim(scenario: Scenario, seed: u64) -> Sim {
    sim_with_humans(scenario, seed, &[])
}

/// A campaign where the factions `humans` give no orders unless the test gives them.
pub fn sim_with_humans(scenario: Scenario, seed: u64, humans: &[&str]) -> Sim {
    let valid = match validate_embedded(scenario, "test scenario") {
        Ok(v) => v,
        Err(e) => panic!("test scenario invalid:\n{e}"),
    };
    let data = StaticData::new(&valid);
    let humans = humans.iter().map(|h| data.faction(h)).collect();
    Sim::new(Arc::new(data), &SimOptions { seed, humans, ..Default::default() })
}

/// A component of the army with scenario id `id`, if it is in the field.
pub fn army<'a, C: Component>(sim: &'a Sim, id: &str) -> Option<&'a C> {
    let ix = sim.data().army(id);
    let e = sim.world().resource::<Entities>().army(ix)?;
    sim.world().get::<C>(e)
}

/// A component of the province with scenario id `id`.
pub fn province<'a, C: Component>(sim: &'a Sim, id: &str) -> &'a C {
    let e = sim.world().resource::<Entities>().province(sim.data().province(id));
    sim.world().get::<C>(e).expect("component")
}

/// Mutable access to a component of the province with id `id`.
pub fn province_mut<'a, C: Component<Mutability = bevy_ecs::component::Mutable>>(
    sim: &'a mut Sim,
    id: &str,
) -> Mut<'a, C> {
    let e = sim.world().resource::<Entities>().province(sim.data().province(id));
    sim.world_mut().get_mut::<C>(e).expect("component")
}

/// A component of the faction with id `id`.
pub fn faction<'a, C: Component>(sim: &'a Sim, id: &str) -> &'a C {
    let e = sim.world().resource::<Entities>().faction(sim.data().faction(id));
    sim.world().get::<C>(e).expect("component")
}

/// Whether the character with id `id` is active, captive, dead...
pub fn status(sim: &Sim, id: &str) -> super::state::Status {
    let e = sim.world().resource::<Entities>().character(sim.data().character(id));
    sim.world().get::<super::state::Person>(e).map(|p| p.status).expect("a person")
}

/// Lines of the chronicle.
pub fn chronicle(sim: &Sim) -> Vec<String> {
    sim.chronicle().0.iter().map(|e| format!("{} {}", e.date, e.text)).collect()
}
