//! The whole game state as plain data: saves, loads and the state hash.
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::data::{Data, StaticData};
use super::ids::CharacterIx;
use super::readout::{ArmyState, FactionState, ProvinceState, Reading};
use super::state::{
    ApplyEffect, Calendar, CharacterTraits, Choices, Chronicle, CommandLog, EffectsDone, EventAnswers, EventState,
    FirstTransfers, Flags, Foraged, GameOver, HistoryRecord, Levies, Names, PendingEffect, PendingOrders, Person,
    Players, Proposals, Relations, RngState, Seed, SiegeLog, Sieges, SimRng, Treaties, Trends,
};
use crate::scenario::{Scenario, validate_embedded};

mod check;

/// What a save file says it is.
const SAVE_FORMAT: &str = "jingkang-save";
/// The newest save format, which this build writes and reads: version 1 and, when an event has
/// changed a character's traits or a faction's or province's name, the traits and names.
pub const SAVE_VERSION: u32 = 2;
/// The save format of a game whose traits and names are still the scenario's, which this build
/// reads too: it writes such a save as version 1, so that older builds read it (they pass over
/// its trends, which change nothing they play), and version 2 only when it holds what version 1
/// cannot say, so that older builds refuse it rather than lose the changes.
const PLAIN_SAVE_VERSION: u32 = 1;
/// The largest save file read, in bytes.
const MAX_SAVE_BYTES: u64 = 256 * 1024 * 1024;

/// Everything needed to continue a game exactly, including the scenario it is played on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: String,
    pub version: u32,
    pub scenario: Scenario,
    pub seed: u64,
    pub rng: RngState,
    pub calendar: Calendar,
    pub players: Players,
    /// The names of the flags set.
    pub flags: BTreeSet<String>,
    pub choices: Choices,
    pub events: EventState,
    pub relations: Relations,
    pub treaties: Treaties,
    pub history: HistoryRecord,
    pub game_over: GameOver,
    pub chronicle: Chronicle,
    pub pending_orders: PendingOrders,
    /// Levies mustering (none in a save from before levies).
    #[serde(default, skip_serializing_if = "Levies::is_empty")]
    pub levies: Levies,
    pub sieges: Sieges,
    pub siege_log: SiegeLog,
    pub foraged: Foraged,
    pub proposals: Proposals,
    pub answers: EventAnswers,
    pub first_transfers: FirstTransfers,
    pub factions: Vec<FactionState>,
    pub provinces: Vec<ProvinceState>,
    pub characters: Vec<Person>,
    pub armies: Vec<Option<ArmyState>>,
    /// Each character's traits (indices into the scenario's `traits`), if an event has changed
    /// any; left out while they are the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traits: Option<Vec<Vec<usize>>>,
    /// The names factions and provinces go by, if an event has changed any; left out while they
    /// are the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Names>,
    /// Each faction's provinces, men and silver month by month, for the outcome screen's charts.
    /// A save written before they were kept has none: its game, continued, starts its series at
    /// the month it was loaded. Older builds ignore them.
    #[serde(default, skip_serializing_if = "Trends::is_empty")]
    pub trends: Trends,
    /// Effects the rules wrote after this month's effects were carried out (a commander fallen
    /// in battle, a death of age, a defection), carried out next month. Older builds ignore
    /// them, as they always lost them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_effects: Vec<PendingEffect>,
    /// How the campaign began and every order and answer given since, month by month, with the
    /// state hash each month ended on: what `jingkang replay` plays again. A save written before
    /// logs were kept (or by a quiet campaign) has none and cannot be replayed, only continued.
    /// Older builds ignore it (and, continuing such a save, drop it), which loses nothing of the
    /// game: so it needs no new version.
    #[serde(default, skip_serializing_if = "CommandLog::is_empty")]
    pub log: CommandLog,
}

