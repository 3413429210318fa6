//! Reading scenario files (from disk or built into the game) and merging their includes.
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};
use ron::extensions::Extensions;
use serde::de::DeserializeOwned;

use super::error::{ErrorKind, ScenarioError, ScenarioErrors, closest, reset_suggestion_work};
use super::model::{Fragment, Scenario};
use super::source_map::{Position, SourceMap, nesting_beyond};

/// The scenarios shipped with the game, built into the binary.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scenarios");

/// The largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The most bytes a scenario and all its includes may hold together: a file included many times
/// under different names (hard links) must not add up to gigabytes.
pub const MAX_TOTAL_BYTES: u64 = 32 * 1024 * 1024;
/// How deeply includes may nest.
pub const MAX_INCLUDE_DEPTH: usize = 8;
/// How deeply brackets `(`, `[`, `{` may nest in a file, the outermost counting as the first.
pub const MAX_NESTING: usize = 64;
/// The parser's own limit, which counts every value, field and variant (a `Not(...)` is two): set
/// above anything [`MAX_NESTING`] brackets can reach (at most three per bracket), it only guards
/// the stack, and [`MAX_NESTING`] is the limit users meet.
const PARSER_RECURSION_LIMIT: usize = 4 * MAX_NESTING + 16;
/// How deeply a scenario already in memory is written out again: its depth was bounded when it
/// was read (from a scenario file or a save).
const WRITE_RECURSION_LIMIT: usize = 1024;
/// The byte order mark some editors put at the start of a UTF-8 file; it is not part of the text.
const BYTE_ORDER_MARK: char = '\u{FEFF}';

/// A file that took part in a load.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name used in messages.
    pub display: String,
    /// Where it was read from.
    pub path: PathBuf,
    pub text: String,
    pub map: SourceMap,
}

/// Where an item of a merged list came from: which file, and its index in that file's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub index: usize,
}

/// A scenario merged from its files, with where every item came from; not yet validated.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    /// The main file first, then includes in the order they were read.
    pub files: Vec<SourceFile>,
    origins: BTreeMap<&'static str, Vec<Origin>>,
    /// Problems met while reading includes; validation reports them with its own.
    pub include_errors: Vec<ScenarioError>,
}

impl Loaded {
    /// Where item `index` of list `section` (e.g. "armies") was written.
    pub fn origin(&self, section: &str, index: usize) -> Origin {
        self.origins.get(section).and_then(|o| o.get(index)).copied().unwrap_or(Origin { file: 0, index })
    }

    /// An error at `path` inside file `file`.
    pub fn error_in_file(&self, file: usize, path: String, kind: ErrorKind) -> ScenarioError {
        let source = &self.files[file];
        let Position { line, column } = source.map.locate(&path);
        ScenarioError { file: source.display.clone(), line, column, path, kind }
    }

    /// An error at `rest` (e.g. `.location`) inside item `index` of list `section`.
    pub fn error_at(&self, section: &str, index: usize, rest: &str, kind: ErrorKind) -> ScenarioError {
        let origin = self.origin(section, index);
        self.error_in_file(origin.file, format!("{section}[{}]{rest}", origin.index), kind)
    }

    /// "file:line:col" of item `index` of list `section` plus `rest`.
    pub fn place(&self, section: &str, index: usize, rest: &str) -> String {
        let e = self.error_at(section, index, rest, ErrorKind::Empty(""));
        format!("{}:{}:{}", e.file, e.line, e.column)
    }
}

impl Loaded {
    /// A scenario that is already merged (e.g. embedded in a save), shown as `display`; its
    /// includes are not read again.
    pub fn from_merged(scenario: Scenario, display: &str) -> Self {
        reset_suggestion_work();
        let pretty = ron::ser::PrettyConfig::default();
        let options = ron::Options::default().with_recursion_limit(WRITE_RECURSION_LIMIT);
        let text = options.to_string_pretty(&scenario, pretty).unwrap_or_default();
        let main = source_file(display.to_string(), Path::new(display), text);
        let mut loaded = Loaded { scenario, files: vec![main], origins: BTreeMap::new(), include_errors: Vec::new() };
        record_own_origins(&mut loaded);
        loaded
    }
}

/// A scenario named on the command line: a built-in id or a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioRef {
    Builtin(String),
    File(PathBuf),
}

impl ScenarioRef {
    /// A built-in id when `arg` names one and is not an existing file; a path otherwise.
    pub fn parse(arg: &str) -> Self {
        let looks_like_id = !arg.contains(['/', '\\', '.']);
        if looks_like_id && !Path::new(arg).exists() {
            Self::Builtin(arg.to_string())
        } else {
            Self::File(PathBuf::from(arg))
        }
    }
}

