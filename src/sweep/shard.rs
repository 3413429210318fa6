//! Sharded sweeps: the runs of one what-if sweep cut into contiguous slices that are played apart
//! (each by its own process, on the machines of a cluster, say), each slice written as a
//! *partial*, and the partials read back in run order, so that a report made from them is the
//! whole sweep's to the byte.
//!
//! A partial holds every run's summary, not sums: a figure's mean adds floating-point numbers,
//! which come to the same bits only when added in the same order, and the CSV has a row per run.
//! It is JSON lines:
//! 1. the header ([`PartialHeader`]): the format and its version, the sweep ([`SweepSpec`]), the
//!    shard and its runs;
//! 2. the scenario as loaded (its difficulty and war plans not yet resolved into its rules), so
//!    that a merge needs neither the scenario file nor the save the sweep was played from;
//! 3. one line per run of each arm (set of choices): the first arm's runs in run order, then the
//!    next arm's;
//! 4. the trailer: how many run lines there are, the seconds the shard took, and a 64-bit FNV-1a
//!    checksum of every byte before it, which finds a damaged or cut-off file.
use std::fmt;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::scenario::{Date, Difficulty, Scenario, validate_embedded};
use crate::sim::{AtomicFile, CheckStatus, FactionIx, Fall, FallCause, ProvinceIx, StaticData, Summary};

/// What a partial's header says it is.
pub const PARTIAL_FORMAT: &str = "jingkang-whatif-shard";
/// The partial format this build writes and reads.
pub const PARTIAL_VERSION: u32 = 1;

/// One slice of a sweep's runs: shard `index` of `count`, numbered from 1 (`2/3` is the second of
/// three). The slices are contiguous and cover every run once: see [`Shard::runs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice, from 1 to `count`.
    pub index: u64,
    /// How many slices the sweep is cut into.
    pub count: u64,
}

/// Why a `K/N` shard is not one.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ShardParseError {
    #[error("expected K/N, the K-th of N shards numbered from 1 (e.g. 2/3)")]
    Form,
    #[error("a sweep is cut into at least one shard")]
    NoShards,
    #[error("shards are numbered from 1: the first of {0} is 1/{0}")]
    Zero(u64),
    #[error("there is no shard {index} of {count}: they are numbered 1 to {count}")]
    PastLast { index: u64, count: u64 },
}

impl Shard {
    /// The whole sweep as one shard.
    pub const WHOLE: Self = Self { index: 1, count: 1 };

    /// A shard, checked.
    pub fn new(index: u64, count: u64) -> Result<Self, ShardParseError> {
        match (index, count) {
            (_, 0) => Err(ShardParseError::NoShards),
            (0, _) => Err(ShardParseError::Zero(count)),
            _ if index > count => Err(ShardParseError::PastLast { index, count }),
            _ => Ok(Self { index, count }),
        }
    }

    /// The runs of this shard of a sweep of `total` runs: `[(K-1)·R/N, K·R/N)`, so the shards'
    /// sizes differ by one at most and shard K+1 starts where shard K ends. A shard may be empty
    /// when there are more shards than runs.
    pub fn runs(self, total: u64) -> Range<u64> {
        // In 128 bits, since K·R may not fit in 64; the quotient is at most R, which does.
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.count.max(1))) as u64;
        at(self.index.saturating_sub(1))..at(self.index.min(self.count))
    }
}

impl FromStr for Shard {
    type Err = ShardParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (index, count) = text.split_once('/').ok_or(ShardParseError::Form)?;
        let number = |s: &str| s.parse::<u64>().map_err(|_| ShardParseError::Form);
        Self::new(number(index)?, number(count)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a sweep is, as far as its results and its report go: every shard of one sweep carries the
/// same, and a merge refuses shards that differ in any of it (the save's path apart).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// The [`RULES_FINGERPRINT`](crate::sim::RULES_FINGERPRINT) of the build that played the
    /// runs: another build may play the same seeds otherwise.
    pub rules: String,
    /// The scenario's id.
    pub scenario: String,
    /// A hash of the scenario as swept, its difficulty and war plans resolved into its rules.
    pub scenario_hash: String,
    /// `--difficulty`, if given.
    pub difficulty: Option<Difficulty>,
    /// Whether the AI follows the scenario's war plans (no `--no-war-plans`).
    pub war_plans: bool,
    /// `--from SAVE`: the saved game every run plays on from.
    pub from: Option<SweptFrom>,
    /// The whole sweep's runs (`--runs`), every shard's together.
    pub runs: u64,
    /// The base seed (`--seed`).
    pub seed: u64,
    /// `--historical`.
    pub historical: bool,
    /// `--choose`, as given.
    pub choose: Vec<String>,
    /// `--compare`.
    pub compare: bool,
    /// Each arm's label, in the order they are swept.
    pub arms: Vec<String>,
}

/// The saved game a sweep plays on from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweptFrom {
    /// The save's path as given on the command line, for the report.
    pub save: String,
    /// The month the save stands at.
    pub date: Date,
    /// The save's [`state_hash`](crate::sim::Snapshot::state_hash), which tells saves apart
    /// wherever they lie.
    pub state_hash: String,
}