/// A campaign's state as a month ends: a [`Snapshot`] without its scenario, which no month
/// changes (the command log holds its hash once), and without the log. A campaign that keeps a
/// log hashes it every month; leaving the scenario out makes that several times cheaper.
#[derive(Serialize)]
pub(super) struct MonthState {
    format: String,
    version: u32,
    seed: u64,
    rng: RngState,
    calendar: Calendar,
    players: Players,
    /// The names of the flags set.
    flags: BTreeSet<String>,
    choices: Choices,
    events: EventState,
    relations: Relations,
    treaties: Treaties,
    history: HistoryRecord,
    game_over: GameOver,
    chronicle: Chronicle,
    pending_orders: PendingOrders,
    /// Levies mustering (none in a save from before levies).
    #[serde(default, skip_serializing_if = "Levies::is_empty")]
    levies: Levies,
    sieges: Sieges,
    siege_log: SiegeLog,
    foraged: Foraged,
    proposals: Proposals,
    answers: EventAnswers,
    first_transfers: FirstTransfers,
    factions: Vec<FactionState>,
    provinces: Vec<ProvinceState>,
    characters: Vec<Person>,
    armies: Vec<Option<ArmyState>>,
    /// Each character's traits (indices into the scenario's `traits`), if an event has changed
    /// any; left out while they are the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    traits: Option<Vec<Vec<usize>>>,
    /// The names factions and provinces go by, if an event has changed any; left out while they
    /// are the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    names: Option<Names>,
    /// Each faction's provinces, men and silver month by month, for the outcome screen's charts.
    /// A save written before they were kept has none: its game, continued, starts its series at
    /// the month it was loaded. Older builds ignore them.
    #[serde(default, skip_serializing_if = "Trends::is_empty")]
    trends: Trends,
    /// Effects the rules wrote after this month's effects were carried out (a commander fallen
    /// in battle, a death of age, a defection), carried out next month. Older builds ignore
    /// them, as they always lost them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending_effects: Vec<PendingEffect>,
}

impl MonthState {
    /// The hash a command log keeps of the month: equal states, equal hashes.
    pub(super) fn hash(&self) -> u64 {
        fnv(self)
    }
}

/// The effects written since this month's effects were carried out, which next month's will
/// carry out.
fn pending_effects(world: &World) -> Vec<PendingEffect> {
    let written = world.resource::<Messages<ApplyEffect>>();
    let done = world.resource::<EffectsDone>().0;
    let end = written.oldest_message_count() + written.len();
    (done.max(written.oldest_message_count())..end)
        .filter_map(|id| written.get_message(id))
        .filter_map(|(ApplyEffect(command), _)| {
            let pending = PendingEffect::of(command);
            debug_assert!(
                pending.is_some(),
                "an effect only events give, written after the effects phase: {command:?}"
            );
            pending
        })
        .collect()
}

/// Why a save could not be written or read.
#[derive(Debug, Error)]
pub enum SaveError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}: not a Jingkang save file")]
    NotASave(String),
    #[error("{path}: the save is version {found}; this build reads versions {oldest} to {newest}")]
    Version { path: String, found: u64, oldest: u32, newest: u32 },
    #[error("the save is corrupted: {0}")]
    Corrupt(String),
    /// A field out of range of its scenario or of the rules: an edited save.
    #[error("{}the save's {field}: {problem}", in_file(.path))]
    Invalid {
        /// The save file, when it was read from one.
        path: Option<String>,
        /// The field, as the save's JSON names it: `sieges[12].besieger`.
        field: String,
        problem: String,
    },
}

/// "FILE: " before an error about a save read from a file.
fn in_file(path: &Option<String>) -> String {
    path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default()
}

impl Snapshot {
    /// Reads every piece of state out of `world`, and its command log.
    pub fn capture(world: &World) -> Self {
        // Every field named, so that a field added to one and not the other does not compile.
        let MonthState {
            format,
            version,
            seed,
            rng,
            calendar,
            players,
            flags,
            choices,
            events,
            relations,
            treaties,
            history,
            game_over,
            chronicle,
            pending_orders,
            levies,
            sieges,
            siege_log,
            foraged,
            proposals,
            answers,
            first_transfers,
            factions,
            provinces,
            characters,
            armies,
            traits,
            names,
            trends,
            pending_effects,
        } = Self::capture_state(world);
        let scenario = world.resource::<Data>().scenario.clone();
        let log = world.resource::<CommandLog>().clone();
        Self {
            format,
            version,
            scenario,
            seed,
            rng,
            calendar,
            players,
            flags,
            choices,
            events,
            relations,
            treaties,
            history,
            game_over,
            chronicle,
            pending_orders,
            levies,
            sieges,
            siege_log,
            foraged,
            proposals,
            answers,
            first_transfers,
            factions,
            provinces,
            characters,
            armies,
            traits,
            names,
            trends,
            pending_effects,
            log,
        }
    }