/// A built-in scenario's id and its text, for listing.
#[derive(Clone, Debug)]
pub struct BuiltinScenario {
    pub id: String,
    pub path: PathBuf,
}

/// The scenarios shipped with the game (top-level `.ron` files of `scenarios/`), sorted by id.
pub fn builtin_scenarios() -> Vec<BuiltinScenario> {
    let mut list: Vec<BuiltinScenario> = BUILTIN
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "ron"))
        .filter_map(|f| {
            let id = f.path().file_stem()?.to_str()?.to_string();
            Some(BuiltinScenario { id, path: f.path().to_path_buf() })
        })
        .collect();
    list.sort_by(|a, b| a.id.cmp(&b.id));
    list
}

/// Reads a scenario and its includes. Fails with one error if the main file cannot be read or
/// parsed; errors in includes are kept in [`Loaded::include_errors`].
pub fn load(scenario: &ScenarioRef) -> Result<Loaded, ScenarioErrors> {
    reset_suggestion_work();
    let files: Box<dyn Files> = match scenario {
        ScenarioRef::Builtin(id) => {
            let path = PathBuf::from(format!("{id}.ron"));
            if BUILTIN.get_file(&path).is_none() {
                let ids: Vec<String> = builtin_scenarios().into_iter().map(|b| b.id).collect();
                let kind = ErrorKind::UnknownReference {
                    what: "built-in scenario",
                    id: id.clone(),
                    suggestion: closest(id, ids.iter().map(String::as_str)),
                };
                return Err(whole_file_error(id, kind));
            }
            Box::new(Embedded)
        }
        ScenarioRef::File(_) => Box::new(Disk),
    };
    let main_path = match scenario {
        ScenarioRef::Builtin(id) => PathBuf::from(format!("{id}.ron")),
        ScenarioRef::File(p) => p.clone(),
    };
    let (main, main_bytes) = files.read(&main_path, MAX_FILE_BYTES).map_err(|e| {
        let kind = match e {
            Unread::Refused(kind) => kind,
            // The main file alone is within the total.
            Unread::OverBudget { size } => ErrorKind::FileTooLarge { size, limit: MAX_FILE_BYTES },
        };
        whole_file_error(&files.display(&main_path), kind)
    })?;
    let scenario: Scenario = parse(&main.text, &main.display).map_err(|e| ScenarioErrors(vec![e]))?;
    let root = main_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = Loaded { scenario, files: vec![main], origins: BTreeMap::new(), include_errors: Vec::new() };
    record_own_origins(&mut loaded);
    let includes = loaded.scenario.includes.clone();
    let mut reading = Reading {
        files: files.as_ref(),
        root,
        stack: vec![main_path.clone()],
        read: HashMap::from([(main_path.clone(), 0)]),
        bytes: main_bytes,
    };
    reading.includes(&main_path, 0, &includes, &mut loaded);
    Ok(loaded)
}

fn whole_file_error(file: &str, kind: ErrorKind) -> ScenarioErrors {
    ScenarioErrors(vec![ScenarioError { file: file.to_string(), line: 1, column: 1, path: String::new(), kind }])
}

/// Every section of the main file comes from file 0 at the same index.
fn record_own_origins(loaded: &mut Loaded) {
    let lengths = section_lengths(&loaded.scenario);
    for (section, len) in lengths {
        loaded.origins.insert(section, (0..len).map(|index| Origin { file: 0, index }).collect());
    }
}

macro_rules! sections {
    ($m:ident) => {
        $m!(
            eras,
            troop_kinds,
            terrains,
            traits,
            factions,
            characters,
            provinces,
            connections,
            lines,
            armies,
            relations,
            treaties,
            events,
            victory,
            history,
            war_plans,
            calibration
        )
    };
}

fn section_lengths(s: &Scenario) -> Vec<(&'static str, usize)> {
    macro_rules! lengths {
        ($($name:ident),*) => { vec![$((stringify!($name), s.$name.len())),*] };
    }
    sections!(lengths)
}

/// Appends a fragment's lists to the scenario, remembering where each item came from.
fn merge(loaded: &mut Loaded, fragment: Fragment, file: usize) {
    macro_rules! append {
        ($($name:ident),*) => {{$(
            let origins = loaded.origins.entry(stringify!($name)).or_default();
            origins.extend((0..fragment.$name.len()).map(|index| Origin { file, index }));
            loaded.scenario.$name.extend(fragment.$name);
        )*}};
    }
    sections!(append)
}

