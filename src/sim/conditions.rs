//! Evaluating scenario conditions against the state of the game.
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;

use super::armies::{Army, Troops};
use super::calendar::Calendar;
use super::characters::{Person, Ruler};
use super::diplomacy::{InPlay, Relations, Treaties};
use super::economy::Treasury;
use super::events::{Choices, Flags, Players};
use super::ids::Data;
use super::map::Owner;
use super::morale::Standing;
use super::sieges::{Defences, Sieges};
use super::world::Entities;
use crate::scenario::Condition;

/// Read-only access to everything a condition may ask about.
#[derive(SystemParam)]
pub struct View<'w, 's> {
    pub data: Res<'w, Data>,
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
    /// Whether `condition` holds now.
    pub fn holds(&self, condition: &Condition) -> bool {
        use Condition as C;
        let d = &self.data;
        match condition {
            C::Always => true,
            C::Never => false,
            C::All(list) => list.iter().all(|c| self.holds(c)),
            C::Any(list) => list.iter().any(|c| self.holds(c)),
            C::Not(inner) => !self.holds(inner),
            C::After(date) => self.calendar.date >= *date,
            C::Before(date) => self.calendar.date < *date,
            C::Holds { faction, province } => {
                self.owner_of(d.province(province).get()) == Some(d.faction(faction).get())
            }
            C::AtWar { a, b } => self.relations.at_war(d.faction(a), d.faction(b)),
            C::TreatyInForce(t) => self.treaties.in_force(d.treaties[t]),
            C::Flag(f) => self.flags.0.contains(f),
            C::Chose { event, option } => {
                let e = d.events[event];
                let o = d.scenario.events[e].options.iter().position(|o| &o.id == option);
                o.is_some_and(|o| self.choices.chose(e, o))
            }
            C::Alive(c) => self.person(c).is_some_and(Person::is_active),
            C::Serves { character, faction } => {
                self.person(character).is_some_and(|p| p.is_active() && p.faction == Some(d.faction(faction)))
            }
            C::Rules { character, faction } => {
                self.faction(faction).is_some_and(|(_, _, _, r)| r.0 == Some(d.character(character)))
            }
            C::HasRole { character, role } => {
                self.person(character).is_some_and(|p| p.is_active() && p.roles.contains(role))
            }
            C::FactionActive(f) => self.faction(f).is_some_and(|(_, _, p, _)| p.0),
            C::ArmyIn { faction, province } => {
                let (f, p) = (d.faction(faction), d.province(province));
                self.armies().any(|(a, t)| a.owner == f && a.location == p && t.total() > 0.0)
            }
            C::Besieged(p) => self.sieges.0[d.province(p).get()].is_some(),
            C::SiegeMonths { province, is } => {
                is.holds(self.sieges.0[d.province(province).get()].map_or(0.0, |s| f64::from(s.months)))
            }
            C::Treasury { faction, is } => self.faction(faction).is_some_and(|(t, ..)| is.holds(t.silver)),
            C::Grain { faction, is } => self.faction(faction).is_some_and(|(t, ..)| is.holds(t.grain)),
            C::Legitimacy { faction, is } => self.faction(faction).is_some_and(|(_, s, ..)| is.holds(s.legitimacy)),
            C::Cohesion { faction, is } => self.faction(faction).is_some_and(|(_, s, ..)| is.holds(s.cohesion)),
            C::Troops { faction, is } => {
                let f = d.faction(faction);
                is.holds(self.armies().filter(|(a, _)| a.owner == f).map(|(_, t)| t.total()).sum())
            }
            C::Provinces { faction, is } => {
                let f = Some(d.faction(faction).get());
                is.holds((0..self.entities.provinces.len()).filter(|p| self.owner_of(*p) == f).count() as f64)
            }
            C::Opinion { of, towards, is } => is.holds(self.relations.opinion(d.faction(of), d.faction(towards))),
            C::ProvinceGrain { province, is } => {
                self.owners.get(self.entities.province(d.province(province))).is_ok_and(|(_, def)| is.holds(def.grain))
            }
            C::HumanPlays(f) => self.players.is_human(d.faction(f)),
        }
    }

    fn owner_of(&self, province: usize) -> Option<usize> {
        self.owners.get(self.entities.provinces[province]).ok().and_then(|(o, _)| o.0).map(|f| f.get())
    }

    fn person(&self, id: &str) -> Option<&Person> {
        self.people.get(self.entities.character(self.data.character(id))).ok()
    }

    fn faction(&self, id: &str) -> Option<(&Treasury, &Standing, &InPlay, &Ruler)> {
        self.factions.get(self.entities.faction(self.data.faction(id))).ok()
    }

    /// Armies in the field, in index order.
    fn armies(&self) -> impl Iterator<Item = (&Army, &Troops)> {
        self.entities.armies.iter().flatten().filter_map(|e| self.armies.get(*e).ok())
    }
}