    /// Reads every piece of state out of `world` but the scenario and the command log: what a
    /// month's hash covers (see [`MonthState`]).
    pub(super) fn capture_state(world: &World) -> MonthState {
        let read = Reading::of(world);
        let data = read.data;
        let factions = read.entities.faction_ixs().map(|f| read.faction(f)).collect();
        let provinces = read.entities.province_ixs().map(|p| read.province(p)).collect();
        let characters = CharacterIx::all(read.entities.characters.len()).map(|c| read.person(c).clone()).collect();
        let mut armies: Vec<_> = read.armies().collect();
        // Levy slots not in the field are left out: a game without levies saves as before them.
        while armies.len() > data.ids.levies && armies.last().is_some_and(Option::is_none) {
            armies.pop();
        }
        let traits = world.resource::<CharacterTraits>().lists();
        let traits = (traits != data.starting_traits.as_slice()).then(|| traits.to_vec());
        let names = world.resource::<Names>();
        let names = (!names.are_the_scenario_s(&data.scenario)).then(|| names.clone());
        // Levies mustering or in the field are also new to version 2.
        let levies = world.resource::<Levies>();
        let plain = traits.is_none() && names.is_none() && levies.is_empty() && armies.len() <= data.ids.levies;
        MonthState {
            format: SAVE_FORMAT.to_string(),
            version: if plain { PLAIN_SAVE_VERSION } else { SAVE_VERSION },
            seed: world.resource::<Seed>().0,
            rng: world.resource::<SimRng>().state(),
            calendar: *world.resource::<Calendar>(),
            players: world.resource::<Players>().clone(),
            flags: world.resource::<Flags>().names(data),
            choices: world.resource::<Choices>().clone(),
            events: world.resource::<EventState>().clone(),
            relations: world.resource::<Relations>().clone(),
            treaties: world.resource::<Treaties>().clone(),
            history: world.resource::<HistoryRecord>().clone(),
            game_over: world.resource::<GameOver>().clone(),
            chronicle: world.resource::<Chronicle>().clone(),
            pending_orders: world.resource::<PendingOrders>().clone(),
            levies: world.resource::<Levies>().clone(),
            sieges: world.resource::<Sieges>().clone(),
            siege_log: world.resource::<SiegeLog>().clone(),
            foraged: world.resource::<Foraged>().clone(),
            proposals: world.resource::<Proposals>().clone(),
            answers: world.resource::<EventAnswers>().clone(),
            first_transfers: world.resource::<FirstTransfers>().clone(),
            factions,
            provinces,
            characters,
            armies,
            traits,
            names,
            trends: world.resource::<Trends>().clone(),
            pending_effects: pending_effects(world),
        }
    }

    /// The static data of the embedded scenario, validated again (a save may have been edited),
    /// checked against the saved tables.
    pub fn static_data(&self) -> Result<StaticData, SaveError> {
        let valid = validate_embedded(self.scenario.clone(), "the saved scenario").map_err(|e| {
            SaveError::Corrupt(format!(
                "its scenario is invalid: {}",
                e.0.first().map(ToString::to_string).unwrap_or_default()
            ))
        })?;
        let data = StaticData::new(&valid);
        self.check_shape(&data)?;
        Ok(data)
    }