/// The reading of a scenario's includes, all the way down.
struct Reading<'a> {
    files: &'a dyn Files,
    /// The main file's folder, which includes may not leave.
    root: PathBuf,
    /// The main file and the includes being read, outermost first.
    stack: Vec<PathBuf>,
    /// Every file read so far, with its index in [`Loaded::files`].
    read: HashMap<PathBuf, usize>,
    /// The bytes of every file read so far, the main file's included.
    bytes: u64,
}

impl Reading<'_> {
    fn includes(&mut self, including: &Path, including_index: usize, includes: &[String], loaded: &mut Loaded) {
        let files = self.files;
        let base = including.parent().map(Path::to_path_buf).unwrap_or_default();
        for (k, include) in includes.iter().enumerate() {
            let field = format!("includes[{k}]");
            let error = |loaded: &Loaded, kind| loaded.error_in_file(including_index, field.clone(), kind);
            let Some(path) = resolve_inside(&self.root, &base, include) else {
                let e = error(loaded, ErrorKind::IncludeEscapes(include.clone()));
                loaded.include_errors.push(e);
                continue;
            };
            if self.stack.contains(&path) {
                let chain = self.stack.iter().map(|p| files.display(p)).collect::<Vec<_>>().join(" -> ");
                let e = error(loaded, ErrorKind::IncludeCycle(include.clone(), chain));
                loaded.include_errors.push(e);
                continue;
            }
            if self.stack.len() > MAX_INCLUDE_DEPTH {
                let e = error(loaded, ErrorKind::IncludeTooDeep(include.clone(), MAX_INCLUDE_DEPTH));
                loaded.include_errors.push(e);
                continue;
            }
            if let Some(&first) = self.read.get(&path) {
                let kind = ErrorKind::NotAllowed(format!(
                    "\"{include}\" is already included (as {}); include a file once",
                    loaded.files[first].display
                ));
                let e = error(loaded, kind);
                loaded.include_errors.push(e);
                continue;
            }
            if !files.within(&self.root, &path) {
                let e = error(loaded, ErrorKind::IncludeEscapes(include.clone()));
                loaded.include_errors.push(e);
                continue;
            }
            let budget = MAX_TOTAL_BYTES.saturating_sub(self.bytes);
            let (source, bytes) = match files.read(&path, budget) {
                Ok(read) => read,
                Err(Unread::Refused(ErrorKind::Io(reason))) => {
                    let e = error(loaded, ErrorKind::IncludeNotFound { include: include.clone(), reason });
                    loaded.include_errors.push(e);
                    continue;
                }
                Err(Unread::OverBudget { size }) => {
                    let kind = ErrorKind::IncludesTooLarge {
                        include: include.clone(),
                        total: self.bytes.saturating_add(size),
                        limit: MAX_TOTAL_BYTES,
                    };
                    let e = error(loaded, kind);
                    loaded.include_errors.push(e);
                    continue;
                }
                Err(Unread::Refused(kind)) => {
                    loaded.include_errors.push(ScenarioError {
                        file: files.display(&path),
                        line: 1,
                        column: 1,
                        path: String::new(),
                        kind,
                    });
                    continue;
                }
            };
            self.bytes += bytes;
            let fragment: Fragment = match parse(&source.text, &source.display) {
                Ok(f) => f,
                Err(e) => {
                    loaded.include_errors.push(e);
                    continue;
                }
            };
            let index = loaded.files.len();
            self.read.insert(path.clone(), index);
            loaded.files.push(source);
            let nested = fragment.includes.clone();
            merge(loaded, fragment, index);
            self.stack.push(path.clone());
            self.includes(&path, index, &nested, loaded);
            self.stack.pop();
        }
    }
}

/// `base/include` made lexically normal; `None` if it is absolute or climbs out of `root`.
fn resolve_inside(root: &Path, base: &Path, include: &str) -> Option<PathBuf> {
    let include = Path::new(include);
    if include.is_absolute() || include.has_root() {
        return None;
    }
    let mut parts: Vec<Component> = base.components().collect();
    let floor = root.components().count();
    for component in include.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.len() <= floor {
                    return None;
                }
                parts.pop();
            }
            Component::Normal(_) => parts.push(component),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// Parses RON text into `T`, turning serde's first error into a located [`ScenarioError`].
