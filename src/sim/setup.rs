//! Building the world of a validated scenario: one entity per faction, province, character and army.
use bevy_ecs::prelude::*;

use super::armies::ArmyBundle;
use super::calendar::Calendar;
use super::characters::{Person, Ruler, Status};
use super::diplomacy::{InPlay, Relations, Treaties};
use super::economy::{Payroll, Treasury};
use super::events::event_state;
use super::ids::Data;
use super::map::{Capital, FirstTransfers, Owner, Populace, Province};
use super::morale::Standing;
use super::sieges::Defences;
use super::sieges::Sieges;
use super::supply::Foraged;
use super::victory::{CheckState, CheckStatus, HistoryRecord};
use super::world::Entities;

/// Fills `world` with the scenario's starting state.
pub fn populate(world: &mut World, data: &Data) {
    let s = &data.scenario;
    let mut entities = Entities::default();
    for f in &s.factions {
        let e = world
            .spawn((
                data.faction(&f.id),
                Treasury { silver: f.treasury as f64, grain: f.grain as f64 },
                Payroll::default(),
                Standing { legitimacy: f.legitimacy as f64, cohesion: f.cohesion as f64 },
                InPlay(f.active),
                Ruler(f.ruler.as_deref().map(|r| data.character(r))),
                Capital(f.capital.as_deref().map(|p| data.province(p))),
            ))
            .id();
        entities.factions.push(e);
    }
    for p in &s.provinces {
        let owner = p.owner.as_deref().map(|o| data.faction(o));
        let e = world
            .spawn((
                Province,
                data.province(&p.id),
                Owner(owner),
                Populace {
                    population: p.population as f64,
                    wealth: p.wealth as f64,
                    loyal_to: p.loyal_to.as_deref().map(|f| data.faction(f)).or(owner),
                    loyalty: p.loyalty as f64,
                },
                Defences { walls: p.walls as f64, garrison: p.garrison as f64, grain: p.grain as f64 },
            ))
            .id();
        entities.provinces.push(e);
    }
    for c in &s.characters {
        let e = world
            .spawn(Person {
                ix: data.character(&c.id),
                faction: c.faction.as_deref().map(|f| data.faction(f)),
                roles: c.roles.clone(),
                loyalty: c.loyalty as f64,
                status: if c.active { Status::Active } else { Status::Waiting },
            })
            .id();
        entities.characters.push(e);
    }
    entities.armies = vec![None; data.army_ids.len()];
    for a in &s.armies {
        let e = world.spawn(ArmyBundle::from_scenario(data, a)).id();
        entities.armies[data.army(&a.id).get()] = Some(e);
    }
    world.insert_resource(entities);

    let mut relations = Relations::new(s.factions.len());
    for r in &s.relations {
        let (a, b) = (data.faction(&r.between.0), data.faction(&r.between.1));
        relations.set_symmetric(a, b, r.opinion as f64, r.trust as f64, r.war);
    }
    world.insert_resource(relations);
    let mut treaties = Treaties(vec![None; data.treaty_ids.len()]);
    for t in &s.treaties {
        let state = Treaties::resolve(data, t, s.start);
        let ix = state.ix;
        treaties.0[ix] = Some(state);
    }
    world.insert_resource(treaties);
    world.insert_resource(Calendar::new(s.start, s.end));
    world.insert_resource(Sieges(vec![None; s.provinces.len()]));
    world.insert_resource(Foraged(vec![0.0; s.provinces.len()]));
    world.insert_resource(FirstTransfers(vec![None; s.provinces.len()]));
    world.insert_resource(event_state(data));
    world.insert_resource(HistoryRecord(
        s.history.iter().map(|_| CheckState { status: CheckStatus::Pending, happened: None }).collect(),
    ));
}