    /// Every table has the scenario's size and every index is in range.
    fn check_shape(&self, data: &StaticData) -> Result<(), SaveError> {
        let s = &data.scenario;
        let sizes = [
            ("factions", self.factions.len(), s.factions.len()),
            ("provinces", self.provinces.len(), s.provinces.len()),
            ("characters", self.characters.len(), s.characters.len()),
        ];
        for (what, found, expected) in sizes {
            if found != expected {
                return Err(SaveError::Corrupt(format!("{found} {what} saved, the scenario has {expected}")));
            }
        }
        let tables = [
            ("events.fired", self.events.fired.len(), s.events.len(), "events"),
            ("history", self.history.0.len(), s.history.len(), "history checks"),
            ("sieges", self.sieges.0.len(), s.provinces.len(), "provinces"),
            ("foraged", self.foraged.0.len(), s.provinces.len(), "provinces"),
            ("first_transfers", self.first_transfers.0.len(), s.provinces.len(), "provinces"),
        ];
        for (field, found, expected, what) in tables {
            if found != expected {
                let problem = format!("{found} entries, the scenario has {expected} {what}");
                return Err(SaveError::Invalid { path: None, field: field.into(), problem });
            }
        }
        // Levy slots past the last in the field are not saved.
        if !(data.ids.levies..=data.army_slots()).contains(&self.armies.len()) {
            let (found, expected) = (self.armies.len(), data.army_slots());
            return Err(SaveError::Corrupt(format!("{found} armies saved, the scenario has {expected}")));
        }
        if self.treaties.0.len() < data.ids.treaty_ids.len() {
            let (found, expected) = (self.treaties.0.len(), data.ids.treaty_ids.len());
            let problem = format!("{found} entries, the scenario has {expected} treaties");
            return Err(SaveError::Invalid { path: None, field: "treaties".into(), problem });
        }
        if let Some(lists) = &self.traits
            && lists.len() != s.characters.len()
        {
            let (found, expected) = (lists.len(), s.characters.len());
            let problem = format!("{found} entries, the scenario has {expected} characters");
            return Err(SaveError::Invalid { path: None, field: "traits".into(), problem });
        }
        self.check_fields(data)
    }

    /// Spawns this state into an app that has the schedule and the static data.
    pub(super) fn restore_into(&self, world: &mut World) {
        let mut armies = self.armies.clone();
        armies.resize(world.resource::<Data>().army_slots(), None);
        let entities = super::setup::spawn(world, &self.factions, &self.provinces, &self.characters, &armies);
        world.insert_resource(entities);
        let data = world.resource::<Data>();
        let flags = Flags::from_names(&self.flags, data);
        let traits = match &self.traits {
            Some(lists) => CharacterTraits::new(data, lists.clone()),
            None => CharacterTraits::starting(data),
        };
        let names = self.names.clone().unwrap_or_else(|| Names::of(&data.scenario));
        world.insert_resource(flags);
        world.insert_resource(traits);
        world.insert_resource(names);
        world.insert_resource(SimRng::from_state(self.rng));
        world.insert_resource(Seed(self.seed));
        world.insert_resource(self.calendar);
        world.insert_resource(self.players.clone());
        world.insert_resource(self.choices.clone());
        world.insert_resource(self.events.clone());
        world.insert_resource(self.relations.clone());
        world.insert_resource(self.treaties.clone());
        world.insert_resource(self.history.clone());
        world.insert_resource(self.game_over.clone());
        world.insert_resource(self.chronicle.clone());
        world.insert_resource(self.pending_orders.clone());
        world.insert_resource(self.levies.clone());
        world.insert_resource(self.sieges.clone());
        world.insert_resource(self.siege_log.clone());
        world.insert_resource(self.foraged.clone());
        world.insert_resource(self.proposals.clone());
        world.insert_resource(self.answers.clone());
        world.insert_resource(self.first_transfers.clone());
        world.insert_resource(self.trends.clone());
        // Effects in flight go back on the wire for next month's effects phase to carry out.
        let written = world.resource::<Messages<ApplyEffect>>();
        world.insert_resource(EffectsDone(written.oldest_message_count() + written.len()));
        for effect in &self.pending_effects {
            world.write_message(ApplyEffect(effect.command()));
        }
        world.insert_resource(self.log.clone());
    }

    /// A 64-bit FNV-1a hash of the whole state, the command log apart (which holds hashes of the
    /// state itself): equal states, equal hashes.
    pub fn state_hash(&self) -> u64 {
        if self.log.is_empty() {
            return fnv(self);
        }
        fnv(&Self { log: CommandLog::default(), ..self.clone() })
    }