#[expect(clippy::result_large_err, reason = "a parse error ends the load; its size costs nothing")]
pub fn parse<T: DeserializeOwned>(text: &str, display: &str) -> Result<T, ScenarioError> {
    let text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text);
    // Brackets are counted before the parser runs: its own count (several per bracket, as many
    // as it makes calls) is no number a user could check.
    if let Some(at) = nesting_beyond(text, MAX_NESTING) {
        return Err(ScenarioError {
            file: display.to_string(),
            line: at.line,
            column: at.column,
            path: SourceMap::build(text).path_at(at),
            kind: ErrorKind::NestedTooDeeply(MAX_NESTING),
        });
    }
    let options = ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(PARSER_RECURSION_LIMIT);
    let located = |spanned: ron::error::SpannedError, path: String| ScenarioError {
        file: display.to_string(),
        line: spanned.span.start.line,
        column: spanned.span.start.col,
        path,
        kind: syntax_kind(&spanned.code),
    };
    let mut de = ron::Deserializer::from_str_with_options(text, &options).map_err(|e| located(e, String::new()))?;
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => match de.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(located(de.span_error(e), String::new())),
        },
        Err(e) => {
            let path = readable_path(&e.path().to_string());
            Err(located(de.span_error(e.into_inner()), path))
        }
    }
}

/// serde's path made readable: none for the whole file or an unknown place, and a long run of
/// the same segment (deep nesting) shown once with a count: `trigger.Not×29`.
fn readable_path(path: &str) -> String {
    if path == "." || path == "?" {
        return String::new();
    }
    let mut out: Vec<(String, usize)> = Vec::new();
    for segment in path.split('.') {
        match out.last_mut() {
            Some((last, count)) if last == segment => *count += 1,
            _ => out.push((segment.to_string(), 1)),
        }
    }
    out.iter()
        .map(|(s, n)| if *n > 2 { format!("{s}×{n}") } else { vec![s.as_str(); *n].join(".") })
        .collect::<Vec<_>>()
        .join(".")
}

/// ron's error, phrased like the rest of our messages, with a suggestion for a misspelt name.
fn syntax_kind(code: &ron::Error) -> ErrorKind {
    use ron::Error as E;
    let list = |names: &[&str]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let within = |outer: &Option<String>| outer.as_ref().map(|o| format!(" in {o}")).unwrap_or_default();
    let (message, suggestion) = match code {
        E::NoSuchStructField { expected, found, outer } => (
            format!("unknown field `{found}`{}; expected one of {}", within(outer), list(expected)),
            closest(found, expected.iter().copied()),
        ),
        E::NoSuchEnumVariant { expected, found, outer } => (
            format!("unknown variant `{found}`{}; expected one of {}", within(outer), list(expected)),
            closest(found, expected.iter().copied()),
        ),
        E::MissingStructField { field, outer } => (format!("missing field `{field}`{}", within(outer)), None),
        E::DuplicateStructField { field, outer } => (format!("field `{field}` given twice{}", within(outer)), None),
        // Not met after the count of brackets in `parse`; said plainly should that ever change.
        E::ExceededRecursionLimit => ("values are nested too deeply for the parser".to_string(), None),
        E::Message(m) => (m.clone(), None),
        E::IntegerOutOfBounds => (format!("the number is too large (at most {})", i64::MAX), None),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            let first = chars.next().map(|c| c.to_lowercase().collect::<String>()).unwrap_or_default();
            (format!("{first}{}", chars.as_str()), None)
        }
    };
    ErrorKind::Syntax { message, suggestion }
}

/// Why a file was not taken into a load.
enum Unread {
    /// It cannot be read, or is not a scenario file (too large, not UTF-8 text).
    Refused(ErrorKind),
    /// It holds more bytes (`size`, or more) than the budget left.
    OverBudget { size: u64 },
}

impl From<ErrorKind> for Unread {
    fn from(kind: ErrorKind) -> Self {
        Unread::Refused(kind)
    }
}

/// Reading files from somewhere: the disk or the game binary.
trait Files {
    /// The file and how many bytes it held, if it holds at most [`MAX_FILE_BYTES`] and `budget`.
    fn read(&self, path: &Path, budget: u64) -> Result<(SourceFile, u64), Unread>;
    fn display(&self, path: &Path) -> String;
    /// Whether `path`, once links are followed, is inside `root`.
    fn within(&self, root: &Path, path: &Path) -> bool;
}

