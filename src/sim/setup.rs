//! Building the world of a validated scenario: one entity per faction, province, character and
//! army, spawned by [`spawn`] for a new campaign and a restored save alike.
use bevy_ecs::component::Mutable;
use bevy_ecs::prelude::*;

use super::data::Data;
use super::ids::{FactionIx, ProvinceIx};
use super::readout::{FactionState, ProvinceState};
use super::state::{
    ArmyBundle, Calendar, Capital, CharacterTraits, CheckState, Defences, Entities, EventState, FirstTransfers,
    Foraged, HistoryRecord, InPlay, Names, Owner, Payroll, Person, Populace, Relations, Ruler, Sieges, Standing,
    Status, Treasury, Treaties, TreatyState,
};

/// The scenario's starting state as component and resource values, worked out once: every
/// campaign of a sweep starts from copies of it instead of reading the scenario again.
pub struct Start {
    factions: Vec<FactionState>,
    provinces: Vec<ProvinceState>,
    characters: Vec<Person>,
    /// Every army slot: the starting armies in the field, the others (events may raise them) empty.
    armies: Vec<Option<ArmyBundle>>,
    relations: Relations,
    treaties: Treaties,
    calendar: Calendar,
    events: EventState,
    history: HistoryRecord,
    /// The scenario's names of factions and provinces.
    names: Names,
    /// The traits the scenario gives its characters, added up.
    traits: CharacterTraits,
}

impl Start {
    /// The starting state of `data`'s scenario.
    pub fn of(data: &Data) -> Self {
        let s = &data.scenario;
        let ids = &data.ids;
        let factions = s
            .factions
            .iter()
            .map(|f| FactionState {
                treasury: Treasury { silver: f.treasury as f64, grain: f.grain as f64 },
                payroll: Payroll::default(),
                standing: Standing { legitimacy: f.legitimacy as f64, cohesion: f.cohesion as f64 },
                in_play: InPlay(f.active),
                ruler: Ruler(f.ruler.as_deref().map(|r| ids.character(r))),
                capital: Capital(f.capital.as_deref().map(|p| ids.province(p))),
            })
            .collect();
        let provinces = s
            .provinces
            .iter()
            .map(|p| {
                let owner = p.owner.as_deref().map(|o| ids.faction(o));
                ProvinceState {
                    owner: Owner(owner),
                    populace: Populace {
                        population: p.population as f64,
                        wealth: p.wealth as f64,
                        loyal_to: p.loyal_to.as_deref().map(|f| ids.faction(f)).or(owner),
                        loyalty: p.loyalty as f64,
                    },
                    defences: Defences { walls: p.walls as f64, garrison: p.garrison as f64, grain: p.grain as f64 },
                }
            })
            .collect();
        let characters = s
            .characters
            .iter()
            .map(|c| Person {
                ix: ids.character(&c.id),
                faction: c.faction.as_deref().map(|f| ids.faction(f)),
                roles: c.roles.clone(),
                loyalty: c.loyalty as f64,
                status: if c.active { Status::Active } else { Status::Waiting },
            })
            .collect();
        let mut armies = vec![None; data.army_slots()];
        for spawn in &data.program.spawns[..data.program.starting_armies] {
            armies[spawn.ix.get()] = Some(ArmyBundle::from(spawn));
        }
        let mut relations = Relations::new(s.factions.len());
        for r in &s.relations {
            let (a, b) = (ids.faction(&r.between.0), ids.faction(&r.between.1));
            relations.set_symmetric(a, b, r.opinion as f64, r.trust as f64, r.war);
        }
        let mut treaties = Treaties(vec![None; ids.treaty_ids.len()]);
        for spec in &data.program.starting_treaties {
            treaties.0[spec.ix] = Some(TreatyState::signed(spec, s.start));
        }
        Self {
            factions,
            provinces,
            characters,
            armies,
            relations,
            treaties,
            calendar: Calendar::new(s.start, s.end),
            events: EventState::new(s.events.len()),
            history: HistoryRecord(vec![CheckState::PENDING; s.history.len()]),
            names: Names::of(s),
            traits: CharacterTraits::starting(data),
        }
    }

    /// Fills an empty `world` with the starting state.
    pub fn populate(&self, world: &mut World) {
        let entities = spawn(world, &self.factions, &self.provinces, &self.characters, &self.armies);
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
            let f = self.factions[ix.get()];
            (*t, *p, *s, *i, *r, *c) = (f.treasury, f.payroll, f.standing, f.in_play, f.ruler, f.capital);
        });
        let mut provinces = world.query::<(&ProvinceIx, &mut Owner, &mut Populace, &mut Defences)>();
        provinces.iter_mut(world).for_each(|(ix, mut o, mut p, mut d)| {
            let start = self.provinces[ix.get()];
            (*o, *p, *d) = (start.owner, start.populace, start.defences);
        });
        let mut people = world.query::<&mut Person>();
        people.iter_mut(world).for_each(|mut p| {
            let start = &self.characters[p.ix.get()];
            Person::clone_from(&mut p, start);
        });
        entities.armies = spawn_armies(world, &self.armies);
        world.insert_resource(entities);
        self.insert_resources(world);
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
        set_back(world, &self.names);
        set_back(world, &self.traits);
    }
}

/// Sets `world`'s resource to `start`: in place if the world has one, keeping its allocations (a
/// sweep resets thousands of campaigns), else inserted.
fn set_back<R: Resource + Component<Mutability = Mutable> + Clone>(world: &mut World, start: &R) {
    match world.get_resource_mut::<R>() {
        Some(mut r) => r.clone_from(start),
        None => world.insert_resource(start.clone()),
    }
}

/// Spawns one entity per faction, province and character, and one per army in the field, in that
/// order and each in index order; the entities, by index.
pub fn spawn(
    world: &mut World,
    factions: &[FactionState],
    provinces: &[ProvinceState],
    characters: &[Person],
    armies: &[Option<ArmyBundle>],
) -> Entities {
    Entities {
        factions: FactionIx::all(factions.len()).zip(factions).map(|(ix, f)| world.spawn(f.bundle(ix)).id()).collect(),
        provinces: ProvinceIx::all(provinces.len())
            .zip(provinces)
            .map(|(ix, p)| world.spawn(p.bundle(ix)).id())
            .collect(),
        characters: characters.iter().map(|c| world.spawn(c.clone()).id()).collect(),
        armies: spawn_armies(world, armies),
    }
}

/// Spawns the armies in the field, in slot order; each slot's entity.
fn spawn_armies(world: &mut World, armies: &[Option<ArmyBundle>]) -> Vec<Option<Entity>> {
    armies.iter().map(|a| a.as_ref().map(|a| world.spawn(a.clone()).id())).collect()
}