impl SweepSpec {
    /// How `other` is another sweep than this one, in words; `None` when it is the same sweep.
    pub fn difference(&self, other: &Self) -> Option<String> {
        let choices = |s: &Self| {
            let choose = s.choose.join(", ");
            format!(
                "{} (--historical {}, --compare {}, --choose [{choose}])",
                s.arms.join(" -> "),
                s.historical,
                s.compare
            )
        };
        let save = |s: &Self| s.from.as_ref().map(|f| (f.date, f.state_hash.clone()));
        let named = |s: &Self| {
            s.from
                .as_ref()
                .map_or("the scenario's start".into(), |f| format!("{} of {}, state {}", f.save, f.date, f.state_hash))
        };
        let level = |s: &Self| s.difficulty.map_or("the scenario's own", |d| d.name()).to_string();
        let differences = [
            (self.rules != other.rules, "played by another build", self.rules.clone(), other.rules.clone()),
            (self.scenario != other.scenario, "of another scenario", self.scenario.clone(), other.scenario.clone()),
            (
                self.scenario_hash != other.scenario_hash,
                "of another version of the scenario",
                self.scenario_hash.clone(),
                other.scenario_hash.clone(),
            ),
            (self.difficulty != other.difficulty, "at another difficulty", level(self), level(other)),
            (
                self.war_plans != other.war_plans,
                "with and without war plans",
                self.war_plans.to_string(),
                other.war_plans.to_string(),
            ),
            (save(self) != save(other), "from another saved game", named(self), named(other)),
            (self.seed != other.seed, "from another base seed", self.seed.to_string(), other.seed.to_string()),
            (self.runs != other.runs, "of another number of runs", self.runs.to_string(), other.runs.to_string()),
            (choices(self) != choices(other), "with other choices", choices(self), choices(other)),
        ];
        if let Some((_, what, mine, theirs)) = differences.into_iter().find(|d| d.0) {
            return Some(format!("{what} ({mine} vs {theirs})"));
        }
        // Whatever else may differ (the save's path apart, which is not compared: the same save
        // may lie in another folder on another machine) differs too.
        let placed = |s: &Self| {
            let mut s = s.clone();
            if let Some(f) = &mut s.from {
                f.save.clear();
            }
            s
        };
        (placed(self) != placed(other)).then(|| "in their settings".to_string())
    }
}

/// The first line of a partial.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialHeader {
    /// [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_VERSION`] when written by this build.
    pub version: u32,
    pub shard: Shard,
    /// The first run of the shard and the one past its last, as [`Shard::runs`] gives them.
    pub first_run: u64,
    pub end_run: u64,
    /// The sweep the shard is of.
    pub sweep: SweepSpec,
}

/// The last line of a partial.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    /// Run lines before it.
    records: u64,
    /// Seconds the shard's runs took.
    elapsed_seconds: f64,
    /// FNV-1a of every byte before this line, in hex.
    checksum: String,
}

/// One run of one arm, as a partial keeps it: a [`Summary`] in full.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRecord {
    arm: usize,
    run: u64,
    winner: Option<FactionIx>,
    final_date: Date,
    owners: Vec<Option<FactionIx>>,
    first_transfers: Vec<Option<Date>>,
    checks: Vec<(CheckStatus, Option<Date>)>,
    factions: Vec<[Figure; 4]>,
    falls: Vec<FallRecord>,
}

/// A [`Fall`], as a partial keeps it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FallRecord {
    province: ProvinceIx,
    to: FactionIx,
    cause: FallCause,
    months: u32,
    date: Date,
}