/// Whether `size` bytes may be taken: the file's own limit first, then the budget.
fn check_size(size: u64, budget: u64) -> Result<(), Unread> {
    if size > MAX_FILE_BYTES {
        return Err(ErrorKind::FileTooLarge { size, limit: MAX_FILE_BYTES }.into());
    }
    if size > budget {
        return Err(Unread::OverBudget { size });
    }
    Ok(())
}

struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path, budget: u64) -> Result<(SourceFile, u64), Unread> {
        let io = |e: std::io::Error| ErrorKind::Io(io_reason(&e));
        // Looked at before opening: opening a FIFO waits for a writer, and a device such as
        // /dev/zero never ends.
        let metadata = std::fs::metadata(path).map_err(io)?;
        if !metadata.is_file() {
            return Err(ErrorKind::Io(NOT_REGULAR.to_string()).into());
        }
        check_size(metadata.len(), budget)?;
        let file = open_without_waiting(path).map_err(io)?;
        // The path may have been replaced between the look and the opening.
        if !file.metadata().map_err(io)?.is_file() {
            return Err(ErrorKind::Io(NOT_REGULAR.to_string()).into());
        }
        // The file may also have grown: no more than the limits is read, whatever it holds now.
        let cap = MAX_FILE_BYTES.min(budget);
        let mut bytes = Vec::new();
        file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
        let size = bytes.len() as u64;
        check_size(size, budget)?;
        let text = String::from_utf8(bytes).map_err(|e| ErrorKind::Io(format!("not UTF-8 text ({e})")))?;
        Ok((source_file(self.display(path), path, text), size))
    }

    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }

    fn within(&self, root: &Path, path: &Path) -> bool {
        let root = if root.as_os_str().is_empty() { Path::new(".") } else { root };
        match (root.canonicalize(), path.canonicalize()) {
            (Ok(r), Ok(p)) => p.starts_with(r),
            // A missing file is reported as missing by the read that follows.
            _ => true,
        }
    }
}

/// Why a file that is not a regular file is not read.
const NOT_REGULAR: &str = "it is not a regular file";

/// Opens `path` for reading; should it have become a FIFO since it was looked at, the opening
/// does not wait for a writer (the check after it refuses it).
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// An I/O error in a few plain words.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

struct Embedded;

impl Files for Embedded {
    fn read(&self, path: &Path, budget: u64) -> Result<(SourceFile, u64), Unread> {
        let file = BUILTIN.get_file(path).ok_or_else(|| ErrorKind::Io("no such built-in file".to_string()))?;
        let size = file.contents().len() as u64;
        check_size(size, budget)?;
        let text = file.contents_utf8().ok_or_else(|| ErrorKind::Io("not UTF-8 text".to_string()))?;
        Ok((source_file(self.display(path), path, text.to_string()), size))
    }

    fn display(&self, path: &Path) -> String {
        Path::new("scenarios").join(path).display().to_string()
    }

    fn within(&self, _root: &Path, _path: &Path) -> bool {
        true
    }
}

/// A file's text indexed; a byte order mark at its start is dropped, so that the first line's
/// columns are the ones an editor shows.
fn source_file(display: String, path: &Path, mut text: String) -> SourceFile {
    if text.starts_with(BYTE_ORDER_MARK) {
        text.drain(..BYTE_ORDER_MARK.len_utf8());
    }
    let map = SourceMap::build(&text);
    SourceFile { display, path: path.to_path_buf(), text, map }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_resolve_inside_the_root_only() {
        let root = Path::new("mods/x");
        let base = Path::new("mods/x/maps");
        assert_eq!(resolve_inside(root, base, "../common.ron"), Some(PathBuf::from("mods/x/common.ron")));
        assert_eq!(resolve_inside(root, base, "./a/b.ron"), Some(PathBuf::from("mods/x/maps/a/b.ron")));
        assert_eq!(resolve_inside(root, base, "../../y.ron"), None);
        assert_eq!(resolve_inside(root, base, "/etc/passwd"), None);
    }

    #[test]
    fn ids_and_paths_are_told_apart() {
        assert_eq!(ScenarioRef::parse("jingkang"), ScenarioRef::Builtin("jingkang".into()));
        assert_eq!(ScenarioRef::parse("my/x.ron"), ScenarioRef::File("my/x.ron".into()));
    }

    #[test]
    fn parse_errors_carry_path_line_and_suggestion() {
        let text = "Relation(between: (\"a\", \"b\"), opinon: 3)";
        let e = parse::<super::super::model::Relation>(text, "f.ron").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.to_string().contains("unknown field `opinon`"), "{e}");
        assert!(e.to_string().contains("did you mean \"opinion\"?"), "{e}");
    }
}
