//! Evaluating scenario conditions against the state of the game.
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::armies::{Army, Troops};
use super::calendar::Calendar;
use super::characters::{Person, Ruler};
use super::diplomacy::{InPlay, Relations, Treaties};
use super::economy::Treasury;
use super::events::{Choices, Flags, Players};
use super::ids::{CharacterIx, FactionIx, ProvinceIx, Static, StaticData};
use super::map::Owner;
use super::morale::Standing;
use super::sieges::{Defences, Sieges};
use super::world::Entities;
use crate::scenario::{Compare, Condition, Date, Role};

/// Read-only access to everything a condition may ask about.
#[derive(SystemParam)]
pub struct View<'w, 's> {
    pub data: Static<'s>,
    pub entities: Res<'w, Entities>,
    pub calendar: Res<'w, Calendar>,
    pub flags: Res<'w, Flags>,
    pub choices: Res<'w, Choices>,
    pub players: Res<'w, Players>,
    pub relations: Res<'w, Relations>,
    pub treaties: Res<'w, Treaties>,
    pub sieges: Res<'w, Sieges>,
    pub owners: Query<'w, 's, (&'static Owner, &'static Defences)>,
    pub factions: Query<'w, 's, (&'static Treasury, &'static Standing, &'static InPlay, &'static Ruler)>,
    pub people: Query<'w, 's, &'static Person>,
    pub armies: Query<'w, 's, (&'static Army, &'static Troops)>,
}

impl View<'_, '_> {
    /// Whether `test` holds now.
    pub fn holds(&self, test: &Test) -> bool {
        use Test as T;
        match test {
            T::Always => true,
            T::Never => false,
            T::All(list) => list.iter().all(|t| self.holds(t)),
            T::Any(list) => list.iter().any(|t| self.holds(t)),
            T::Not(inner) => !self.holds(inner),
            T::After(date) => self.calendar.date >= *date,
            T::Before(date) => self.calendar.date < *date,
            T::Holds { faction, province } => self.owner_of(province.get()) == Some(faction.get()),
            T::AtWar { a, b } => self.relations.at_war(*a, *b),
            T::TreatyInForce(t) => self.treaties.in_force(*t),
            T::Flag(f) => self.flags.is_set(*f),
            T::Chose { event, option } => self.choices.chose(*event, *option),
            T::Alive(c) => self.person(*c).is_some_and(Person::is_active),
            T::Serves { character, faction } => {
                self.person(*character).is_some_and(|p| p.is_active() && p.faction == Some(*faction))
            }
            T::Rules { character, faction } => {
                self.faction(*faction).is_some_and(|(_, _, _, r)| r.0 == Some(*character))
            }
            T::HasRole { character, role } => {
                self.person(*character).is_some_and(|p| p.is_active() && p.roles.contains(role))
            }
            T::FactionActive(f) => self.faction(*f).is_some_and(|(_, _, p, _)| p.0),
            T::ArmyIn { faction, province } => {
                self.armies().any(|(a, t)| a.owner == *faction && a.location == *province && t.total() > 0.0)
            }
            T::Besieged(p) => self.sieges.0[p.get()].is_some(),
            T::SiegeMonths { province, is } => {
                is.holds(self.sieges.0[province.get()].map_or(0.0, |s| f64::from(s.months)))
            }
            T::Treasury { faction, is } => self.faction(*faction).is_some_and(|(t, ..)| is.holds(t.silver)),
            T::Grain { faction, is } => self.faction(*faction).is_some_and(|(t, ..)| is.holds(t.grain)),
            T::Legitimacy { faction, is } => self.faction(*faction).is_some_and(|(_, s, ..)| is.holds(s.legitimacy)),
            T::Cohesion { faction, is } => self.faction(*faction).is_some_and(|(_, s, ..)| is.holds(s.cohesion)),
            T::Troops { faction, is } => {
                is.holds(self.armies().filter(|(a, _)| a.owner == *faction).map(|(_, t)| t.total()).sum())
            }
            T::Provinces { faction, is } => {
                let f = Some(faction.get());
                is.holds((0..self.entities.provinces.len()).filter(|p| self.owner_of(*p) == f).count() as f64)
            }
            T::Opinion { of, towards, is } => is.holds(self.relations.opinion(*of, *towards)),
            T::ProvinceGrain { province, is } => {
                self.owners.get(self.entities.province(*province)).is_ok_and(|(_, def)| is.holds(def.grain))
            }
            T::HumanPlays(f) => self.players.is_human(*f),
        }
    }

    fn owner_of(&self, province: usize) -> Option<usize> {
        self.owners.get(self.entities.provinces[province]).ok().and_then(|(o, _)| o.0).map(|f| f.get())
    }

    fn person(&self, c: CharacterIx) -> Option<&Person> {
        self.people.get(self.entities.character(c)).ok()
    }

    fn faction(&self, f: FactionIx) -> Option<(&Treasury, &Standing, &InPlay, &Ruler)> {
        self.factions.get(self.entities.faction(f)).ok()
    }

    /// Armies in the field, in index order.
    fn armies(&self) -> impl Iterator<Item = (&Army, &Troops)> {
        self.entities.armies.iter().flatten().filter_map(|e| self.armies.get(*e).ok())
    }
}

