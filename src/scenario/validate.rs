//! Semantic validation: every value in range, every id unique, every reference resolved.
//!
//! All problems are collected, not only the first, and each names the file, line, column and
//! field path it is about. What passes becomes a [`ValidScenario`], which the simulation trusts.
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;

use super::date::{Date, MIN_YEAR};
use super::error::{ErrorKind, ScenarioError, ScenarioErrors, closest};
use super::load::Loaded;
use super::logic::{Compare, Condition, Effect, Weight};
use super::model::*;

/// The largest quantity (people, silver, grain, men) a scenario may state.
pub const MAX_QUANTITY: i64 = 1_000_000_000_000;
/// The most entries any one list may have.
pub const MAX_LIST: usize = 100_000;
/// The most factions, characters, provinces or armies (starting armies and those events may raise)
/// a scenario may have: the simulation numbers each with a 16-bit index.
pub const MAX_INDEXED: usize = u16::MAX as usize;

/// A scenario that passed validation; derefs to the [`Scenario`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidScenario {
    scenario: Scenario,
    /// The files it was read from, main file first.
    pub files: Vec<String>,
}

impl ValidScenario {
    /// The validated scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario, consuming the wrapper.
    pub fn into_scenario(self) -> Scenario {
        self.scenario
    }
}

impl Deref for ValidScenario {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.scenario
    }
}

/// Checks a loaded scenario; all problems, in file order, if there are any.
pub fn validate(mut loaded: Loaded) -> Result<ValidScenario, ScenarioErrors> {
    let setup_errors = apply_start_setup(&mut loaded);
    let errors = {
        let mut v = Validator::new(&loaded);
        v.run();
        let mut errors = loaded.include_errors.clone();
        errors.extend(setup_errors);
        errors.extend(v.errors);
        errors
    };
    if errors.is_empty() {
        let files = loaded.files.iter().map(|f| f.display.clone()).collect();
        return Ok(ValidScenario { scenario: loaded.scenario, files });
    }
    Err(ScenarioErrors(in_file_order(&loaded, errors)))
}

/// Applies the scenario's `owners` and `province_setup` to the map's provinces, so that every
/// later check sees the provinces as the scenario starts; reports what they name wrongly.
fn apply_start_setup(loaded: &mut Loaded) -> Vec<ScenarioError> {
    let mut errors = Vec::new();
    let province_ids: Vec<String> = loaded.scenario.provinces.iter().map(|p| p.id.clone()).collect();
    let faction_ids: Vec<String> = loaded.scenario.factions.iter().map(|f| f.id.clone()).collect();
    let unknown = |loaded: &Loaded, path: String, what: &'static str, id: &str, known: &[String]| {
        let suggestion = closest(id, known.iter().map(String::as_str));
        loaded.error_in_file(0, path, ErrorKind::UnknownReference { what, id: id.to_string(), suggestion })
    };
    let mut assigned: BTreeMap<String, String> = BTreeMap::new();
    let owners = loaded.scenario.owners.clone();
    for (faction, provinces) in &owners {
        if !faction_ids.contains(faction) {
            errors.push(unknown(loaded, format!("owners.{faction}"), "faction", faction, &faction_ids));
            continue;
        }
        for (i, province) in provinces.iter().enumerate() {
            let path = format!("owners.{faction}[{i}]");
            let Some(p) = province_ids.iter().position(|id| id == province) else {
                errors.push(unknown(loaded, path, "province", province, &province_ids));
                continue;
            };
            if let Some(first) = assigned.insert(province.clone(), faction.clone()) {
                let kind = ErrorKind::NotAllowed(format!(
                    "province \"{province}\" is already given to \"{first}\"; a province has one owner"
                ));
                errors.push(loaded.error_in_file(0, path, kind));
                continue;
            }
            loaded.scenario.provinces[p].owner = Some(faction.clone());
        }
    }
    let setup = loaded.scenario.province_setup.clone();
    for (i, change) in setup.iter().enumerate() {
        let Some(p) = province_ids.iter().position(|id| *id == change.province) else {
            let path = format!("province_setup[{i}].province");
            errors.push(unknown(loaded, path, "province", &change.province, &province_ids));
            continue;
        };
        let province = &mut loaded.scenario.provinces[p];
        // Out-of-range values are reported at the setup entry; the map's value stays.
        let set = |slot: &mut i64, value: Option<i64>, max: i64| {
            if let Some(v) = value.filter(|v| (0..=max).contains(v)) {
                *slot = v;
            }
        };
        set(&mut province.population, change.population, MAX_QUANTITY);
        set(&mut province.wealth, change.wealth, MAX_QUANTITY);
        set(&mut province.grain, change.grain, MAX_QUANTITY);
        set(&mut province.walls, change.walls, 10);
        set(&mut province.garrison, change.garrison, MAX_QUANTITY);
        set(&mut province.loyalty, change.loyalty, 100);
        if change.loyal_to.is_some() {
            province.loyal_to.clone_from(&change.loyal_to);
        }
    }
    errors
}

fn in_file_order(loaded: &Loaded, mut errors: Vec<ScenarioError>) -> Vec<ScenarioError> {
    let file_rank = |e: &ScenarioError| loaded.files.iter().position(|f| f.display == e.file).unwrap_or(usize::MAX);
    errors.sort_by(|a, b| (file_rank(a), a.line, a.column, &a.path).cmp(&(file_rank(b), b.line, b.column, &b.path)));
    errors.dedup();
    errors
}

/// A place in the merged scenario: item `index` of list `section` (or the header when `section`
/// is empty), then a field path.
#[derive(Clone, Debug, PartialEq)]
struct Loc {
    section: &'static str,
    index: usize,
    rest: String,
}

impl Loc {
    fn item(section: &'static str, index: usize) -> Self {
        Self { section, index, rest: String::new() }
    }

    fn header(field: &str) -> Self {
        Self { section: "", index: 0, rest: field.to_string() }
    }

    fn field(&self, name: &str) -> Self {
        let rest = if self.section.is_empty() && self.rest.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.rest)
        };
        Self { rest, ..self.clone() }
    }

    fn at(&self, i: usize) -> Self {
        Self { rest: format!("{}[{i}]", self.rest), ..self.clone() }
    }
}

/// The ids of one kind of thing and where each was defined.
#[derive(Default)]
struct Ids {
    places: BTreeMap<String, Loc>,
}

impl Ids {
    fn contains(&self, id: &str) -> bool {
        self.places.contains_key(id)
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.places.keys().map(String::as_str)
    }
}

struct Validator<'a> {
    loaded: &'a Loaded,
    s: &'a Scenario,
    errors: Vec<ScenarioError>,
    troop_kinds: Ids,
    terrains: Ids,
    traits: Ids,
    factions: Ids,
    characters: Ids,
    provinces: Ids,
    armies: Ids,
    treaties: Ids,
    events: Ids,
    history: Ids,
    /// Option ids of each event.
    options: BTreeMap<String, BTreeSet<String>>,
    /// Flags some effect sets.
    flags: BTreeSet<String>,
}