    /// Writes the save atomically: to a temporary file beside `path`, synced, then renamed over it,
    /// so a crash leaves either the old save or the new one, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), SaveError> {
        let io = |e: std::io::Error| SaveError::Io { path: path.display().to_string(), message: e.to_string() };
        let json = serde_json::to_vec(self).map_err(|e| SaveError::Corrupt(e.to_string()))?;
        let mut file = AtomicFile::create(path).map_err(io)?;
        file.write_all(&json).map_err(io)?;
        file.commit().map_err(io)
    }

    /// Reads a save, checking that it is one, of this version, and consistent.
    pub fn load(path: &Path) -> Result<Self, SaveError> {
        let shown = path.display().to_string();
        let bytes = read_save_bytes(path)?;
        let header: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|_| SaveError::NotASave(shown.clone()))?;
        if header.get("format").and_then(|f| f.as_str()) != Some(SAVE_FORMAT) {
            return Err(SaveError::NotASave(shown));
        }
        check_version(&shown, header.get("version"))?;
        // The field a value of the wrong kind is in, named: a number too large for its index.
        let snapshot: Snapshot = serde_path_to_error::deserialize(header).map_err(|e| SaveError::Invalid {
            path: Some(shown.clone()),
            field: e.path().to_string(),
            problem: e.inner().to_string(),
        })?;
        snapshot.static_data().map_err(|e| match e {
            SaveError::Invalid { path: None, field, problem } => {
                SaveError::Invalid { path: Some(shown), field, problem }
            }
            e => e,
        })?;
        Ok(snapshot)
    }
}

