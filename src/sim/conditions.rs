//! Testing compiled conditions ([`Test`]) against the state of the game: events, victories,
//! history checks and the AI all read the game through this one view.
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::compiled::Test;
use super::data::Static;
use super::ids::{ArmyIx, CharacterIx, FactionIx};
use super::state::{
    Army, Calendar, Choices, Defences, Entities, Flags, InPlay, Owner, Person, Players, Relations, Ruler, SiegeLog,
    Sieges, Standing, Status, Treasury, Treaties, Troops,
};

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
    pub siege_log: Res<'w, SiegeLog>,
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
            T::Besieged(p) => self.sieges.besieged(*p),
            T::SiegeLifted { province, by } => self
                .siege_log
                .0
                .iter()
                .any(|r| r.province == *province && r.besieger == *by && r.end.is_some() && r.cause.is_none()),
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
            T::ArmyExists(a) => self.army(*a).is_some(),
            T::ArmyAt { army, province } => self.army(*army).is_some_and(|(a, _)| a.location == *province),
            T::Captive(c) => self.person(*c).is_some_and(|p| p.status == Status::Captive),
            T::Dead(c) => self.person(*c).is_some_and(|p| p.status == Status::Dead),
            T::Exiled(c) => self.person(*c).is_some_and(|p| p.status == Status::Exiled),
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

    /// Army `a`, if it is in the field with men.
    fn army(&self, a: ArmyIx) -> Option<(&Army, &Troops)> {
        self.entities.army(a).and_then(|e| self.armies.get(e).ok()).filter(|(_, t)| t.total() > 0.0)
    }

    /// Armies in the field, in index order.
    fn armies(&self) -> impl Iterator<Item = (&Army, &Troops)> {
        self.entities.armies.iter().flatten().filter_map(|e| self.armies.get(*e).ok())
    }
}