impl<'a> Validator<'a> {
    fn new(loaded: &'a Loaded) -> Self {
        Self {
            loaded,
            s: &loaded.scenario,
            errors: Vec::new(),
            troop_kinds: Ids::default(),
            terrains: Ids::default(),
            traits: Ids::default(),
            factions: Ids::default(),
            characters: Ids::default(),
            provinces: Ids::default(),
            armies: Ids::default(),
            treaties: Ids::default(),
            events: Ids::default(),
            history: Ids::default(),
            options: BTreeMap::new(),
            flags: BTreeSet::new(),
        }
    }

    fn report(&mut self, loc: &Loc, kind: ErrorKind) {
        let error = if loc.section.is_empty() {
            self.loaded.error_in_file(0, loc.rest.clone(), kind)
        } else {
            self.loaded.error_at(loc.section, loc.index, &loc.rest, kind)
        };
        self.errors.push(error);
    }

    fn place(&self, loc: &Loc) -> String {
        if loc.section.is_empty() {
            let e = self.loaded.error_in_file(0, loc.rest.clone(), ErrorKind::Empty(""));
            format!("{}:{}:{}", e.file, e.line, e.column)
        } else {
            self.loaded.place(loc.section, loc.index, &loc.rest)
        }
    }

    fn run(&mut self) {
        self.list_sizes();
        self.header();
        for (name, value, min, max) in self.s.rules.entries() {
            self.real(&Loc::header("rules").field(name), value, min, max);
        }
        self.collect_ids();
        self.collect_flags();
        let s = self.s;
        for (i, e) in s.eras.iter().enumerate() {
            self.era(&Loc::item("eras", i), e);
        }
        for (i, t) in s.troop_kinds.iter().enumerate() {
            self.troop_kind(&Loc::item("troop_kinds", i), t);
        }
        for (i, t) in s.terrains.iter().enumerate() {
            self.terrain(&Loc::item("terrains", i), t);
        }
        for (i, t) in s.traits.iter().enumerate() {
            self.trait_(&Loc::item("traits", i), t);
        }
        for (i, f) in s.factions.iter().enumerate() {
            self.faction(&Loc::item("factions", i), f);
        }
        for (i, c) in s.characters.iter().enumerate() {
            self.character(&Loc::item("characters", i), c);
        }
        for (i, p) in s.provinces.iter().enumerate() {
            self.province(&Loc::item("provinces", i), p);
        }
        for (i, change) in s.province_setup.iter().enumerate() {
            let loc = Loc::header("province_setup").at(i);
            for (field, value) in [
                ("population", change.population),
                ("wealth", change.wealth),
                ("grain", change.grain),
                ("garrison", change.garrison),
            ] {
                if let Some(v) = value {
                    self.quantity(&loc.field(field), v);
                }
            }
            if let Some(w) = change.walls {
                self.range(&loc.field("walls"), w, 0, 10);
            }
            if let Some(l) = change.loyalty {
                self.range(&loc.field("loyalty"), l, 0, 100);
            }
            if let Some(f) = &change.loyal_to {
                self.faction_ref(&loc.field("loyal_to"), f);
            }
        }
        self.connections();
        for (i, l) in s.lines.iter().enumerate() {
            self.line(&Loc::item("lines", i), l);
        }
        self.frame();
        for (i, a) in s.armies.iter().enumerate() {
            self.army(&Loc::item("armies", i), a);
        }
        self.relations();
        for (i, t) in s.treaties.iter().enumerate() {
            self.treaty(&Loc::item("treaties", i), t);
        }
        for (i, e) in s.events.iter().enumerate() {
            self.event(&Loc::item("events", i), e);
        }
        for (i, v) in s.victory.iter().enumerate() {
            let loc = Loc::item("victory", i);
            self.faction_ref(&loc.field("faction"), &v.faction);
            self.condition(&loc.field("condition"), &v.condition);
        }
        for (i, h) in s.history.iter().enumerate() {
            self.history_check(&Loc::item("history", i), h);
        }
        for (i, t) in s.calibration.iter().enumerate() {
            self.target(&Loc::item("calibration", i), t);
        }
        for (i, plan) in s.war_plans.iter().enumerate() {
            let loc = Loc::item("war_plans", i);
            self.faction_ref(&loc.field("faction"), &plan.faction);
            if let Some(army) = &plan.army {
                self.army_ref(&loc.field("army"), army);
            }
            self.province_ref(&loc.field("target"), &plan.target);
            self.real(&loc.field("weight"), plan.weight, 0.0, 1000.0);
            self.condition(&loc.field("when"), &plan.when);
        }
    }

    fn list_sizes(&mut self) {
        let s = self.s;
        let sizes = [
            ("factions", s.factions.len(), MAX_INDEXED),
            ("characters", s.characters.len(), MAX_INDEXED),
            ("provinces", s.provinces.len(), MAX_INDEXED),
            ("connections", s.connections.len(), MAX_LIST),
            ("armies", army_slots(s), MAX_INDEXED),
            ("events", s.events.len(), MAX_LIST),
            ("lines", s.lines.len(), MAX_LIST),
        ];
        for (what, count, limit) in sizes {
            if count > limit {
                self.report(&Loc::header(what), ErrorKind::TooMany { what, count, limit });
            }
        }
    }

    fn header(&mut self) {
        let s = self.s;
        for (i, month) in s.winter.months.iter().enumerate() {
            self.range(&Loc::header("winter").field("months").at(i), *month, 1, 12);
        }
        if s.format_version != FORMAT_VERSION {
            self.report(
                &Loc::header("format_version"),
                ErrorKind::UnsupportedVersion { found: s.format_version, supported: FORMAT_VERSION },
            );
        }
        self.id_syntax(&Loc::header("id"), &s.id);
        if s.name.trim().is_empty() {
            self.report(&Loc::header("name"), ErrorKind::Empty("the scenario needs a name"));
        }
        let start_ok = self.date(&Loc::header("start"), s.start);
        let end_ok = self.date(&Loc::header("end"), s.end);
        if start_ok && end_ok && s.start >= s.end {
            self.report(
                &Loc::header("end"),
                ErrorKind::StartNotBeforeEnd { start: s.start.to_string(), end: s.end.to_string() },
            );
        }
    }

    // ---- ids ------------------------------------------------------------------------------

