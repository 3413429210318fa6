//! Building the world of a validated scenario: one entity per faction, province, character and army.
use bevy_ecs::prelude::*;

use super::armies::ArmyBundle;
use super::calendar::Calendar;
use super::characters::{Person, Ruler, Status};
use super::diplomacy::{InPlay, Relations, Treaties};
use super::economy::{Payroll, Treasury};
use super::events::{EventState, event_state};
use super::ids::{Data, FactionIx, ProvinceIx};
use super::map::{Capital, FirstTransfers, Owner, Populace, Province};
use super::morale::Standing;
use super::sieges::Defences;
use super::sieges::Sieges;
use super::supply::Foraged;
use super::victory::{CheckState, CheckStatus, HistoryRecord};
use super::world::Entities;

/// A faction entity's components.
type FactionStart = (FactionIx, Treasury, Payroll, Standing, InPlay, Ruler, Capital);

/// A province entity's components.
type ProvinceStart = (Province, ProvinceIx, Owner, Populace, Defences);

/// The scenario's starting state as component and resource values, worked out once: every
/// campaign of a sweep starts from copies of it instead of reading the scenario again.
pub struct Start {
    factions: Vec<FactionStart>,
    provinces: Vec<ProvinceStart>,
    characters: Vec<Person>,
    /// The scenario's starting armies, with the number of army slots (events may raise more).
    armies: Vec<ArmyBundle>,
    army_slots: usize,
    relations: Relations,
    treaties: Treaties,
    calendar: Calendar,
    events: EventState,
    history: HistoryRecord,
}

impl Start {
    /// The starting state of `data`'s scenario.
    pub fn of(data: &Data) -> Self {
        let s = &data.scenario;
        let factions = s
            .factions
            .iter()
            .map(|f| {
                (
                    data.faction(&f.id),
                    Treasury { silver: f.treasury as f64, grain: f.grain as f64 },
                    Payroll::default(),
                    Standing { legitimacy: f.legitimacy as f64, cohesion: f.cohesion as f64 },
                    InPlay(f.active),
                    Ruler(f.ruler.as_deref().map(|r| data.character(r))),
                    Capital(f.capital.as_deref().map(|p| data.province(p))),
                )
            })
            .collect();
        let provinces = s
            .provinces
            .iter()
            .map(|p| {
                let owner = p.owner.as_deref().map(|o| data.faction(o));
                (
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
                )
            })
            .collect();
        let characters = s
            .characters
            .iter()
            .map(|c| Person {
                ix: data.character(&c.id),
                faction: c.faction.as_deref().map(|f| data.faction(f)),
                roles: c.roles.clone(),
                loyalty: c.loyalty as f64,
                status: if c.active { Status::Active } else { Status::Waiting },
            })
            .collect();
        let armies = s.armies.iter().map(|a| ArmyBundle::from_scenario(data, a)).collect();
        let mut relations = Relations::new(s.factions.len());
        for r in &s.relations {
            let (a, b) = (data.faction(&r.between.0), data.faction(&r.between.1));
            relations.set_symmetric(a, b, r.opinion as f64, r.trust as f64, r.war);
        }
        let mut treaties = Treaties(vec![None; data.treaty_ids.len()]);
        for t in &s.treaties {
            let state = Treaties::resolve(data, t, s.start);
            let ix = state.ix;
            treaties.0[ix] = Some(state);
        }
        Self {
            factions,
            provinces,
            characters,
            armies,
            army_slots: data.army_ids.len(),
            relations,
            treaties,
            calendar: Calendar::new(s.start, s.end),
            events: event_state(data),
            history: HistoryRecord(
                s.history.iter().map(|_| CheckState { status: CheckStatus::Pending, happened: None }).collect(),
            ),
        }
    }

    /// Fills an empty `world` with the starting state.
    pub fn populate(&self, world: &mut World) {
        let mut entities = Entities {
            factions: self.factions.iter().map(|f| world.spawn(*f).id()).collect(),
            provinces: self.provinces.iter().map(|p| world.spawn(*p).id()).collect(),
            characters: self.characters.iter().map(|c| world.spawn(c.clone()).id()).collect(),
            armies: Vec::new(),
        };
        self.raise_armies(world, &mut entities);
        world.insert_resource(entities);
        self.insert_resources(world);
    }

    /// Puts a world this start populated back to the starting state. Factions, provinces and
    /// characters keep their entities (the game never adds or removes any), so only their values
    /// are set back, in place; armies are raised anew.
    pub fn restore(&self, world: &mut World) {
        let mut entities = world.resource::<Entities>().clone();
        for e in entities.armies.iter().flatten() {
            world.despawn(*e);
        }
        let mut factions = world.query::<(
            &FactionIx,
            &mut Treasury,
            &mut Payroll,
            &mut Standing,
            &mut InPlay,
            &mut Ruler,
            &mut Capital,
        )>();
        factions.iter_mut(world).for_each(|(ix, mut t, mut p, mut s, mut i, mut r, mut c)| {
            let (_, t0, p0, s0, i0, r0, c0) = self.factions[ix.get()];
            (*t, *p, *s, *i, *r, *c) = (t0, p0, s0, i0, r0, c0);
        });
        let mut provinces = world.query::<(&ProvinceIx, &mut Owner, &mut Populace, &mut Defences)>();
        provinces.iter_mut(world).for_each(|(ix, mut o, mut p, mut d)| {
            let (_, _, o0, p0, d0) = self.provinces[ix.get()];
            (*o, *p, *d) = (o0, p0, d0);
        });
        let mut people = world.query::<&mut Person>();
        people.iter_mut(world).for_each(|mut p| {
            let start = &self.characters[p.ix.get()];
            Person::clone_from(&mut p, start);
        });
        self.raise_armies(world, &mut entities);
        world.insert_resource(entities);
        self.insert_resources(world);
    }

    /// Spawns the starting armies into `entities.armies`, every other slot empty.
    fn raise_armies(&self, world: &mut World, entities: &mut Entities) {
        entities.armies.clear();
        entities.armies.resize(self.army_slots, None);
        for a in &self.armies {
            let ix = a.army.ix;
            entities.armies[ix.get()] = Some(world.spawn(a.clone()).id());
        }
    }

    fn insert_resources(&self, world: &mut World) {
        let provinces = self.provinces.len();
        world.insert_resource(self.relations.clone());
        world.insert_resource(self.treaties.clone());
        world.insert_resource(self.calendar);
        world.insert_resource(Sieges(vec![None; provinces]));
        world.insert_resource(Foraged(vec![0.0; provinces]));
        world.insert_resource(FirstTransfers(vec![None; provinces]));
        world.insert_resource(self.events.clone());
        world.insert_resource(self.history.clone());
    }
}