/// A 64-bit FNV-1a hash of `value`'s JSON, written straight into the hash rather than into a
/// buffer first: a campaign that keeps a log hashes its whole state every month.
fn fnv(value: &impl Serialize) -> u64 {
    struct Fnv(u64);
    impl Write for Fnv {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 = bytes.iter().fold(self.0, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    // Plain data always serializes; were it ever not to, the hash of what was written stands.
    let _ = serde_json::to_writer(&mut hash, value);
    hash.0
}

/// A hash of a scenario as a save embeds it, for the command log to say which it was begun on.
pub fn scenario_hash(scenario: &Scenario) -> u64 {
    fnv(scenario)
}

/// What a save holds, read without restoring it: enough to list saves for a player to pick from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveHeader {
    /// The scenario's display name.
    pub scenario: String,
    /// The month the game stands at.
    pub date: crate::scenario::Date,
}

impl Snapshot {
    /// The header of the save at `path`; an error if it is not a save of this version.
    pub fn peek(path: &Path) -> Result<SaveHeader, SaveError> {
        #[derive(Deserialize)]
        struct Header {
            format: String,
            /// Read as it is written, so that any number (or not a number) is the version's error.
            version: serde_json::Value,
            scenario: Named,
            calendar: Dated,
        }
        #[derive(Deserialize)]
        struct Named {
            name: String,
        }
        #[derive(Deserialize)]
        struct Dated {
            date: crate::scenario::Date,
        }
        let shown = path.display().to_string();
        let bytes = read_save_bytes(path)?;
        let header: Header = serde_json::from_slice(&bytes).map_err(|_| SaveError::NotASave(shown.clone()))?;
        if header.format != SAVE_FORMAT {
            return Err(SaveError::NotASave(shown));
        }
        check_version(&shown, Some(&header.version))?;
        if !header.calendar.date.is_valid() {
            let problem = format!("{} is not a month of a year a scenario may use", header.calendar.date);
            return Err(SaveError::Invalid { path: Some(shown), field: "calendar.date".into(), problem });
        }
        Ok(SaveHeader { scenario: header.scenario.name, date: header.calendar.date })
    }
}

/// Refuses a save of a version this build does not read, compared in full: a version of
/// 2^32 + 1 is not version 1, and one that is not a whole number is no version at all.
fn check_version(shown: &str, version: Option<&serde_json::Value>) -> Result<(), SaveError> {
    let Some(found) = version.and_then(serde_json::Value::as_u64) else {
        let problem = match version {
            None => "missing".to_string(),
            Some(v) => format!("{v} is not a version number"),
        };
        return Err(SaveError::Invalid { path: Some(shown.to_string()), field: "version".into(), problem });
    };
    if (u64::from(PLAIN_SAVE_VERSION)..=u64::from(SAVE_VERSION)).contains(&found) {
        return Ok(());
    }
    Err(SaveError::Version { path: shown.to_string(), found, oldest: PLAIN_SAVE_VERSION, newest: SAVE_VERSION })
}

/// The bytes of the file at `path`, refusing anything but a regular file (a device such as
/// `/dev/zero` never ends, a FIFO blocks until someone writes to it) and one too large to be a
/// save: no more than [`MAX_SAVE_BYTES`] are read, whatever the file's size says.
fn read_save_bytes(path: &Path) -> Result<Vec<u8>, SaveError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let io = |e: std::io::Error| SaveError::Io { path: shown.clone(), message: e.to_string() };
    let not_a_file = || SaveError::Io { path: shown.clone(), message: "not a regular file".into() };
    let too_large = || SaveError::Corrupt(format!("{shown} is larger than any save ({MAX_SAVE_BYTES} bytes)"));
    // Asked before opening: opening a FIFO blocks.
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_file() {
        return Err(not_a_file());
    }
    if metadata.len() > MAX_SAVE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // Asked again of what was opened, in case the path changed in between.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(not_a_file());
    }
    let mut bytes = Vec::new();
    file.take(MAX_SAVE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    // A file that grew after its size was asked.
    if bytes.len() as u64 > MAX_SAVE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A file written atomically: to a temporary file beside its path, synced, then renamed over it
/// by [`AtomicFile::commit`], so that a crash leaves either the old file or the new one, never
/// half of one. Saves are written so, and so are the partial results of sharded sweeps. Dropped
/// without a commit (an error on the way), it removes its temporary file and leaves `path` as it
/// was.
#[derive(Debug)]
pub(crate) struct AtomicFile {
    /// The temporary file and its path; `None` once committed.
    tmp: Option<(std::path::PathBuf, std::fs::File)>,
    path: std::path::PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`, creating its folder if need be, and first removes what writers
    /// killed mid-write left in that folder (see [`remove_stale_tempfiles`]).
    pub(crate) fn create(path: &Path) -> std::io::Result<Self> {
        let dir = folder_of(path);
        std::fs::create_dir_all(dir)?;
        remove_stale_tempfiles(dir);
        Ok(Self { tmp: Some(tempfile_in(dir)?), path: path.to_path_buf() })
    }

    /// Syncs what was written, puts it in place, and syncs the folder, so that the rename itself
    /// survives a crash.
    pub(crate) fn commit(mut self) -> std::io::Result<()> {
        let Some((tmp, file)) = self.tmp.take() else { return Ok(()) };
        let done = file.sync_all().and_then(|()| {
            drop(file);
            std::fs::rename(&tmp, &self.path)
        });
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done?;
        sync_folder(folder_of(&self.path))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match &mut self.tmp {
            Some((_, file)) => file.write(bytes),
            None => Err(std::io::Error::other("written after its commit")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.as_mut().map_or(Ok(()), |(_, file)| file.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some((tmp, file)) = self.tmp.take() {
            drop(file);
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// The folder a file at `path` is in.
fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Syncs the folder `dir`, so that a file renamed into it stays there through a crash. Where a
/// folder cannot be opened or synced (Windows; some file systems refuse with "invalid input"),
/// there is nothing more to do.
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    if cfg!(not(unix)) {
        return Ok(());
    }
    let Ok(folder) = std::fs::File::open(dir) else { return Ok(()) };
    match folder.sync_all() {
        Err(e) if !matches!(e.kind(), std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported) => Err(e),
        _ => Ok(()),
    }
}

/// The start of a temporary file's name; the writer's process id and an attempt number follow.
const TEMP_PREFIX: &str = ".jingkang-save-";
/// The end of a temporary file's name.
const TEMP_SUFFIX: &str = ".tmp";
/// Where process ids cannot be looked up, how old a temporary file must be to be taken for a
/// killed writer's: no writer of this program takes that long between two writes.
const STALE_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Removes from `dir` the temporary files of writers that were killed before their commit: those
/// of processes no longer running (on Linux, `/proc/PID` is gone). Other processes may be
/// writing theirs at the same time (sharded sweeps write partial results side by side), so a
/// file whose process lives, or may, is left; where process ids cannot be looked up, only a file
/// untouched for [`STALE_AGE`] is removed. Best effort: what cannot be read or removed stays.
fn remove_stale_tempfiles(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let own = std::process::id();
    let can_look_up = Path::new("/proc/self").is_dir();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else { continue };
        if pid == own {
            continue;
        }
        let stale = if can_look_up {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE_AGE))
        };
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name `.jingkang-save-PID-ATTEMPT.tmp`; `None` for any
/// other name.
fn temp_pid(name: &str) -> Option<u32> {
    let middle = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, attempt) = middle.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(attempt) && digits(pid)).then(|| pid.parse().ok()).flatten()
}

/// A new file in `dir` with a unique name.
fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    for attempt in 0..100u32 {
        let name = format!("{TEMP_PREFIX}{}-{attempt}{TEMP_SUFFIX}", std::process::id());
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("could not create a temporary file"))
}

#[cfg(test)]
mod tests {
    use super::{PLAIN_SAVE_VERSION, SAVE_VERSION, SaveError, Snapshot};
    use crate::sim::Sim;
    use crate::sim::state::{ApplyEffect, CharacterTraits, Names};
    use crate::sim::testing::{scenario, sim};

    /// Red's general gains a trait and Red a new name in the first month.
    fn changed() -> Sim {
        let events = r#"traits: [Trait(id: "fierce", name: "Fierce", modifiers: [Command(3)])],
            events: [Event(id: "rise", title: "Rise", faction: "red", options: [Option(id: "o", name: "O", effects: [
                AddTrait(character: "red_general", trait: "fierce"), RenameFaction(faction: "red", name: "Southern Red"),
            ])])],"#;
        sim(scenario("", events), 3)
    }

    #[test]
    fn a_game_whose_traits_and_names_never_changed_saves_as_it_always_did() {
        let mut game = sim(scenario("", ""), 3);
        game.step();
        let snapshot = game.snapshot();
        assert_eq!(snapshot.version, PLAIN_SAVE_VERSION, "older builds read it");
        assert_eq!((&snapshot.traits, &snapshot.names), (&None, &None));
        let json = serde_json::to_value(&snapshot).expect("serializes");
        assert!(json.get("traits").is_none() && json.get("names").is_none(), "the save's text is as before");
        let restored = Sim::restore(&snapshot).expect("restores");
        let data = restored.data();
        assert_eq!(restored.world().resource::<CharacterTraits>(), &CharacterTraits::starting(data));
        assert_eq!(restored.world().resource::<Names>(), &Names::of(&data.scenario));
    }

    #[test]
    fn changed_traits_and_names_are_saved_and_the_game_plays_on_as_if_never_stopped() {
        let mut straight = changed();
        straight.run(Some(4));
        let mut first = changed();
        first.step();
        let snapshot = first.snapshot();
        assert_eq!(snapshot.version, SAVE_VERSION, "older builds refuse it rather than lose the changes");
        assert!(snapshot.traits.is_some() && snapshot.names.is_some());
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("save.json");
        snapshot.save(&path).expect("saved");
        let mut resumed = Sim::restore(&Snapshot::load(&path).expect("loads")).expect("restores");
        let general = resumed.data().character("red_general");
        assert_eq!(resumed.world().resource::<CharacterTraits>().of(general).command, 8.0);
        assert_eq!(resumed.view().factions[0].name, "Southern Red");
        resumed.run(Some(3));
        assert_eq!(resumed.snapshot(), straight.snapshot());
    }

    #[test]
    fn a_save_with_traits_its_scenario_lacks_or_of_an_unknown_version_is_refused() {
        let mut game = changed();
        game.step();
        let mut snapshot = game.snapshot();
        if let Some(lists) = &mut snapshot.traits {
            lists[0].push(7);
        }
        let e = snapshot.static_data().expect_err("a trait the scenario lacks");
        assert_eq!(e.to_string(), "the save's traits[0][1]: trait 7, the scenario has 1");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("save.json");
        let mut future = game.snapshot();
        future.version = SAVE_VERSION + 1;
        future.save(&path).expect("saved");
        let e = Snapshot::load(&path).expect_err("a newer version");
        assert!(e.to_string().ends_with("the save is version 3; this build reads versions 1 to 2"), "{e}");
    }

    #[test]
    fn a_reset_sets_the_traits_and_names_back_to_the_scenario_s() {
        let mut game = changed();
        game.step();
        assert_eq!(game.view().factions[0].name, "Southern Red");
        game.reset(&crate::sim::SimOptions { seed: 3, ..Default::default() });
        let data = game.data();
        assert_eq!(game.world().resource::<CharacterTraits>(), &CharacterTraits::starting(data));
        assert_eq!(game.world().resource::<Names>(), &Names::of(&data.scenario));
        game.step();
        let again = game.snapshot();
        let mut fresh = changed();
        fresh.step();
        assert_eq!(again, fresh.snapshot(), "the same month as a new game's");
    }

    #[test]
    fn a_game_saved_and_continued_keeps_the_trends_of_the_game_that_went_on() {
        let armies =
            r#"Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {"infantry": 20000})"#;
        let mut straight = sim(scenario(armies, ""), 2);
        straight.run(Some(6));
        let mut first = sim(scenario(armies, ""), 2);
        first.run(Some(3));
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("save.json");
        first.snapshot().save(&path).expect("saved");
        let mut resumed = Sim::restore(&Snapshot::load(&path).expect("loads")).expect("restores");
        assert_eq!(resumed.trends(), first.trends(), "the save holds the series so far");
        resumed.run(Some(3));
        assert_eq!(resumed.trends().len(), 7);
        assert_eq!(resumed.trends(), straight.trends());
    }

    #[test]
    fn a_save_without_trends_starts_its_series_at_the_month_it_was_loaded() {
        let mut game = sim(scenario("", ""), 2);
        game.run(Some(2));
        let mut json = serde_json::to_value(game.snapshot()).expect("serializes");
        json.as_object_mut().expect("an object").remove("trends").expect("the save holds trends");
        let old: Snapshot = serde_json::from_value(json).expect("an older save still reads");
        let mut resumed = Sim::restore(&old).expect("restores");
        assert_eq!(resumed.trends().iter().map(|p| p.month).collect::<Vec<_>>(), vec![2]);
        assert_eq!(resumed.trends()[0], game.trends()[2], "the month it was loaded, as it was");
        resumed.step();
        assert_eq!(resumed.trends().iter().map(|p| p.month).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn a_save_whose_trends_do_not_fit_its_scenario_is_refused() {
        let mut game = sim(scenario("", ""), 2);
        game.step();
        let mut snapshot = game.snapshot();
        snapshot.trends.0[1].factions.pop();
        let e = snapshot.static_data().expect_err("a faction's measures missing");
        assert!(matches!(&e, SaveError::Invalid { field, .. } if field == "trends"), "{e}");
    }

    #[test]
    fn only_this_program_s_temporary_files_are_taken_for_a_writer_s() {
        assert_eq!(super::temp_pid(".jingkang-save-4194305-0.tmp"), Some(4_194_305));
        assert_eq!(super::temp_pid(".jingkang-save-12-99.tmp"), Some(12));
        for other in [".jingkang-save-notes.tmp", ".jingkang-save-12.tmp", ".jingkang-save--1.tmp", "save-12-0.tmp"] {
            assert_eq!(super::temp_pid(other), None, "{other}");
        }
        assert_eq!(super::temp_pid(".jingkang-save-99999999999-0.tmp"), None, "no pid so large");
    }

    #[test]
    fn a_rename_undone_leaves_the_names_out_of_the_save() {
        let mut game = changed();
        game.step();
        let red = game.data().faction("red");
        let back = crate::sim::Command::RenameFaction { faction: red, name: "Red".into(), plural: false };
        game.world_mut().write_message(ApplyEffect(back));
        game.step();
        assert_eq!(game.snapshot().names, None);
        assert!(game.snapshot().traits.is_some(), "the trait is still given");
    }
}
