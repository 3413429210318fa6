//! Typed scenario errors, each carrying the file, line, column and field path it is about.
use std::cell::Cell;
use std::fmt;

use thiserror::Error;

/// One problem found in a scenario, at a precise place.
///
/// Displays as `FILE:LINE:COLUMN: PATH: MESSAGE`, e.g.
/// `scenarios/x.ron:41:17: armies[3].location: unknown province "yanjng" (did you mean "yanjing"?)`.
#[derive(Clone, Debug, PartialEq, Error)]
pub struct ScenarioError {
    /// The file as the user named it (or `scenarios/ID.ron` for a built-in scenario).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Field path inside the file, e.g. `armies[3].location`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.kind)
    }
}

/// Every way a scenario can be wrong.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ErrorKind {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is {size} bytes; a scenario file may be at most {limit} bytes")]
    FileTooLarge { size: u64, limit: u64 },
    #[error("{message}{}", suggest(.suggestion))]
    Syntax { message: String, suggestion: Option<String> },
    #[error("format_version {found} is not supported: this build reads version {supported}")]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error("invalid id \"{0}\": ids are 1 to 64 lowercase letters, digits and underscores, starting with a letter")]
    InvalidId(String),
    #[error("duplicate {what} id \"{id}\" (first defined at {first})")]
    DuplicateId { what: &'static str, id: String, first: String },
    #[error("army id \"{id}\" is taken by the levy of province \"{province}\" (its levies' army); choose another")]
    LevyId { id: String, province: String },
    #[error("unknown {what} \"{id}\"{}", suggest(.suggestion))]
    UnknownReference { what: &'static str, id: String, suggestion: Option<String> },
    #[error("unknown flag \"{flag}\": no effect sets it{}", suggest(.suggestion))]
    UnknownFlag { flag: String, suggestion: Option<String> },
    #[error("event \"{event}\" has no option \"{option}\"{}", suggest(.suggestion))]
    UnknownOption { event: String, option: String, suggestion: Option<String> },
    #[error("must not be negative (found {0})")]
    Negative(String),
    #[error("{value} is out of range: expected {min} to {max}")]
    OutOfRange { value: String, min: String, max: String },
    #[error("{0} is not a finite number")]
    NotFinite(String),
    #[error("invalid date {0}: the month must be 1 to 12 and the year within -3000 to 3000")]
    InvalidDate(String),
    #[error("the scenario must start before it ends (start {start}, end {end})")]
    StartNotBeforeEnd { start: String, end: String },
    #[error("{date} is outside the scenario ({start} to {end})")]
    DateOutsideScenario { date: String, start: String, end: String },
    #[error("capital \"{capital}\" is {}, not by \"{faction}\" (a faction without land declares `capital: None`)", owned_by(.owner))]
    CapitalNotOwned { capital: String, faction: String, owner: Option<String> },
    #[error("{who} \"{character}\" serves {}, not \"{faction}\"", serving(.serves))]
    WrongAllegiance { who: &'static str, character: String, faction: String, serves: Option<String> },
    #[error("{character} \"{id}\" is not active; activate him with an event first or set `active: true`")]
    InactiveCharacter { character: &'static str, id: String },
    #[error("a connection must join two different provinces (both ends are \"{0}\")")]
    SelfConnection(String),
    #[error("provinces \"{a}\" and \"{b}\" are already connected (at {first})")]
    DuplicateConnection { a: String, b: String, first: String },
    #[error("the relation between \"{a}\" and \"{b}\" is already given (at {first})")]
    DuplicateRelation { a: String, b: String, first: String },
    #[error("a faction cannot have a relation with itself (\"{0}\")")]
    SelfRelation(String),
    #[error("{0}")]
    Empty(&'static str),
    #[error("{count} options are marked historical ({ids}); at most one may be")]
    TooManyHistorical { count: usize, ids: String },
    #[error("invalid native_name {name:?}: {reason}")]
    InvalidNativeName { name: String, reason: &'static str },
    #[error("invalid colour \"{0}\": expected \"#rrggbb\", e.g. \"#c0392b\"")]
    InvalidColour(String),
    #[error("{what} needs at least {needed} points (found {found})")]
    TooFewPoints { what: &'static str, needed: usize, found: usize },
    #[error("{what} ({lon}, {lat}) lies outside {outline}")]
    Outside { what: &'static str, lon: f64, lat: f64, outline: String },
    #[error("{0}")]
    NotAllowed(String),
    #[error("include \"{0}\" leaves the scenario's folder; includes must stay inside it")]
    IncludeEscapes(String),
    #[error("include \"{include}\" cannot be read: {reason}")]
    IncludeNotFound { include: String, reason: String },
    #[error("include \"{0}\" includes itself (through {1})")]
    IncludeCycle(String, String),
    #[error("include \"{0}\" is nested too deeply (at most {1} levels)")]
    IncludeTooDeep(String, usize),
    #[error(
        "include \"{include}\" would bring the scenario and its includes to {total} bytes; together they may hold at most {limit} bytes"
    )]
    IncludesTooLarge { include: String, total: u64, limit: u64 },
    #[error(
        "values are nested too deeply: brackets `(`, `[` and `{{` may nest at most {0} levels, the outermost bracket of the file counting as the first"
    )]
    NestedTooDeeply(usize),
    #[error("{what} has {count} entries; at most {limit} are allowed")]
    TooMany { what: &'static str, count: usize, limit: usize },
}

fn suggest(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean \"{s}\"?)"),
        None => String::new(),
    }
}

fn owned_by(owner: &Option<String>) -> String {
    match owner {
        Some(o) => format!("owned by \"{o}\""),
        None => "unowned".to_string(),
    }
}

fn serving(serves: &Option<String>) -> String {
    match serves {
        Some(s) => format!("\"{s}\""),
        None => "nobody".to_string(),
    }
}

/// All the problems of one load, in file order.
#[derive(Clone, Debug, PartialEq, Error)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Ids longer than this get no suggestion: a typo is made in a name someone typed, and comparing
/// two names costs the product of their lengths.
pub const MAX_SUGGESTED_LEN: usize = 64;

/// The work all suggestions of one load may take on one thread, in candidates looked at plus cells
/// of the distance tables computed: about a second, whatever the number of unknown ids and of
/// candidates (10,000 unknown flags among 10,000 known ones would otherwise take minutes). Later
/// unknown ids get no suggestion.
pub const SUGGESTION_WORK: u64 = 1 << 27;

thread_local! {
    /// What is left of [`SUGGESTION_WORK`] on this thread.
    static WORK_LEFT: Cell<u64> = const { Cell::new(SUGGESTION_WORK) };
}

/// Gives suggestions their whole allowance again: every load starts with it.
pub(crate) fn reset_suggestion_work() {
    WORK_LEFT.set(SUGGESTION_WORK);
}

/// Takes `work` from what is left; false (and nothing taken) if not enough is left.
fn spend(work: u64) -> bool {
    let left = WORK_LEFT.get();
    if left < work {
        WORK_LEFT.set(0);
        return false;
    }
    WORK_LEFT.set(left - work);
    true
}

/// The closest candidate to `wanted`, if any is close enough to be a likely typo.
///
/// Bounded: nothing is suggested for an id longer than [`MAX_SUGGESTED_LEN`] characters, a
/// candidate whose length differs by more than the distance allowed is passed over before any
/// distance is computed, and all the suggestions of a load share [`SUGGESTION_WORK`].
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    if wanted.chars().nth(MAX_SUGGESTED_LEN).is_some() {
        return None;
    }
    let length = wanted.chars().count();
    let limit = (length / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        // Looking at a candidate's length costs up to (length + limit) * 4 bytes.
        let looked_at = candidate.len().min(4 * (length + limit) + 1) as u64;
        if !spend(1 + looked_at) {
            break;
        }
        if candidate.len() > 4 * (length + limit) {
            continue;
        }
        let candidate_length = candidate.chars().count();
        if candidate_length.abs_diff(length) > limit {
            continue;
        }
        if !spend(((length + 2) * (candidate_length + 2)) as u64) {
            break;
        }
        let distance = strsim::damerau_levenshtein(wanted, candidate);
        if distance <= limit && best.is_none_or(|b| (distance, candidate) < b) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_line_column_path_and_suggestion() {
        let e = ScenarioError {
            file: "scenarios/x.ron".into(),
            line: 41,
            column: 17,
            path: "armies[3].location".into(),
            kind: ErrorKind::UnknownReference {
                what: "province",
                id: "yanjng".into(),
                suggestion: closest("yanjng", ["kaifeng", "yanjing", "taiyuan"]),
            },
        };
        assert_eq!(
            e.to_string(),
            "scenarios/x.ron:41:17: armies[3].location: unknown province \"yanjng\" (did you mean \"yanjing\"?)"
        );
    }

    #[test]
    fn suggests_nothing_for_an_id_too_long_to_be_a_typo() {
        reset_suggestion_work();
        let known = "a".repeat(MAX_SUGGESTED_LEN + 1);
        let typo = format!("{}b", "a".repeat(MAX_SUGGESTED_LEN));
        assert_eq!(closest(&typo, [known.as_str()]), None);
        assert_eq!(closest(&typo[1..], [&known[1..]]), Some(known[1..].to_string()));
    }

    #[test]
    fn suggestions_share_a_bounded_amount_of_work() {
        let candidates: Vec<String> = (0..10_000).map(|i| format!("flag_{i:05}")).collect();
        let ask = || closest("flxg_00000", candidates.iter().map(String::as_str));
        reset_suggestion_work();
        let mut answered = 0u64;
        while ask().is_some() {
            answered += 1;
            assert!(answered < 10_000, "the work is not bounded");
        }
        // Each full search looks at 10,000 candidates and fills a 12 by 12 table for each.
        assert!(answered <= SUGGESTION_WORK / (10_000 * 145) + 1, "{answered} searches");
        assert!(answered >= 1);
        reset_suggestion_work();
        assert_eq!(ask(), Some("flag_00000".to_string()));
    }

    #[test]
    fn suggests_nothing_for_a_distant_name() {
        assert_eq!(closest("hangzhou", ["kaifeng", "yanjing"]), None);
    }
}