/// A figure of a run, kept to the bit: a finite value as a JSON number (which this build's JSON
/// reads back exactly, the sign of a zero included), and the values JSON has no number for as
/// the strings "NaN", "inf" and "-inf".
#[derive(Clone, Copy, Debug)]
struct Figure(f64);

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            v if v.is_finite() => serializer.serialize_f64(v),
            v if v.is_nan() => serializer.serialize_str("NaN"),
            v if v > 0.0 => serializer.serialize_str("inf"),
            _ => serializer.serialize_str("-inf"),
        }
    }
}

impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Figure;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Figure, E> {
                Ok(Figure(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Figure, E> {
                Ok(Figure(v as f64))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Figure, E> {
                Ok(Figure(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Figure, E> {
                match v {
                    "NaN" => Ok(Figure(f64::NAN)),
                    "inf" => Ok(Figure(f64::INFINITY)),
                    "-inf" => Ok(Figure(f64::NEG_INFINITY)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl RunRecord {
    fn of(arm: usize, run: u64, s: &Summary) -> Self {
        Self {
            arm,
            run,
            winner: s.winner,
            final_date: s.final_date,
            owners: s.owners.clone(),
            first_transfers: s.first_transfers.clone(),
            checks: s.checks.clone(),
            factions: s.factions.iter().map(|f| f.map(Figure)).collect(),
            falls: s
                .falls
                .iter()
                .map(|f| FallRecord { province: f.province, to: f.to, cause: f.cause, months: f.months, date: f.date })
                .collect(),
        }
    }

    /// The summary, if every table has the scenario's size and every index is in range (a
    /// report indexes tables with them).
    fn into_summary(self, data: &StaticData) -> Result<Summary, String> {
        let s = &data.scenario;
        let (factions, provinces) = (s.factions.len(), s.provinces.len());
        let sizes = [
            ("owners", self.owners.len(), provinces),
            ("first transfers", self.first_transfers.len(), provinces),
            ("history checks", self.checks.len(), s.history.len()),
            ("factions", self.factions.len(), factions),
        ];
        for (what, found, expected) in sizes {
            if found != expected {
                return Err(format!("run {} has {found} {what}, the scenario {expected}", self.run));
            }
        }
        let faction_ok = |f: &FactionIx| f.get() < factions;
        let in_range = self.winner.iter().all(faction_ok)
            && self.owners.iter().flatten().all(faction_ok)
            && self.falls.iter().all(|f| faction_ok(&f.to) && f.province.get() < provinces);
        if !in_range {
            return Err(format!("run {} names a faction or province the scenario does not have", self.run));
        }
        Ok(Summary {
            winner: self.winner,
            final_date: self.final_date,
            owners: self.owners,
            first_transfers: self.first_transfers,
            checks: self.checks,
            factions: self.factions.into_iter().map(|f| f.map(|v| v.0)).collect(),
            falls: self
                .falls
                .into_iter()
                .map(|f| Fall { province: f.province, to: f.to, cause: f.cause, months: f.months, date: f.date })
                .collect(),
        })
    }
}

/// Why a partial cannot be written or merged. Each names the file at fault.
#[derive(Debug, Error)]
pub enum PartialError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}: not a partial sweep result (`jingkang whatif --shard K/N --out FILE` writes them)")]
    NotAPartial(String),
    #[error(
        "{path}: a partial of format version {found}; this build reads version {PARTIAL_VERSION}: merge it with the build that wrote it"
    )]
    Version { path: String, found: u64 },
    #[error("{path}: damaged: {why}")]
    Damaged { path: String, why: String },
    #[error("{path} and {other} are shards of different sweeps: {what}")]
    OtherSweep { path: String, other: String, what: String },
    #[error("{path} is shard {shard} but {other} is shard {other_shard}: the shards of one sweep are of one count")]
    OtherCount { path: String, shard: Shard, other: String, other_shard: Shard },
    #[error("{path} and {other} are both shard {shard}")]
    Duplicate { path: String, other: String, shard: Shard },
    #[error("missing shard{} {} (of {count}): merge needs every shard of the sweep once", if .missing.len() == 1 { "" } else { "s" }, list(.missing))]
    Missing { missing: Vec<u64>, count: u64 },
    #[error("no partial results to merge")]
    NoPartials,
    #[error("{path}: its scenario cannot be played again: {why}")]
    Scenario { path: String, why: String },
}

/// `1, 2, 5`.
fn list(numbers: &[u64]) -> String {
    numbers.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

/// A writer that hashes (64-bit FNV-1a) every byte it passes on.
struct Hashing<W> {
    inner: W,
    hash: u64,
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_add(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hash = fnv_add(self.hash, &bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A hash of `scenario`'s JSON, in hex: the identity of a scenario as swept.
pub fn scenario_hash(scenario: &Scenario) -> String {
    let mut hashing = Hashing { inner: std::io::sink(), hash: FNV_START };
    // A scenario is plain data and always serializes; were it ever not to, the hash of what was
    // written stands, and the merge's check of the rebuilt scenario refuses it.
    let _ = serde_json::to_writer(&mut hashing, scenario);
    format!("{:016x}", hashing.hash)
}

/// A partial being written, run by run, in the order the sweep plays them: it is put in place
/// atomically by [`PartialWriter::finish`], and not at all on an error.
pub struct PartialWriter {
    path: PathBuf,
    out: Hashing<BufWriter<AtomicFile>>,
    header: PartialHeader,
    records: u64,
}

impl PartialWriter {
    /// Starts the partial of `shard` of `sweep` at `path`; `scenario` is the scenario as loaded.
    pub fn create(path: &Path, sweep: &SweepSpec, shard: Shard, scenario: &Scenario) -> Result<Self, PartialError> {
        let runs = shard.runs(sweep.runs);
        let header = PartialHeader {
            format: PARTIAL_FORMAT.into(),
            version: PARTIAL_VERSION,
            shard,
            first_run: runs.start,
            end_run: runs.end,
            sweep: sweep.clone(),
        };
        let file = AtomicFile::create(path).map_err(|e| io_error(path, &e))?;
        let mut w = Self {
            path: path.to_path_buf(),
            out: Hashing { inner: BufWriter::new(file), hash: FNV_START },
            header,
            records: 0,
        };
        w.line(&w.header.clone())?;
        w.line(scenario)?;
        Ok(w)
    }

    fn line(&mut self, value: &impl Serialize) -> Result<(), PartialError> {
        serde_json::to_writer(&mut self.out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| io_error(&self.path, &e))
    }

    /// Writes run `run` of arm `arm`: the runs must come in the order the sweep plays them.
    pub fn add(&mut self, arm: usize, run: u64, summary: &Summary) -> Result<(), PartialError> {
        let (arm_expected, run_expected) = expected(&self.header, self.records);
        if (arm, run) != (arm_expected, run_expected) {
            return Err(PartialError::Io {
                path: self.path.display().to_string(),
                message: format!("arm {arm} run {run} written where arm {arm_expected} run {run_expected} belongs"),
            });
        }
        self.line(&RunRecord::of(arm, run, summary))?;
        self.records += 1;
        Ok(())
    }

    /// Closes the partial with its trailer and puts it in place. `elapsed_seconds` is the time
    /// the shard's runs took.
    pub fn finish(mut self, elapsed_seconds: f64) -> Result<(), PartialError> {
        let total = records_in(&self.header);
        if self.records != total {
            return Err(PartialError::Io {
                path: self.path.display().to_string(),
                message: format!("{} of its {total} runs written", self.records),
            });
        }
        let trailer = Trailer { records: self.records, elapsed_seconds, checksum: format!("{:016x}", self.out.hash) };
        self.line(&trailer)?;
        let path = self.path;
        let file = self.out.inner.into_inner().map_err(|e| io_error(&path, e.error()))?;
        file.commit().map_err(|e| io_error(&path, &e))
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> PartialError {
    PartialError::Io { path: path.display().to_string(), message: e.to_string() }
}

/// How many run lines a partial with `header` holds: each arm's runs of the shard.
fn records_in(header: &PartialHeader) -> u64 {
    (header.end_run - header.first_run).saturating_mul(header.sweep.arms.len() as u64)
}

/// The arm and run of the `i`-th run line of a partial with `header`.
fn expected(header: &PartialHeader, i: u64) -> (usize, u64) {
    let len = (header.end_run - header.first_run).max(1);
    ((i / len) as usize, header.first_run + i % len)
}

/// A partial, its header read.
#[derive(Debug)]
pub struct Partial {
    /// Where it was read from.
    pub path: PathBuf,
    pub header: PartialHeader,
}

impl Partial {
    /// Reads the header of the partial at `path`, refusing a file that is not a partial or one
    /// of another format version.
    pub fn open(path: &Path) -> Result<Self, PartialError> {
        let shown = path.display().to_string();
        let mut lines = Lines::open(path)?;
        let first = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) | Err(PartialError::Damaged { .. }) => return Err(PartialError::NotAPartial(shown)),
            Err(e) => return Err(e),
        };
        let value: serde_json::Value =
            serde_json::from_str(&first).map_err(|_| PartialError::NotAPartial(shown.clone()))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(PARTIAL_FORMAT) {
            return Err(PartialError::NotAPartial(shown));
        }
        let found = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if found != u64::from(PARTIAL_VERSION) {
            return Err(PartialError::Version { path: shown, found });
        }
        let header: PartialHeader = serde_json::from_value(value)
            .map_err(|e| PartialError::Damaged { path: shown.clone(), why: format!("its header: {e}") })?;
        let shard = Shard::new(header.shard.index, header.shard.count)
            .map_err(|e| PartialError::Damaged { path: shown.clone(), why: format!("its shard: {e}") })?;
        let runs = shard.runs(header.sweep.runs);
        if (header.first_run, header.end_run) != (runs.start, runs.end) || header.sweep.arms.is_empty() {
            let why = format!("shard {shard} of {} runs holds runs {}..{}", header.sweep.runs, runs.start, runs.end);
            return Err(PartialError::Damaged { path: shown, why });
        }
        Ok(Self { path: path.to_path_buf(), header })
    }

    fn damaged(&self, why: impl Into<String>) -> PartialError {
        PartialError::Damaged { path: self.path.display().to_string(), why: why.into() }
    }

    /// The scenario the partial carries.
    fn scenario(&self) -> Result<Scenario, PartialError> {
        let mut lines = Lines::open(&self.path)?;
        lines.next_line()?;
        let text = lines.next_line()?.ok_or_else(|| self.damaged("it ends after its header"))?;
        serde_json::from_str(&text).map_err(|e| self.damaged(format!("its scenario: {e}")))
    }

    /// Reads the whole partial, checking it, and hands each run of arm `arm` (or of every arm
    /// when `None`) to `each` in order; returns the seconds the shard took. A damaged partial is
    /// an error, found by the end of the file at the latest.
    fn read(
        &self,
        data: &StaticData,
        arm: Option<usize>,
        mut each: impl FnMut(usize, u64, &Summary),
    ) -> Result<f64, PartialError> {
        let mut lines = Lines::open(&self.path)?;
        for _ in 0..2 {
            lines.next_line()?;
        }
        let total = records_in(&self.header);
        let cut = |done: u64| self.damaged(format!("cut off after {done} of its {total} runs"));
        for i in 0..total {
            let line = lines.next_line()?.ok_or_else(|| cut(i))?;
            let record: RunRecord = serde_json::from_str(&line).map_err(|e| {
                if lines.ended_early { cut(i) } else { self.damaged(format!("run line {}: {e}", i + 1)) }
            })?;
            let (arm_expected, run_expected) = expected(&self.header, i);
            if (record.arm, record.run) != (arm_expected, run_expected) {
                let why = format!(
                    "arm {} run {} where arm {arm_expected} run {run_expected} belongs",
                    record.arm, record.run
                );
                return Err(self.damaged(why));
            }
            let summary = record.into_summary(data).map_err(|why| self.damaged(why))?;
            if arm.is_none_or(|a| a == arm_expected) {
                each(arm_expected, run_expected, &summary);
            }
        }
        let hash = lines.hash;
        let line = lines.next_line()?.ok_or_else(|| cut(total))?;
        let trailer: Trailer = serde_json::from_str(&line).map_err(|_| {
            if lines.ended_early {
                self.damaged("cut off in its last line")
            } else {
                self.damaged(format!("more run lines than its {total} runs, or a damaged last line"))
            }
        })?;
        if trailer.records != total {
            return Err(self.damaged(format!("its trailer counts {} runs, its header {total}", trailer.records)));
        }
        if trailer.checksum != format!("{hash:016x}") {
            return Err(self.damaged("its checksum does not match its contents"));
        }
        if lines.next_line()?.is_some() {
            return Err(self.damaged("it goes on past its trailer"));
        }
        Ok(trailer.elapsed_seconds)
    }
}

/// A partial's lines, hashed as they are read (the hash covers every line handed out).
struct Lines {
    path: PathBuf,
    reader: BufReader<std::fs::File>,
    hash: u64,
    /// Whether the last line handed out ended the file without its newline: every line a
    /// partial is written with has one, so the file was cut off there.
    ended_early: bool,
}

impl Lines {
    fn open(path: &Path) -> Result<Self, PartialError> {
        let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
        Ok(Self { path: path.to_path_buf(), reader: BufReader::new(file), hash: FNV_START, ended_early: false })
    }

    /// The next line without its newline; `None` at the end of the file. A last line without a
    /// newline is handed out as it is (see `ended_early`).
    fn next_line(&mut self) -> Result<Option<String>, PartialError> {
        let mut bytes = Vec::new();
        let n = self.reader.read_until(b'\n', &mut bytes).map_err(|e| io_error(&self.path, &e))?;
        if n == 0 {
            return Ok(None);
        }
        self.hash = fnv_add(self.hash, &bytes);
        self.ended_early = bytes.last() != Some(&b'\n');
        if !self.ended_early {
            bytes.pop();
        }
        String::from_utf8(bytes).map(Some).map_err(|_| PartialError::Damaged {
            path: self.path.display().to_string(),
            why: "a line of it is not text".into(),
        })
    }
}

/// The partials of every shard of one sweep, checked and in shard order, with the scenario played
/// again from them.
pub struct ShardSet {
    partials: Vec<Partial>,
    data: StaticData,
    elapsed: f64,
}

impl ShardSet {
    /// Opens the partials at `paths` (in any order) and checks them: all of one sweep, every shard
    /// there once, every file whole.
    pub fn open(paths: &[PathBuf]) -> Result<Self, PartialError> {
        let mut partials = paths.iter().map(|p| Partial::open(p)).collect::<Result<Vec<_>, _>>()?;
        let Some(first) = partials.first() else {
            return Err(PartialError::NoPartials);
        };
        let shown = |p: &Partial| p.path.display().to_string();
        for other in &partials[1..] {
            if let Some(what) = first.header.sweep.difference(&other.header.sweep) {
                return Err(PartialError::OtherSweep { path: shown(first), other: shown(other), what });
            }
            if other.header.shard.count != first.header.shard.count {
                return Err(PartialError::OtherCount {
                    path: shown(other),
                    shard: other.header.shard,
                    other: shown(first),
                    other_shard: first.header.shard,
                });
            }
        }
        // A stable sort: of two copies of one shard, the one named first is named first.
        partials.sort_by_key(|p| p.header.shard.index);
        for pair in partials.windows(2) {
            if pair[0].header.shard == pair[1].header.shard {
                return Err(PartialError::Duplicate {
                    path: shown(&pair[0]),
                    other: shown(&pair[1]),
                    shard: pair[0].header.shard,
                });
            }
        }
        let count = partials[0].header.shard.count;
        let present: Vec<u64> = partials.iter().map(|p| p.header.shard.index).collect();
        let missing: Vec<u64> = (1..=count).filter(|k| !present.contains(k)).collect();
        if !missing.is_empty() {
            return Err(PartialError::Missing { missing, count });
        }
        let data = rebuild(&partials[0])?;
        let mut elapsed = 0.0;
        for partial in &partials {
            elapsed += partial.read(&data, None, |_, _, _| {})?;
        }
        Ok(Self { partials, data, elapsed })
    }

    /// The sweep the shards are of (the save's path as the first shard was given it).
    pub fn sweep(&self) -> &SweepSpec {
        &self.partials[0].header.sweep
    }

    /// The scenario swept, as the sweep played it.
    pub fn data(&self) -> &StaticData {
        &self.data
    }

    /// The seconds the shards' runs took, added up.
    pub fn elapsed(&self) -> f64 {
        self.elapsed
    }

    /// Hands every run to `each` as the whole sweep would: each arm's runs in run order, the
    /// first arm's first.
    pub fn runs(&self, mut each: impl FnMut(usize, u64, &Summary)) -> Result<(), PartialError> {
        for arm in 0..self.sweep().arms.len() {
            for partial in &self.partials {
                partial.read(&self.data, Some(arm), &mut each)?;
            }
        }
        Ok(())
    }
}

/// The scenario of `partial` built as the sweep built it, checked to be the very one swept.
fn rebuild(partial: &Partial) -> Result<StaticData, PartialError> {
    let sweep = &partial.header.sweep;
    let shown = partial.path.display().to_string();
    let scenario = partial.scenario()?;
    let valid = validate_embedded(scenario, &shown).map_err(|e| PartialError::Scenario {
        path: shown.clone(),
        why: e.0.first().map(ToString::to_string).unwrap_or_default(),
    })?;
    // A sweep from a save plays the save's scenario as it is (`--difficulty` and `--no-war-plans`
    // are refused with `--from`), which is the same call with no difficulty and war plans on.
    let data = StaticData::configured(&valid, sweep.difficulty, sweep.war_plans);
    if scenario_hash(&data.scenario) != sweep.scenario_hash || data.scenario.id != sweep.scenario {
        return Err(PartialError::Scenario {
            path: shown,
            why: "it does not come out as the scenario the runs were played on".into(),
        });
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_parsed_and_checked() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!("1/1".parse(), Ok(Shard::WHOLE));
        assert_eq!("0/3".parse::<Shard>(), Err(ShardParseError::Zero(3)));
        assert_eq!("4/3".parse::<Shard>(), Err(ShardParseError::PastLast { index: 4, count: 3 }));
        assert_eq!("1/0".parse::<Shard>(), Err(ShardParseError::NoShards));
        for bad in ["", "2", "2/", "/3", "a/3", "2/b", "-1/3", "2/3/4", " 2/3", "2.0/3"] {
            assert_eq!(bad.parse::<Shard>(), Err(ShardParseError::Form), "{bad:?}");
        }
        assert_eq!(Shard { index: 2, count: 3 }.to_string(), "2/3");
    }

    #[test]
    fn the_slices_cover_every_run_once_in_order() {
        for total in [0, 1, 2, 7, 100, 1001] {
            for count in 1..=9 {
                let mut next = 0;
                for index in 1..=count {
                    let runs = Shard { index, count }.runs(total);
                    assert_eq!(runs.start, next, "{index}/{count} of {total}");
                    assert!(runs.end - runs.start <= total.div_ceil(count));
                    next = runs.end;
                }
                assert_eq!(next, total);
            }
        }
        assert_eq!(Shard { index: 3, count: 3 }.runs(u64::MAX), u64::MAX / 3 * 2..u64::MAX);
    }

    #[test]
    fn figures_come_back_to_the_bit() {
        for v in [0.0, -0.0, 1.5, -40_000.0, 1e300, f64::MIN_POSITIVE, 0.1 + 0.2, f64::INFINITY, f64::NEG_INFINITY] {
            let text = serde_json::to_string(&Figure(v)).expect("serializes");
            let back: Figure = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back.0.to_bits(), v.to_bits(), "{v} as {text}");
        }
        let nan: Figure = serde_json::from_str(&serde_json::to_string(&Figure(f64::NAN)).expect("NaN")).expect("back");
        assert!(nan.0.is_nan());
        assert!(serde_json::from_str::<Figure>("\"many\"").is_err());
    }

    fn spec() -> SweepSpec {
        SweepSpec {
            rules: "0.1.0+x".into(),
            scenario: "jingkang".into(),
            scenario_hash: "00ff".into(),
            difficulty: None,
            war_plans: true,
            from: Some(SweptFrom { save: "a/mid.json".into(), date: Date::new(1126, 1), state_hash: "12".into() }),
            runs: 100,
            seed: 1,
            historical: false,
            choose: Vec::new(),
            compare: false,
            arms: vec!["AI choices".into()],
        }
    }

    #[test]
    fn sweeps_differ_by_what_changes_their_runs_not_by_where_the_save_lies() {
        let a = spec();
        let mut moved = a.clone();
        moved.from.as_mut().expect("from a save").save = "/elsewhere/mid.json".into();
        assert_eq!(a.difference(&moved), None);
        let mut seed = a.clone();
        seed.seed = 2;
        assert_eq!(a.difference(&seed).as_deref(), Some("from another base seed (1 vs 2)"));
        let mut save = a.clone();
        save.from.as_mut().expect("from a save").state_hash = "13".into();
        assert_eq!(
            a.difference(&save).as_deref(),
            Some("from another saved game (a/mid.json of 1126-01, state 12 vs a/mid.json of 1126-01, state 13)")
        );
        let mut choices = a.clone();
        choices.compare = true;
        assert!(a.difference(&choices).is_some_and(|d| d.starts_with("with other choices")));
        let mut hard = a.clone();
        hard.difficulty = Some(Difficulty::Hard);
        assert_eq!(a.difference(&hard).as_deref(), Some("at another difficulty (the scenario's own vs hard)"));
    }
}
