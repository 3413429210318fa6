//! The names factions and provinces go by: the scenario's at the start, changed by events ("Song
//! becomes Southern Song"). Ids never change; the chronicle, the view and the window name things
//! through here, never through the scenario.
use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::sim::data::StaticData;
use crate::sim::ids::{ArmyIx, FactionIx, ProvinceIx};

/// A name, and whether it is plural ("Xinye and Fancheng"), which the words after it agree with.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Name {
    text: String,
    #[serde(default, skip_serializing_if = "is_false")]
    plural: bool,
}

impl Name {
    fn new(text: &str, plural: bool) -> Self {
        Self { text: text.to_string(), plural }
    }

    /// How the words of a sentence agree with this name.
    fn agrees(&self) -> Agree {
        Agree { plural: self.plural }
    }

    /// Becomes `text`, plural or not.
    fn set(&mut self, text: &str, plural: bool) {
        text.clone_into(&mut self.text);
        self.plural = plural;
    }
}

impl Clone for Name {
    fn clone(&self) -> Self {
        Self { text: self.text.clone(), plural: self.plural }
    }

    /// Keeps this name's buffer: a reset sets every name back without allocating.
    fn clone_from(&mut self, source: &Self) {
        self.set(&source.text, source.plural);
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The current name of every faction and province, by index, and of the armies an event renamed.
#[derive(Resource, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    factions: Vec<Name>,
    provinces: Vec<Name>,
    /// The armies that go by a name other than their scenario's, by index; most games have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    armies: Vec<(ArmyIx, String)>,
}

impl Clone for Names {
    fn clone(&self) -> Self {
        Self { factions: self.factions.clone(), provinces: self.provinces.clone(), armies: self.armies.clone() }
    }

    /// Keeps the lists and every name's buffer: a reset sets the names back without allocating.
    fn clone_from(&mut self, source: &Self) {
        self.factions.clone_from(&source.factions);
        self.provinces.clone_from(&source.provinces);
        self.armies.clone_from(&source.armies);
    }
}

impl Names {
    /// The names the scenario gives.
    pub fn of(s: &Scenario) -> Self {
        Self {
            factions: s.factions.iter().map(|f| Name::new(&f.name, f.plural)).collect(),
            provinces: s.provinces.iter().map(|p| Name::new(&p.name, p.plural)).collect(),
            armies: Vec::new(),
        }
    }

    /// Whether these are the names the scenario gives: nothing has been renamed (or each rename
    /// has been undone).
    pub fn are_the_scenario_s(&self, s: &Scenario) -> bool {
        let same = |name: &Name, text: &str, plural: bool| name.text == text && name.plural == plural;
        self.fits(s)
            && self.factions.iter().zip(&s.factions).all(|(n, f)| same(n, &f.name, f.plural))
            && self.provinces.iter().zip(&s.provinces).all(|(n, p)| same(n, &p.name, p.plural))
            && self.armies.is_empty()
    }

    /// Whether there is one name for each of the scenario's factions and provinces (a save may
    /// have been edited).
    pub fn fits(&self, s: &Scenario) -> bool {
        self.factions.len() == s.factions.len() && self.provinces.len() == s.provinces.len()
    }

    /// Whether there is one name for each of the scenario's factions and provinces and every
    /// army renamed is one of its `slots` army slots, once each, in order (a save may have been
    /// edited); if not, why.
    pub fn fits_in(&self, s: &Scenario, slots: usize) -> Result<(), String> {
        if self.factions.len() != s.factions.len() {
            let (found, expected) = (self.factions.len(), s.factions.len());
            return Err(format!("{found} faction names, the scenario has {expected} factions"));
        }
        if self.provinces.len() != s.provinces.len() {
            let (found, expected) = (self.provinces.len(), s.provinces.len());
            return Err(format!("{found} province names, the scenario has {expected} provinces"));
        }
        if let Some((ix, _)) = self.armies.iter().find(|(ix, _)| ix.get() >= slots) {
            return Err(format!("army {}, the scenario has {slots} army slots", ix.get()));
        }
        if !self.armies.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err("armies not in order, or one named twice".into());
        }
        Ok(())
    }

    pub fn faction(&self, f: FactionIx) -> &str {
        &self.factions[f.get()].text
    }

    pub fn province(&self, p: ProvinceIx) -> &str {
        &self.provinces[p.get()].text
    }

    /// How the chronicle's words agree with a faction's name.
    pub fn faction_agrees(&self, f: FactionIx) -> Agree {
        self.factions[f.get()].agrees()
    }

    /// How the chronicle's words agree with a province's name.
    pub fn province_agrees(&self, p: ProvinceIx) -> Agree {
        self.provinces[p.get()].agrees()
    }

    /// The faction goes by `text` from now on.
    pub fn rename_faction(&mut self, f: FactionIx, text: &str, plural: bool) {
        self.factions[f.get()].set(text, plural);
    }

    /// The army's name now: the one an event gave it, else its scenario's.
    pub fn army<'a>(&'a self, data: &'a StaticData, a: ArmyIx) -> &'a str {
        self.armies.iter().find(|(ix, _)| *ix == a).map_or_else(|| data.army_name(a), |(_, name)| name.as_str())
    }

    /// The army goes by `text` from now on; given its scenario's name back, the rename is forgotten.
    pub fn rename_army(&mut self, data: &StaticData, a: ArmyIx, text: &str) {
        self.armies.retain(|(ix, _)| *ix != a);
        if text != data.army_name(a) {
            self.armies.push((a, text.to_string()));
            self.armies.sort_unstable_by_key(|(ix, _)| *ix);
        }
    }

    /// The province goes by `text` from now on.
    pub fn rename_province(&mut self, p: ProvinceIx, text: &str, plural: bool) {
        self.provinces[p.get()].set(text, plural);
    }
}

/// The words that agree with a name in a sentence: a plural name ("Xinye and Fancheng") takes
/// plural verbs and "they".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Agree {
    pub plural: bool,
}

impl Agree {
    /// `singular` or `plural`, as the name takes: `verb("falls", "fall")`.
    pub fn verb<'a>(self, singular: &'a str, plural: &'a str) -> &'a str {
        if self.plural { plural } else { singular }
    }

    /// "it" or "they".
    pub fn it(self) -> &'static str {
        self.verb("it", "they")
    }

    /// "its" or "their".
    pub fn its(self) -> &'static str {
        self.verb("its", "their")
    }
}