    fn id_syntax(&mut self, loc: &Loc, id: &str) -> bool {
        let valid = !id.is_empty()
            && id.len() <= 64
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            self.report(loc, ErrorKind::InvalidId(id.to_string()));
        }
        valid
    }

    /// Registers `id` defined at `loc`, reporting a bad or repeated one.
    fn define(&mut self, what: &'static str, ids: fn(&mut Self) -> &mut Ids, loc: Loc, id: &str) {
        let id_loc = loc.field("id");
        if !self.id_syntax(&id_loc, id) {
            return;
        }
        if let Some(first) = ids(self).places.get(id).cloned() {
            let first = self.place(&first.field("id"));
            self.report(&id_loc, ErrorKind::DuplicateId { what, id: id.to_string(), first });
            return;
        }
        ids(self).places.insert(id.to_string(), loc);
    }

    fn collect_ids(&mut self) {
        let s = self.s;
        for (i, x) in s.troop_kinds.iter().enumerate() {
            self.define("troop kind", |v| &mut v.troop_kinds, Loc::item("troop_kinds", i), &x.id);
        }
        for (i, x) in s.terrains.iter().enumerate() {
            self.define("terrain", |v| &mut v.terrains, Loc::item("terrains", i), &x.id);
        }
        for (i, x) in s.traits.iter().enumerate() {
            self.define("trait", |v| &mut v.traits, Loc::item("traits", i), &x.id);
        }
        for (i, x) in s.factions.iter().enumerate() {
            self.define("faction", |v| &mut v.factions, Loc::item("factions", i), &x.id);
        }
        for (i, x) in s.characters.iter().enumerate() {
            self.define("character", |v| &mut v.characters, Loc::item("characters", i), &x.id);
        }
        for (i, x) in s.provinces.iter().enumerate() {
            self.define("province", |v| &mut v.provinces, Loc::item("provinces", i), &x.id);
        }
        for (i, x) in s.armies.iter().enumerate() {
            self.define("army", |v| &mut v.armies, Loc::item("armies", i), &x.id);
        }
        for (i, x) in s.treaties.iter().enumerate() {
            self.define("treaty", |v| &mut v.treaties, Loc::item("treaties", i), &x.id);
        }
        for (i, x) in s.events.iter().enumerate() {
            let loc = Loc::item("events", i);
            self.define("event", |v| &mut v.events, loc.clone(), &x.id);
            let mut seen = BTreeSet::new();
            for (k, o) in x.options.iter().enumerate() {
                let o_loc = loc.field("options").at(k);
                if !self.id_syntax(&o_loc.field("id"), &o.id) {
                    continue;
                }
                if !seen.insert(o.id.clone()) {
                    let first = x.options.iter().position(|p| p.id == o.id).unwrap_or(0);
                    let first = self.place(&loc.field("options").at(first).field("id"));
                    self.report(&o_loc.field("id"), ErrorKind::DuplicateId { what: "option", id: o.id.clone(), first });
                }
            }
            self.options.entry(x.id.clone()).or_insert(seen);
        }
        for (i, x) in s.victory.iter().enumerate() {
            self.id_syntax(&Loc::item("victory", i).field("id"), &x.id);
        }
        for (i, x) in s.history.iter().enumerate() {
            self.define("history check", |v| &mut v.history, Loc::item("history", i), &x.id);
        }
        let mut targets = BTreeSet::new();
        for (i, x) in s.calibration.iter().enumerate() {
            let loc = Loc::item("calibration", i);
            if self.id_syntax(&loc.field("id"), &x.id) && !targets.insert(x.id.clone()) {
                let first = s.calibration.iter().position(|t| t.id == x.id).unwrap_or(0);
                let first = self.place(&Loc::item("calibration", first).field("id"));
                self.report(
                    &loc.field("id"),
                    ErrorKind::DuplicateId { what: "calibration target", id: x.id.clone(), first },
                );
            }
        }
        // Armies and treaties that events bring into the game are ids like any other; several
        // options may raise the same army or sign the same treaty (in different ways), but none may
        // reuse the id of one the scenario starts with.
        let (start_armies, start_treaties) = (s.armies.len(), s.treaties.len());
        let mut raised = BTreeSet::new();
        let mut located = Vec::new();
        for (i, e) in s.events.iter().enumerate() {
            for (k, o) in e.options.iter().enumerate() {
                let loc = Loc::item("events", i).field("options").at(k).field("effects");
                located_effects(&loc, &o.effects, &mut located);
            }
        }
        for (loc, effect) in located {
            match effect {
                Effect::SpawnArmy(a) if !raised.contains(&("army", a.id.clone())) => {
                    let at_start = s.armies.iter().take(start_armies).any(|x| x.id == a.id);
                    if !at_start {
                        raised.insert(("army", a.id.clone()));
                    }
                    self.define("army", |v| &mut v.armies, loc, &a.id);
                }
                Effect::SignTreaty(t) if !raised.contains(&("treaty", t.id.clone())) => {
                    let at_start = s.treaties.iter().take(start_treaties).any(|x| x.id == t.id);
                    if !at_start {
                        raised.insert(("treaty", t.id.clone()));
                    }
                    self.define("treaty", |v| &mut v.treaties, loc, &t.id);
                }
                _ => {}
            }
        }
        // Each province's levy is an army like any other, named by the province (a province whose
        // id is malformed or taken has its own error, and no levy).
        for (i, x) in s.provinces.iter().enumerate() {
            let loc = Loc::item("provinces", i);
            if self.provinces.places.get(&x.id) != Some(&loc) {
                continue;
            }
            let id = levy_army_id(&x.id);
            match self.armies.places.get(&id).cloned() {
                Some(taken) => self.report(&taken.field("id"), ErrorKind::LevyId { id, province: x.id.clone() }),
                None => _ = self.armies.places.insert(id, loc),
            }
        }
    }

    fn collect_flags(&mut self) {
        for effect in self.s.events.iter().flat_map(|e| &e.options).flat_map(|o| &o.effects) {
            effect.visit(&mut |e| {
                if let Effect::SetFlag(f) = e {
                    self.flags.insert(f.clone());
                }
            });
        }
    }

    fn reference(&mut self, loc: &Loc, what: &'static str, ids: fn(&Self) -> &Ids, id: &str) -> bool {
        if ids(self).contains(id) {
            return true;
        }
        let suggestion = closest(id, ids(self).names());
        self.report(loc, ErrorKind::UnknownReference { what, id: id.to_string(), suggestion });
        false
    }

    fn faction_ref(&mut self, loc: &Loc, id: &str) -> bool {
        self.reference(loc, "faction", |v| &v.factions, id)
    }

    fn province_ref(&mut self, loc: &Loc, id: &str) -> bool {
        self.reference(loc, "province", |v| &v.provinces, id)
    }

    fn character_ref(&mut self, loc: &Loc, id: &str) -> bool {
        self.reference(loc, "character", |v| &v.characters, id)
    }

    fn army_ref(&mut self, loc: &Loc, id: &str) -> bool {
        self.reference(loc, "army", |v| &v.armies, id)
    }

    fn treaty_ref(&mut self, loc: &Loc, id: &str) -> bool {
        self.reference(loc, "treaty", |v| &v.treaties, id)
    }

    fn trait_refs(&mut self, loc: &Loc, ids: &[String]) {
        for (i, t) in ids.iter().enumerate() {
            self.reference(&loc.at(i), "trait", |v| &v.traits, t);
        }
    }

    fn flag_ref(&mut self, loc: &Loc, flag: &str) {
        if !self.flags.contains(flag) {
            let suggestion = closest(flag, self.flags.iter().map(String::as_str));
            self.report(loc, ErrorKind::UnknownFlag { flag: flag.to_string(), suggestion });
        }
    }

    // ---- values ---------------------------------------------------------------------------

    fn date(&mut self, loc: &Loc, date: Date) -> bool {
        if !date.is_valid() {
            self.report(loc, ErrorKind::InvalidDate(date.to_string()));
            return false;
        }
        true
    }

    fn quantity(&mut self, loc: &Loc, value: i64) {
        if value < 0 {
            self.report(loc, ErrorKind::Negative(value.to_string()));
        } else if value > MAX_QUANTITY {
            self.out_of_range(loc, value, 0, MAX_QUANTITY);
        }
    }

    fn range(&mut self, loc: &Loc, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.out_of_range(loc, value, min, max);
        }
    }

    fn out_of_range(&mut self, loc: &Loc, value: i64, min: i64, max: i64) {
        self.report(
            loc,
            ErrorKind::OutOfRange { value: value.to_string(), min: min.to_string(), max: max.to_string() },
        );
    }

    fn real(&mut self, loc: &Loc, value: f64, min: f64, max: f64) {
        if !value.is_finite() {
            self.report(loc, ErrorKind::NotFinite(value.to_string()));
        } else if !(min..=max).contains(&value) {
            self.report(
                loc,
                ErrorKind::OutOfRange { value: value.to_string(), min: min.to_string(), max: max.to_string() },
            );
        }
    }

    fn coordinates(&mut self, loc: &Loc, (lon, lat): (f64, f64)) {
        self.real(&loc.field("0"), lon, -180.0, 180.0);
        self.real(&loc.field("1"), lat, -90.0, 90.0);
    }

    fn name(&mut self, loc: &Loc, name: &str, message: &'static str) {
        if name.trim().is_empty() {
            self.report(loc, ErrorKind::Empty(message));
        }
    }

    /// A name in another script, if given: one line of visible text, since the window shows it
    /// beside the romanised name (an empty one would leave a stray space, a control character
    /// would garble the line).
    fn native_name(&mut self, loc: &Loc, native: Option<&str>) {
        let Some(native) = native else { return };
        let reason = if native.trim().is_empty() {
            Some("it is empty or only spaces; leave the field out for something with no such name")
        } else if native.chars().any(char::is_control) {
            Some("it holds a control character; a name is one line of visible text")
        } else if native.trim() != native {
            Some("it begins or ends with spaces")
        } else {
            None
        };
        if let Some(reason) = reason {
            self.report(loc, ErrorKind::InvalidNativeName { name: native.to_string(), reason });
        }
    }

    // ---- sections -------------------------------------------------------------------------

    fn era(&mut self, loc: &Loc, era: &Era) {
        self.name(&loc.field("name"), &era.name, "an era needs a name");
        self.date(&loc.field("start"), era.start);
        if let Some(f) = &era.faction {
            self.faction_ref(&loc.field("faction"), f);
        }
    }

    fn troop_kind(&mut self, loc: &Loc, t: &TroopKind) {
        self.name(&loc.field("name"), &t.name, "a troop kind needs a name");
        for (field, value) in [
            ("field", t.field),
            ("assault", t.assault),
            ("defence", t.defence),
            ("speed", t.speed),
            ("upkeep", t.upkeep),
        ] {
            self.real(&loc.field(field), value, 0.0, 100.0);
        }
    }

    fn terrain(&mut self, loc: &Loc, t: &Terrain) {
        self.name(&loc.field("name"), &t.name, "a terrain needs a name");
        for (field, value) in
            [("move_cost", t.move_cost), ("defence", t.defence), ("mounted", t.mounted), ("forage", t.forage)]
        {
            self.real(&loc.field(field), value, 0.0, 100.0);
        }
    }

    fn trait_(&mut self, loc: &Loc, t: &Trait) {
        self.name(&loc.field("name"), &t.name, "a trait needs a name");
        for (i, m) in t.modifiers.iter().enumerate() {
            let value = match *m {
                Modifier::Command(v)
                | Modifier::Defence(v)
                | Modifier::Diplomacy(v)
                | Modifier::Administration(v)
                | Modifier::Loyalty(v)
                | Modifier::ArmyMorale(v)
                | Modifier::Legitimacy(v)
                | Modifier::Cohesion(v)
                | Modifier::Income(v)
                | Modifier::Fighting(v)
                | Modifier::Assault(v)
                | Modifier::Aggression(v) => v,
            };
            self.real(&loc.field("modifiers").at(i), value, -100.0, 100.0);
        }
    }

    fn faction(&mut self, loc: &Loc, f: &Faction) {
        self.name(&loc.field("name"), &f.name, "a faction needs a name");
        self.native_name(&loc.field("native_name"), f.native_name.as_deref());
        if !is_colour(&f.colour) {
            self.report(&loc.field("colour"), ErrorKind::InvalidColour(f.colour.clone()));
        }
        if let Some(capital) = &f.capital {
            let capital_loc = loc.field("capital");
            if self.province_ref(&capital_loc, capital) {
                let owner = self.s.provinces.iter().find(|p| &p.id == capital).and_then(|p| p.owner.clone());
                if owner.as_deref() != Some(f.id.as_str()) {
                    self.report(
                        &capital_loc,
                        ErrorKind::CapitalNotOwned { capital: capital.clone(), faction: f.id.clone(), owner },
                    );
                }
            }
        }
        if let Some(ruler) = &f.ruler {
            self.serving(&loc.field("ruler"), "ruler", ruler, &f.id);
        }
        self.quantity(&loc.field("treasury"), f.treasury);
        self.quantity(&loc.field("grain"), f.grain);
        self.range(&loc.field("legitimacy"), f.legitimacy, 0, 100);
        self.range(&loc.field("cohesion"), f.cohesion, 0, 100);
        self.trait_refs(&loc.field("traits"), &f.traits);
        if let Some(kind) = &f.levy {
            self.reference(&loc.field("levy"), "troop kind", |v| &v.troop_kinds, kind);
        }
    }

    /// `character` must exist and serve `faction`.
    fn serving(&mut self, loc: &Loc, who: &'static str, character: &str, faction: &str) {
        if !self.character_ref(loc, character) {
            return;
        }
        let serves = self.s.characters.iter().find(|c| c.id == character).and_then(|c| c.faction.clone());
        if serves.as_deref() != Some(faction) && self.factions.contains(faction) {
            self.report(
                loc,
                ErrorKind::WrongAllegiance {
                    who,
                    character: character.to_string(),
                    faction: faction.to_string(),
                    serves,
                },
            );
        }
    }

    fn character(&mut self, loc: &Loc, c: &Character) {
        self.name(&loc.field("name"), &c.name, "a character needs a name");
        self.native_name(&loc.field("native_name"), c.native_name.as_deref());
        if let Some(f) = &c.faction {
            self.faction_ref(&loc.field("faction"), f);
        }
        let skills = loc.field("skills");
        for (field, value) in [
            ("command", c.skills.command),
            ("defence", c.skills.defence),
            ("diplomacy", c.skills.diplomacy),
            ("administration", c.skills.administration),
        ] {
            self.range(&skills.field(field), value, 0, 10);
        }
        self.range(&loc.field("loyalty"), c.loyalty, 0, 100);
        self.trait_refs(&loc.field("traits"), &c.traits);
        if let Some(born) = c.born {
            self.range(&loc.field("born"), born, i64::from(MIN_YEAR), i64::from(self.s.start.year));
        }
    }

    fn province(&mut self, loc: &Loc, p: &Province) {
        self.name(&loc.field("name"), &p.name, "a province needs a name");
        self.native_name(&loc.field("native_name"), p.native_name.as_deref());
        self.coordinates(&loc.field("position"), p.position);
        self.reference(&loc.field("terrain"), "terrain", |v| &v.terrains, &p.terrain);
        if let Some(owner) = &p.owner {
            self.faction_ref(&loc.field("owner"), owner);
        }
        for (field, value) in
            [("population", p.population), ("wealth", p.wealth), ("grain", p.grain), ("garrison", p.garrison)]
        {
            self.quantity(&loc.field(field), value);
        }
        self.range(&loc.field("walls"), p.walls, 0, 10);
        if let Some(f) = &p.loyal_to {
            self.faction_ref(&loc.field("loyal_to"), f);
        }
        self.range(&loc.field("loyalty"), p.loyalty, 0, 100);
        self.outline(&loc.field("outline"), p);
    }

    fn connections(&mut self) {
        let mut seen: BTreeMap<(String, String), Loc> = BTreeMap::new();
        for (i, c) in self.s.connections.iter().enumerate() {
            let loc = Loc::item("connections", i);
            let from_ok = self.province_ref(&loc.field("from"), &c.from);
            let to_ok = self.province_ref(&loc.field("to"), &c.to);
            self.range(&loc.field("days"), c.days, 1, 365);
            if c.freezes.is_some() && c.kind != ConnectionKind::River {
                let kind = format!("{:?}", c.kind);
                let message = format!("`freezes` is for River connections; a {kind} does not freeze");
                self.report(&loc.field("freezes"), ErrorKind::NotAllowed(message));
            }
            if !(from_ok && to_ok) {
                continue;
            }
            if c.from == c.to {
                self.report(&loc.field("to"), ErrorKind::SelfConnection(c.to.clone()));
                continue;
            }
            let key = if c.from < c.to { (c.from.clone(), c.to.clone()) } else { (c.to.clone(), c.from.clone()) };
            if let Some(first) = seen.get(&key) {
                let first = self.place(first);
                self.report(&loc, ErrorKind::DuplicateConnection { a: key.0, b: key.1, first });
            } else {
                seen.insert(key, loc);
            }
        }
    }

    fn line(&mut self, loc: &Loc, l: &Line) {
        let (what, needed) = if l.kind == LineKind::Frame { ("a frame", 3) } else { ("a line", 2) };
        if l.points.len() < needed {
            let kind = ErrorKind::TooFewPoints { what, needed, found: l.points.len() };
            self.report(&loc.field("points"), kind);
        }
        for (i, p) in l.points.iter().enumerate() {
            self.coordinates(&loc.field("points").at(i), *p);
        }
        self.range(&loc.field("importance"), l.importance, 1, 3);
    }

    /// A province's hand-drawn outline: a polygon around its own city.
    fn outline(&mut self, loc: &Loc, p: &Province) {
        let Some(outline) = &p.outline else { return };
        if outline.len() < 3 {
            let kind = ErrorKind::TooFewPoints { what: "an outline", needed: 3, found: outline.len() };
            self.report(loc, kind);
            return;
        }
        for (i, point) in outline.iter().enumerate() {
            self.coordinates(&loc.at(i), *point);
        }
        if !polygon_contains(outline, p.position) {
            let (lon, lat) = p.position;
            let kind = ErrorKind::Outside { what: "its city", lon, lat, outline: "the outline".into() };
            self.report(loc, kind);
        }
    }

    /// At most one frame, and every city inside it.
    fn frame(&mut self) {
        let frames: Vec<usize> = (0..self.s.lines.len()).filter(|&i| self.s.lines[i].kind == LineKind::Frame).collect();
        let Some(&first) = frames.first() else { return };
        for &other in &frames[1..] {
            let message = format!("a map has one frame, and lines[{first}] is already it");
            self.report(&Loc::item("lines", other).field("kind"), ErrorKind::NotAllowed(message));
        }
        let frame = &self.s.lines[first].points;
        if frame.len() < 3 {
            return;
        }
        for (i, p) in self.s.provinces.iter().enumerate() {
            if !polygon_contains(frame, p.position) {
                let (lon, lat) = p.position;
                let outline = format!("the map's frame (lines[{first}])");
                let kind = ErrorKind::Outside { what: "the city", lon, lat, outline };
                self.report(&Loc::item("provinces", i).field("position"), kind);
            }
        }
    }

    fn army(&mut self, loc: &Loc, a: &Army) {
        self.name(&loc.field("name"), &a.name, "an army needs a name");
        let owner_ok = self.faction_ref(&loc.field("owner"), &a.owner);
        self.province_ref(&loc.field("location"), &a.location);
        if let Some(commander) = &a.commander {
            if owner_ok {
                self.serving(&loc.field("commander"), "commander", commander, &a.owner);
            } else {
                self.character_ref(&loc.field("commander"), commander);
            }
        }
        self.troops(&loc.field("troops"), &a.troops, true);
        self.range(&loc.field("morale"), a.morale, 0, 100);
        self.range(&loc.field("supply"), a.supply, 0, 100);
        self.quantity(&loc.field("grain"), a.grain);
    }

    fn troops(&mut self, loc: &Loc, troops: &BTreeMap<String, i64>, must_have_men: bool) {
        if must_have_men && troops.values().all(|&n| n <= 0) {
            self.report(loc, ErrorKind::Empty("an army needs at least one man"));
        }
        for (kind, &men) in troops {
            let entry = loc.field(kind);
            self.reference(&entry, "troop kind", |v| &v.troop_kinds, kind);
            self.quantity(&entry, men);
        }
    }

    fn relations(&mut self) {
        let mut seen: BTreeMap<(String, String), Loc> = BTreeMap::new();
        for (i, r) in self.s.relations.iter().enumerate() {
            let loc = Loc::item("relations", i);
            let (a, b) = &r.between;
            let a_ok = self.faction_ref(&loc.field("between").field("0"), a);
            let b_ok = self.faction_ref(&loc.field("between").field("1"), b);
            self.range(&loc.field("opinion"), r.opinion, -100, 100);
            self.range(&loc.field("trust"), r.trust, 0, 100);
            if !(a_ok && b_ok) {
                continue;
            }
            if a == b {
                self.report(&loc.field("between"), ErrorKind::SelfRelation(a.clone()));
                continue;
            }
            let key = if a < b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
            if let Some(first) = seen.get(&key) {
                let first = self.place(first);
                self.report(&loc.field("between"), ErrorKind::DuplicateRelation { a: key.0, b: key.1, first });
            } else {
                seen.insert(key, loc);
            }
        }
    }

    fn treaty(&mut self, loc: &Loc, t: &Treaty) {
        self.name(&loc.field("name"), &t.name, "a treaty needs a name");
        let parties = loc.field("parties");
        let distinct: BTreeSet<&String> = t.parties.iter().collect();
        if distinct.len() < 2 {
            self.report(&parties, ErrorKind::Empty("a treaty needs at least two different parties"));
        }
        for (i, p) in t.parties.iter().enumerate() {
            self.faction_ref(&parties.at(i), p);
        }
        let kind = loc.field("kind");
        match &t.kind {
            TreatyKind::Alliance { against, shares } => {
                for (i, f) in against.iter().enumerate() {
                    self.faction_ref(&kind.field("against").at(i), f);
                }
                for (i, share) in shares.iter().enumerate() {
                    let s_loc = kind.field("shares").at(i);
                    self.faction_ref(&s_loc.field("faction"), &share.faction);
                    for (k, p) in share.provinces.iter().enumerate() {
                        self.province_ref(&s_loc.field("provinces").at(k), p);
                    }
                }
            }
            TreatyKind::Tribute { payer, payee, yearly } => {
                self.faction_ref(&kind.field("payer"), payer);
                self.faction_ref(&kind.field("payee"), payee);
                self.quantity(&kind.field("yearly"), *yearly);
            }
            TreatyKind::Truce { until } => {
                self.date(&kind.field("until"), *until);
            }
            TreatyKind::Vassal { overlord, vassal, tribute } => {
                self.faction_ref(&kind.field("overlord"), overlord);
                self.faction_ref(&kind.field("vassal"), vassal);
                self.real(&kind.field("tribute"), *tribute, 0.0, 1.0);
                if overlord == vassal {
                    self.report(&kind.field("vassal"), ErrorKind::Empty("a faction cannot be its own vassal"));
                }
            }
            TreatyKind::Peace { payer, indemnity, ceded, hostages } => {
                if let Some(p) = payer {
                    self.faction_ref(&kind.field("payer"), p);
                }
                self.quantity(&kind.field("indemnity"), *indemnity);
                for (i, c) in ceded.iter().enumerate() {
                    let c_loc = kind.field("ceded").at(i);
                    self.province_ref(&c_loc.field("province"), &c.province);
                    self.faction_ref(&c_loc.field("to"), &c.to);
                }
                for (i, h) in hostages.iter().enumerate() {
                    self.character_ref(&kind.field("hostages").at(i), h);
                }
            }
        }
    }

    fn event(&mut self, loc: &Loc, e: &Event) {
        self.name(&loc.field("title"), &e.title, "an event needs a title");
        self.faction_ref(&loc.field("faction"), &e.faction);
        self.condition(&loc.field("trigger"), &e.trigger);
        self.real(&loc.field("chance"), e.chance, 0.0, 100.0);
        if e.options.is_empty() {
            self.report(&loc.field("options"), ErrorKind::Empty("an event needs at least one option"));
        }
        let historical: Vec<&str> = e.options.iter().filter(|o| o.historical).map(|o| o.id.as_str()).collect();
        if historical.len() > 1 {
            let second = e.options.iter().enumerate().filter(|(_, o)| o.historical).nth(1).map_or(0, |(i, _)| i);
            let ids = historical.iter().map(|id| format!("\"{id}\"")).collect::<Vec<_>>().join(", ");
            self.report(
                &loc.field("options").at(second).field("historical"),
                ErrorKind::TooManyHistorical { count: historical.len(), ids },
            );
        }
        for (k, o) in e.options.iter().enumerate() {
            let o_loc = loc.field("options").at(k);
            self.name(&o_loc.field("name"), &o.name, "an option needs a name");
            for (j, effect) in o.effects.iter().enumerate() {
                self.effect(&o_loc.field("effects").at(j), effect);
            }
            self.weight(&o_loc.field("ai"), &o.ai);
        }
    }

    fn weight(&mut self, loc: &Loc, w: &Weight) {
        self.real(&loc.field("base"), w.base, 0.0, 1e6);
        for (i, f) in w.factors.iter().enumerate() {
            let f_loc = loc.field("factors").at(i);
            self.condition(&f_loc.field("when"), &f.when);
            self.real(&f_loc.field("times"), f.times, 0.0, 1e6);
        }
    }

    fn history_check(&mut self, loc: &Loc, h: &HistoryCheck) {
        self.name(&loc.field("text"), &h.text, "a history check needs a text");
        let date_loc = loc.field("date");
        if self.date(&date_loc, h.date) && (h.date < self.s.start || h.date > self.s.end) {
            self.report(
                &date_loc,
                ErrorKind::DateOutsideScenario {
                    date: h.date.to_string(),
                    start: self.s.start.to_string(),
                    end: self.s.end.to_string(),
                },
            );
        }
        self.condition(&loc.field("condition"), &h.condition);
        self.range(&loc.field("tolerance"), h.tolerance, 0, 120);
    }

    fn target(&mut self, loc: &Loc, t: &Target) {
        self.name(&loc.field("text"), &t.text, "a calibration target needs a text");
        for (event, option) in &t.choose {
            self.option_ref(&loc.field("choose").field(event), event, option);
        }
        self.measure(&loc.field("measure"), &t.measure);
        if t.at_least.is_none() && t.at_most.is_none() {
            self.report(loc, ErrorKind::Empty("a calibration target needs `at_least` or `at_most`"));
        }
        let low = if t.change { -1.0 } else { 0.0 };
        if let Some(x) = t.at_least {
            self.real(&loc.field("at_least"), x, low, 1.0);
        }
        if let Some(x) = t.at_most {
            self.real(&loc.field("at_most"), x, low, 1.0);
        }
        if let Some(x) = t.most_in_one_month {
            self.real(&loc.field("most_in_one_month"), x, 0.0, 1.0);
            if t.measure.check().is_none() {
                let kind = ErrorKind::NotAllowed(
                    "`most_in_one_month` counts the months a history check came true in: measure `Matched`, `HappenedBy` or `Within`"
                        .into(),
                );
                self.report(&loc.field("most_in_one_month"), kind);
            }
        }
        if t.change && t.historical && t.choose.is_empty() {
            let kind = ErrorKind::NotAllowed("`change` compares other choices with history: give `choose`".into());
            self.report(&loc.field("change"), kind);
        }
    }

    fn measure(&mut self, loc: &Loc, m: &Measure) {
        match m {
            Measure::Matched(check) => {
                self.reference(loc, "history check", |v| &v.history, check);
            }
            Measure::Within { check, months } => {
                self.reference(&loc.field("check"), "history check", |v| &v.history, check);
                self.range(&loc.field("months"), i64::from(*months), 0, 1200);
            }
            Measure::InOrder(checks) => {
                if checks.len() < 2 {
                    self.report(loc, ErrorKind::Empty("`InOrder` needs two history checks or more"));
                }
                for (i, check) in checks.iter().enumerate() {
                    self.reference(&loc.at(i), "history check", |v| &v.history, check);
                }
            }
            Measure::HappenedBy { check, by } => {
                self.reference(&loc.field("check"), "history check", |v| &v.history, check);
                self.date(&loc.field("by"), *by);
            }
            Measure::Fell { province, to, months, by, .. } => {
                self.province_ref(&loc.field("province"), province);
                if let Some(f) = to {
                    self.faction_ref(&loc.field("to"), f);
                }
                if let Some((low, high)) = months {
                    self.range(&loc.field("months").field("1"), i64::from(*high), i64::from(*low), 1200);
                }
                if let Some(by) = by {
                    self.date(&loc.field("by"), *by);
                }
            }
            Measure::HoldsAtEnd { faction, province } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.province_ref(&loc.field("province"), province);
            }
            Measure::Wins(faction) => {
                if let Some(f) = faction {
                    self.faction_ref(loc, f);
                }
            }
            Measure::All(list) | Measure::Any(list) => {
                for (i, m) in list.iter().enumerate() {
                    self.measure(&loc.at(i), m);
                }
            }
            Measure::Not(m) => self.measure(loc, m),
        }
    }

    // ---- conditions and effects -----------------------------------------------------------

    fn compare(&mut self, loc: &Loc, c: Compare) {
        self.real(loc, c.threshold(), -1e15, 1e15);
    }

    fn condition(&mut self, loc: &Loc, c: &Condition) {
        use Condition as C;
        match c {
            C::Always | C::Never => {}
            C::All(list) | C::Any(list) => {
                for (i, inner) in list.iter().enumerate() {
                    self.condition(&loc.at(i), inner);
                }
            }
            C::Not(inner) => self.condition(loc, inner),
            C::After(d) | C::Before(d) => {
                self.date(loc, *d);
            }
            C::Holds { faction, province } | C::ArmyIn { faction, province } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.province_ref(&loc.field("province"), province);
            }
            C::AtWar { a, b } => {
                self.faction_ref(&loc.field("a"), a);
                self.faction_ref(&loc.field("b"), b);
            }
            C::TreatyInForce(t) => {
                self.treaty_ref(loc, t);
            }
            C::Flag(f) => self.flag_ref(loc, f),
            C::Chose { event, option } => self.option_ref(loc, event, option),
            C::Alive(ch) => {
                self.character_ref(loc, ch);
            }
            C::Serves { character, faction } | C::Rules { character, faction } => {
                self.character_ref(&loc.field("character"), character);
                self.faction_ref(&loc.field("faction"), faction);
            }
            C::HasRole { character, .. } => {
                self.character_ref(&loc.field("character"), character);
            }
            C::FactionActive(f) | C::HumanPlays(f) => {
                self.faction_ref(loc, f);
            }
            C::Besieged(p) => {
                self.province_ref(loc, p);
            }
            C::SiegeLifted { province, by } => {
                self.province_ref(&loc.field("province"), province);
                self.faction_ref(&loc.field("by"), by);
            }
            C::SiegeMonths { province, is } | C::ProvinceGrain { province, is } => {
                self.province_ref(&loc.field("province"), province);
                self.compare(&loc.field("is"), *is);
            }
            C::Treasury { faction, is }
            | C::Grain { faction, is }
            | C::Legitimacy { faction, is }
            | C::Cohesion { faction, is }
            | C::Troops { faction, is }
            | C::Provinces { faction, is } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.compare(&loc.field("is"), *is);
            }
            C::Opinion { of, towards, is } => {
                self.faction_ref(&loc.field("of"), of);
                self.faction_ref(&loc.field("towards"), towards);
                self.compare(&loc.field("is"), *is);
            }
            C::ArmyExists(army) => {
                self.army_ref(loc, army);
            }
            C::ArmyAt { army, province } => {
                self.army_ref(&loc.field("army"), army);
                self.province_ref(&loc.field("province"), province);
            }
            C::Captive(ch) | C::Dead(ch) | C::Exiled(ch) => {
                self.character_ref(loc, ch);
            }
        }
    }

    fn option_ref(&mut self, loc: &Loc, event: &str, option: &str) {
        if !self.reference(&loc.field("event"), "event", |v| &v.events, event) {
            return;
        }
        let options = self.options.get(event).cloned().unwrap_or_default();
        if !options.contains(option) {
            let suggestion = closest(option, options.iter().map(String::as_str));
            let kind = ErrorKind::UnknownOption { event: event.to_string(), option: option.to_string(), suggestion };
            self.report(&loc.field("option"), kind);
        }
    }

    fn signed_amount(&mut self, loc: &Loc, value: i64) {
        self.range(loc, value, -MAX_QUANTITY, MAX_QUANTITY);
    }

    fn effect(&mut self, loc: &Loc, e: &Effect) {
        use Effect as E;
        match e {
            E::Chronicle(text) => self.name(loc, text, "a chronicle entry needs a text"),
            E::SetFlag(f) => {
                if f.trim().is_empty() {
                    self.report(loc, ErrorKind::Empty("a flag needs a name"));
                }
            }
            E::ClearFlag(f) => self.flag_ref(loc, f),
            E::Treasury { faction, add }
            | E::Grain { faction, add }
            | E::Legitimacy { faction, add }
            | E::Cohesion { faction, add } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.signed_amount(&loc.field("add"), *add);
            }
            E::Pay { from, to, amount } => {
                self.faction_ref(&loc.field("from"), from);
                self.faction_ref(&loc.field("to"), to);
                self.quantity(&loc.field("amount"), *amount);
            }
            E::Cede { province, to } => {
                self.province_ref(&loc.field("province"), province);
                self.faction_ref(&loc.field("to"), to);
            }
            E::Opinion { of, towards, add } | E::Trust { of, towards, add } => {
                self.faction_ref(&loc.field("of"), of);
                self.faction_ref(&loc.field("towards"), towards);
                self.range(&loc.field("add"), *add, -200, 200);
            }
            E::DeclareWar { attacker, defender } => {
                self.faction_ref(&loc.field("attacker"), attacker);
                self.faction_ref(&loc.field("defender"), defender);
            }
            E::MakePeace { a, b } => {
                self.faction_ref(&loc.field("a"), a);
                self.faction_ref(&loc.field("b"), b);
            }
            E::SignTreaty(t) => self.treaty(loc, t),
            E::EndTreaty(t) => {
                self.treaty_ref(loc, t);
            }
            E::SpawnArmy(a) => self.army(loc, a),
            E::DisbandArmy(a) => {
                self.army_ref(loc, a);
            }
            E::Reinforce { army, troops } => {
                self.army_ref(&loc.field("army"), army);
                // Negative numbers are losses (never below none of a kind).
                for (kind, &men) in troops {
                    let entry = loc.field("troops").field(kind);
                    self.reference(&entry, "troop kind", |v| &v.troop_kinds, kind);
                    self.signed_amount(&entry, men);
                }
            }
            E::ArmyMorale { army, add } => {
                self.army_ref(&loc.field("army"), army);
                self.range(&loc.field("add"), *add, -100, 100);
            }
            E::Loot { province, by, share } => {
                self.province_ref(&loc.field("province"), province);
                self.faction_ref(&loc.field("by"), by);
                self.real(&loc.field("share"), *share, 0.0, 1.0);
            }
            E::AdjustProvince { province, population, wealth, grain, walls, garrison, loyalty } => {
                self.province_ref(&loc.field("province"), province);
                for (field, value) in
                    [("population", population), ("wealth", wealth), ("grain", grain), ("garrison", garrison)]
                {
                    self.signed_amount(&loc.field(field), *value);
                }
                self.range(&loc.field("walls"), *walls, -10, 10);
                self.range(&loc.field("loyalty"), *loyalty, -100, 100);
            }
            E::Appoint { character, .. } | E::Dismiss { character, .. } => {
                self.character_ref(&loc.field("character"), character);
            }
            E::Exile(c) | E::Execute(c) | E::Activate(c) => {
                self.character_ref(loc, c);
            }
            E::Defect { character, to, .. } => {
                self.character_ref(&loc.field("character"), character);
                self.faction_ref(&loc.field("to"), to);
            }
            E::SetRuler { faction, character } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.character_ref(&loc.field("character"), character);
            }
            E::Loyalty { character, add } => {
                self.character_ref(&loc.field("character"), character);
                self.range(&loc.field("add"), *add, -100, 100);
            }
            E::AddTrait { character, trait_ } | E::RemoveTrait { character, trait_ } => {
                self.character_ref(&loc.field("character"), character);
                self.reference(&loc.field("trait"), "trait", |v| &v.traits, trait_);
            }
            E::RenameFaction { faction, name, .. } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.name(&loc.field("name"), name, "a faction needs a name");
            }
            E::RenameProvince { province, name, .. } => {
                self.province_ref(&loc.field("province"), province);
                self.name(&loc.field("name"), name, "a province needs a name");
            }
            E::RenameArmy { army, name } => {
                self.army_ref(&loc.field("army"), army);
                self.name(&loc.field("name"), name, "an army needs a name");
            }
            E::SetCommander { army, character } => {
                self.army_ref(&loc.field("army"), army);
                self.character_ref(&loc.field("character"), character);
            }
            E::ActivateFaction(f) | E::DeactivateFaction(f) => {
                self.faction_ref(loc, f);
            }
            E::SetCapital { faction, province } => {
                self.faction_ref(&loc.field("faction"), faction);
                self.province_ref(&loc.field("province"), province);
            }
            E::FireEvent(event) => {
                self.reference(loc, "event", |v| &v.events, event);
            }
            E::If { when, then, otherwise } => {
                self.condition(&loc.field("when"), when);
                for (i, inner) in then.iter().enumerate() {
                    self.effect(&loc.field("then").at(i), inner);
                }
                for (i, inner) in otherwise.iter().enumerate() {
                    self.effect(&loc.field("else").at(i), inner);
                }
            }
            E::Attrition { army, share } => {
                self.army_ref(&loc.field("army"), army);
                self.real(&loc.field("share"), *share, 0.0, 1.0);
            }
            E::Release(c) => {
                self.character_ref(loc, c);
            }
            E::Levy { faction, province, men, kind, join } => {
                if let Some(army) = join {
                    self.army_ref(&loc.field("join"), army);
                }
                self.faction_ref(&loc.field("faction"), faction);
                self.province_ref(&loc.field("province"), province);
                self.quantity(&loc.field("men"), *men);
                if let Some(kind) = kind {
                    self.reference(&loc.field("kind"), "troop kind", |v| &v.troop_kinds, kind);
                }
            }
            E::Surprise { army, province, men } => {
                self.army_ref(&loc.field("army"), army);
                self.province_ref(&loc.field("province"), province);
                self.quantity(&loc.field("men"), *men);
            }
            E::Sally { province, men, kind } => {
                self.province_ref(&loc.field("province"), province);
                self.quantity(&loc.field("men"), *men);
                self.reference(&loc.field("kind"), "troop kind", |v| &v.troop_kinds, kind);
            }
            E::Ransom { character, from, to, amount } => {
                self.character_ref(&loc.field("character"), character);
                self.faction_ref(&loc.field("from"), from);
                self.faction_ref(&loc.field("to"), to);
                self.quantity(&loc.field("amount"), *amount);
            }
        }
    }
}

