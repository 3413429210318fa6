//! Reading scenario files (from disk or built into the game) and merging their includes.
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};
use ron::extensions::Extensions;
use serde::de::DeserializeOwned;

use super::error::{ErrorKind, ScenarioError, ScenarioErrors, closest};
use super::model::{Fragment, Scenario};
use super::source_map::{Position, SourceMap};

/// The scenarios shipped with the game, built into the binary.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scenarios");

/// The largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// How deeply includes may nest.
pub const MAX_INCLUDE_DEPTH: usize = 8;
/// How deeply RON values may nest.
const MAX_NESTING: usize = 64;

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
        let pretty = ron::ser::PrettyConfig::default();
        let text = ron::ser::to_string_pretty(&scenario, pretty).unwrap_or_default();
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
    let main = files.read(&main_path).map_err(|kind| whole_file_error(&files.display(&main_path), kind))?;
    let scenario: Scenario = parse(&main.text, &main.display).map_err(|e| ScenarioErrors(vec![e]))?;
    let root = main_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = Loaded { scenario, files: vec![main], origins: BTreeMap::new(), include_errors: Vec::new() };
    record_own_origins(&mut loaded);
    let includes = loaded.scenario.includes.clone();
    let mut stack = vec![main_path.clone()];
    read_includes(files.as_ref(), &root, &main_path, 0, &includes, &mut stack, &mut loaded);
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

fn read_includes(
    files: &dyn Files,
    root: &Path,
    including: &Path,
    including_index: usize,
    includes: &[String],
    stack: &mut Vec<PathBuf>,
    loaded: &mut Loaded,
) {
    let base = including.parent().map(Path::to_path_buf).unwrap_or_default();
    for (k, include) in includes.iter().enumerate() {
        let field = format!("includes[{k}]");
        let error = |loaded: &Loaded, kind| loaded.error_in_file(including_index, field.clone(), kind);
        let Some(path) = resolve_inside(root, &base, include) else {
            let e = error(loaded, ErrorKind::IncludeEscapes(include.clone()));
            loaded.include_errors.push(e);
            continue;
        };
        if stack.contains(&path) {
            let chain = stack.iter().map(|p| files.display(p)).collect::<Vec<_>>().join(" -> ");
            let e = error(loaded, ErrorKind::IncludeCycle(include.clone(), chain));
            loaded.include_errors.push(e);
            continue;
        }
        if stack.len() > MAX_INCLUDE_DEPTH {
            let e = error(loaded, ErrorKind::IncludeTooDeep(include.clone(), MAX_INCLUDE_DEPTH));
            loaded.include_errors.push(e);
            continue;
        }
        if let Some(first) = loaded.files.iter().position(|f| f.path == path) {
            let kind = ErrorKind::NotAllowed(format!(
                "\"{include}\" is already included (as {}); include a file once",
                loaded.files[first].display
            ));
            let e = error(loaded, kind);
            loaded.include_errors.push(e);
            continue;
        }
        if !files.within(root, &path) {
            let e = error(loaded, ErrorKind::IncludeEscapes(include.clone()));
            loaded.include_errors.push(e);
            continue;
        }
        let source = match files.read(&path) {
            Ok(s) => s,
            Err(ErrorKind::Io(reason)) => {
                let e = error(loaded, ErrorKind::IncludeNotFound { include: include.clone(), reason });
                loaded.include_errors.push(e);
                continue;
            }
            Err(kind) => {
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
        let fragment: Fragment = match parse(&source.text, &source.display) {
            Ok(f) => f,
            Err(e) => {
                loaded.include_errors.push(e);
                continue;
            }
        };
        let index = loaded.files.len();
        loaded.files.push(source);
        let nested = fragment.includes.clone();
        merge(loaded, fragment, index);
        stack.push(path.clone());
        read_includes(files, root, &path, index, &nested, stack, loaded);
        stack.pop();
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
    let options =
        ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME).with_recursion_limit(MAX_NESTING);
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
        E::ExceededRecursionLimit => (format!("values are nested too deeply (at most {MAX_NESTING} levels)"), None),
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

/// Reading files from somewhere: the disk or the game binary.
trait Files {
    fn read(&self, path: &Path) -> Result<SourceFile, ErrorKind>;
    fn display(&self, path: &Path) -> String;
    /// Whether `path`, once links are followed, is inside `root`.
    fn within(&self, root: &Path, path: &Path) -> bool;
}

struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> Result<SourceFile, ErrorKind> {
        let file = std::fs::File::open(path).map_err(|e| ErrorKind::Io(io_reason(&e)))?;
        let size = file.metadata().map_err(|e| ErrorKind::Io(io_reason(&e)))?.len();
        if size > MAX_FILE_BYTES {
            return Err(ErrorKind::FileTooLarge { size, limit: MAX_FILE_BYTES });
        }
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| ErrorKind::Io(io_reason(&e)))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ErrorKind::FileTooLarge { size: bytes.len() as u64, limit: MAX_FILE_BYTES });
        }
        let text = String::from_utf8(bytes).map_err(|e| ErrorKind::Io(format!("not UTF-8 text ({e})")))?;
        Ok(source_file(self.display(path), path, text))
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
    fn read(&self, path: &Path) -> Result<SourceFile, ErrorKind> {
        let file = BUILTIN.get_file(path).ok_or_else(|| ErrorKind::Io("no such built-in file".to_string()))?;
        let text = file.contents_utf8().ok_or_else(|| ErrorKind::Io("not UTF-8 text".to_string()))?;
        Ok(source_file(self.display(path), path, text.to_string()))
    }

    fn display(&self, path: &Path) -> String {
        Path::new("scenarios").join(path).display().to_string()
    }

    fn within(&self, _root: &Path, _path: &Path) -> bool {
        true
    }
}

fn source_file(display: String, path: &Path, text: String) -> SourceFile {
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