/// A scenario condition with every id resolved to its index, once, when the scenario is loaded:
/// a turn evaluates many conditions and never looks a name up. A flag is its index in
/// [`StaticData::flags`].
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Always,
    Never,
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
    After(Date),
    Before(Date),
    Holds { faction: FactionIx, province: ProvinceIx },
    AtWar { a: FactionIx, b: FactionIx },
    TreatyInForce(usize),
    Flag(usize),
    Chose { event: usize, option: usize },
    Alive(CharacterIx),
    Serves { character: CharacterIx, faction: FactionIx },
    Rules { character: CharacterIx, faction: FactionIx },
    HasRole { character: CharacterIx, role: Role },
    FactionActive(FactionIx),
    ArmyIn { faction: FactionIx, province: ProvinceIx },
    Besieged(ProvinceIx),
    SiegeMonths { province: ProvinceIx, is: Compare },
    Treasury { faction: FactionIx, is: Compare },
    Grain { faction: FactionIx, is: Compare },
    Legitimacy { faction: FactionIx, is: Compare },
    Cohesion { faction: FactionIx, is: Compare },
    Troops { faction: FactionIx, is: Compare },
    Provinces { faction: FactionIx, is: Compare },
    Opinion { of: FactionIx, towards: FactionIx, is: Compare },
    ProvinceGrain { province: ProvinceIx, is: Compare },
    HumanPlays(FactionIx),
}

impl Test {
    /// Roughly how much testing costs: 1 for a field, 2 for a component lookup, more for lists
    /// and scans of every army or province.
    fn cost(&self) -> u32 {
        use Test as T;
        match self {
            T::Always | T::Never | T::After(_) | T::Before(_) | T::Flag(_) | T::Besieged(_) => 1,
            T::SiegeMonths { .. } | T::AtWar { .. } | T::Opinion { .. } | T::HumanPlays(_) | T::TreatyInForce(_) => 1,
            T::Holds { .. } | T::Alive(_) | T::Serves { .. } | T::Rules { .. } | T::HasRole { .. } => 2,
            T::FactionActive(_) | T::Treasury { .. } | T::Grain { .. } | T::Legitimacy { .. } => 2,
            T::Cohesion { .. } | T::ProvinceGrain { .. } | T::Chose { .. } => 2,
            T::ArmyIn { .. } | T::Troops { .. } | T::Provinces { .. } => 8,
            T::Not(inner) => inner.cost(),
            T::All(list) | T::Any(list) => list.iter().map(Self::cost).sum(),
        }
    }

    /// Resolves the ids of a validated condition.
    pub fn compile(condition: &Condition, d: &StaticData) -> Self {
        use Condition as C;
        // Tests have no side effects, so a list may be tested in any order: the cheap tests first
        // spare the dear ones whenever they decide.
        let list = |items: &[Condition]| {
            let mut tests: Vec<Self> = items.iter().map(|c| Self::compile(c, d)).collect();
            tests.sort_by_key(Self::cost);
            tests
        };
        match condition {
            C::Always => Self::Always,
            C::Never => Self::Never,
            C::All(items) => Self::All(list(items)),
            C::Any(items) => Self::Any(list(items)),
            C::Not(inner) => Self::Not(Box::new(Self::compile(inner, d))),
            C::After(date) => Self::After(*date),
            C::Before(date) => Self::Before(*date),
            C::Holds { faction, province } => {
                Self::Holds { faction: d.faction(faction), province: d.province(province) }
            }
            C::AtWar { a, b } => Self::AtWar { a: d.faction(a), b: d.faction(b) },
            C::TreatyInForce(t) => Self::TreatyInForce(d.treaties[t]),
            // A flag no effect sets is never set.
            C::Flag(f) => d.flags.get(f).map_or(Self::Never, |f| Self::Flag(*f)),
            C::Chose { event, option } => {
                let e = d.events[event];
                match d.scenario.events[e].options.iter().position(|o| &o.id == option) {
                    Some(option) => Self::Chose { event: e, option },
                    None => Self::Never,
                }
            }
            C::Alive(c) => Self::Alive(d.character(c)),
            C::Serves { character, faction } => {
                Self::Serves { character: d.character(character), faction: d.faction(faction) }
            }
            C::Rules { character, faction } => {
                Self::Rules { character: d.character(character), faction: d.faction(faction) }
            }
            C::HasRole { character, role } => Self::HasRole { character: d.character(character), role: *role },
            C::FactionActive(f) => Self::FactionActive(d.faction(f)),
            C::ArmyIn { faction, province } => {
                Self::ArmyIn { faction: d.faction(faction), province: d.province(province) }
            }
            C::Besieged(p) => Self::Besieged(d.province(p)),
            C::SiegeMonths { province, is } => Self::SiegeMonths { province: d.province(province), is: *is },
            C::Treasury { faction, is } => Self::Treasury { faction: d.faction(faction), is: *is },
            C::Grain { faction, is } => Self::Grain { faction: d.faction(faction), is: *is },
            C::Legitimacy { faction, is } => Self::Legitimacy { faction: d.faction(faction), is: *is },
            C::Cohesion { faction, is } => Self::Cohesion { faction: d.faction(faction), is: *is },
            C::Troops { faction, is } => Self::Troops { faction: d.faction(faction), is: *is },
            C::Provinces { faction, is } => Self::Provinces { faction: d.faction(faction), is: *is },
            C::Opinion { of, towards, is } => Self::Opinion { of: d.faction(of), towards: d.faction(towards), is: *is },
            C::ProvinceGrain { province, is } => Self::ProvinceGrain { province: d.province(province), is: *is },
            C::HumanPlays(f) => Self::HumanPlays(d.faction(f)),
        }
    }
}