fn is_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The armies a scenario may field: its starting armies, every other army its events raise (each
/// id counted once), and each province's levy.
fn army_slots(s: &Scenario) -> usize {
    let starting: BTreeSet<&str> = s.armies.iter().map(|a| a.id.as_str()).collect();
    let mut raised: BTreeSet<&str> = BTreeSet::new();
    for effect in s.events.iter().flat_map(|e| &e.options).flat_map(|o| &o.effects) {
        effect.visit(&mut |e| {
            if let Effect::SpawnArmy(a) = e
                && !starting.contains(a.id.as_str())
            {
                raised.insert(a.id.as_str());
            }
        });
    }
    s.armies.len() + raised.len() + s.provinces.len()
}

/// The id of the army a province's levies take the field as.
pub fn levy_army_id(province: &str) -> String {
    format!("{province}_levy")
}

/// Every effect of `effects` (listed at `loc`) with its place, those an `If` holds after it.
fn located_effects<'a>(loc: &Loc, effects: &'a [Effect], out: &mut Vec<(Loc, &'a Effect)>) {
    for (j, effect) in effects.iter().enumerate() {
        let here = loc.at(j);
        out.push((here.clone(), effect));
        located_effects(&here.field("then"), effect.nested(), out);
        located_effects(&here.field("else"), effect.nested_otherwise(), out);
    }
}

/// Whether `p` lies inside `polygon` of (longitude, latitude) points (even-odd rule).
fn polygon_contains(polygon: &[(f64, f64)], (x, y): (f64, f64)) -> bool {
    let mut inside = false;
    for k in 0..polygon.len() {
        let (a, b) = (polygon[k], polygon[(k + polygon.len() - 1) % polygon.len()]);
        if (a.1 > y) != (b.1 > y) && x < (b.0 - a.0) * (y - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        crate::scenario::parse_scenario_text(
            r##"Scenario(format_version: 1, id: "tiny", name: "Tiny", start: "1125-01", end: "1125-12",
                terrains: [Terrain(id: "plains", name: "Plains")],
                factions: [Faction(id: "a", name: "A", colour: "#ff0000", capital: Some("p"))],
                provinces: [Province(id: "p", name: "P", position: (0.0, 0.0), terrain: "plains", owner: Some("a"))])"##,
        )
        .expect("parses")
    }

    fn too_many(s: Scenario) -> Vec<String> {
        let errors = crate::scenario::validate_embedded(s, "test").err().map(|e| e.0).unwrap_or_default();
        errors.iter().filter(|e| matches!(e.kind, ErrorKind::TooMany { .. })).map(ToString::to_string).collect()
    }

    #[test]
    fn more_characters_than_sixteen_bit_indices_number_are_refused() {
        let mut s = tiny();
        let person = |i: usize| Character {
            id: format!("c{i}"),
            name: format!("C{i}"),
            native_name: None,
            description: String::new(),
            faction: None,
            roles: Vec::new(),
            skills: Skills::default(),
            loyalty: 70,
            traits: Vec::new(),
            active: true,
            born: None,
        };
        s.characters = (0..MAX_INDEXED).map(person).collect();
        assert!(too_many(s.clone()).is_empty(), "exactly the limit is allowed");
        s.characters.push(person(MAX_INDEXED));
        let errors = too_many(s);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("characters has 65536 entries; at most 65535"), "{}", errors[0]);
    }

    /// The errors `validate_embedded` reports about native names, as the player reads them.
    fn native_name_errors(s: Scenario) -> Vec<ScenarioError> {
        let errors = crate::scenario::validate_embedded(s, "test").err().map(|e| e.0).unwrap_or_default();
        errors.into_iter().filter(|e| matches!(e.kind, ErrorKind::InvalidNativeName { .. })).collect()
    }

    #[test]
    fn a_native_name_is_optional_and_may_be_any_visible_script() {
        let mut s = tiny();
        assert!(native_name_errors(s.clone()).is_empty(), "left out");
        s.factions[0].native_name = Some("西夏".into());
        s.provinces[0].native_name = Some("Ἀθῆναι".into());
        assert!(native_name_errors(s).is_empty());
    }

    #[test]
    fn an_empty_blank_or_garbled_native_name_is_refused_where_it_is_written() {
        let mut s = tiny();
        s.factions[0].native_name = Some(String::new());
        s.provinces[0].native_name = Some("開\t封".into());
        let errors = native_name_errors(s.clone());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].path, "factions[0].native_name");
        assert!(errors[0].line > 1, "located on the faction's line, not the file's start: {}", errors[0]);
        assert!(errors[0].to_string().contains("it is empty or only spaces"), "{}", errors[0]);
        assert_eq!(errors[1].path, "provinces[0].native_name");
        assert!(errors[1].to_string().contains(r#""開\t封": it holds a control character"#), "{}", errors[1]);

        s.factions[0].native_name = Some("  \u{3000}".into());
        s.provinces[0].native_name = Some("開封 ".into());
        let errors = native_name_errors(s);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].to_string().contains("empty or only spaces"),
            "ideographic spaces are spaces too: {}",
            errors[0]
        );
        assert!(errors[1].to_string().contains("begins or ends with spaces"), "{}", errors[1]);
    }
}
