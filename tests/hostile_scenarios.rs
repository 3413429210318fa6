//! Hostile scenario files (issue #25): none makes the loader hang, take memory out of proportion
//! to the input, or panic. The large files are made at run time, in temporary folders.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use jingkang::scenario::{
    ErrorKind, MAX_NESTING, MAX_TOTAL_BYTES, ScenarioErrors, ScenarioRef, SourceMap, ValidScenario, load_valid,
};

/// A valid scenario; `TRIGGER` and `EFFECTS` are replaced by an event's trigger and effects, and
/// `INCLUDES` by the includes.
const TEMPLATE: &str = r##"Scenario(
    format_version: 1,
    id: "fixture",
    name: "Fixture",
    start: "1125-10",
    end: "1126-06",
    includes: [INCLUDES],
    troop_kinds: [TroopKind(id: "infantry", name: "Infantry")],
    terrains: [Terrain(id: "plains", name: "Plains")],
    factions: [
        Faction(id: "song", name: "Song", colour: "#c0392b", capital: Some("kaifeng"), ruler: Some("qinzong")),
        Faction(id: "jin", name: "Jin", colour: "#2c3e50", capital: Some("yanjing")),
    ],
    characters: [
        Character(id: "qinzong", name: "Qinzong", faction: Some("song"), roles: [Ruler]),
        Character(id: "zongwang", name: "Zongwang", faction: Some("jin"), roles: [Commander]),
    ],
    provinces: [
        Province(id: "kaifeng", name: "Kaifeng", position: (114.3, 34.8), terrain: "plains", owner: Some("song"), garrison: 1000),
        Province(id: "yanjing", name: "Yanjing", position: (116.4, 39.9), terrain: "plains", owner: Some("jin")),
    ],
    connections: [Connection(from: "kaifeng", to: "yanjing", kind: Road, days: 12)],
    relations: [Relation(between: ("song", "jin"), war: true)],
    events: [
        Event(id: "terms", title: "Terms", faction: "song", trigger: TRIGGER, options: [
            Option(id: "accept", name: "Accept", effects: [SetFlag("peace"), EFFECTS]),
            Option(id: "refuse", name: "Refuse"),
        ]),
    ],
    victory: [Victory(id: "jin_wins", faction: "jin", description: "Take Kaifeng", condition: Holds(faction: "jin", province: "kaifeng"))],
)
"##;

fn scenario(trigger: &str, effects: &str, includes: &str) -> String {
    TEMPLATE.replace("TRIGGER", trigger).replace("EFFECTS", effects).replace("INCLUDES", includes)
}

/// Loads `path` on another thread: an error if it takes longer than `limit` (a hang), so that a
/// regression fails the test instead of blocking the suite.
fn load_within(path: &Path, limit: Duration) -> Result<ValidScenario, ScenarioErrors> {
    let (send, receive) = mpsc::channel();
    let path = path.to_path_buf();
    thread::spawn(move || {
        let _ = send.send(load_valid(&ScenarioRef::File(path)));
    });
    match receive.recv_timeout(limit) {
        Ok(result) => result,
        Err(_) => panic!("the load did not end within {limit:?}"),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn messages(errors: &ScenarioErrors) -> String {
    errors.to_string()
}

#[test]
fn the_template_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "s.ron", &scenario("Flag(\"peace\")", "Chronicle(\"x\")", ""));
    if let Err(errors) = load_valid(&ScenarioRef::File(path)) {
        panic!("{errors}");
    }
}

/// Before: 100,000 levels (1.5 MB) took over 100 s, quadratic in the depth (10,000 levels: 2.5 s).
/// Now the source map steps over what lies beyond its depth once, and the count of brackets
/// refuses the file.
#[test]
fn a_hundred_thousand_levels_are_refused_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let trigger = format!("{}Flag(\"peace\"){}", "Any([Always, ".repeat(depth), "])".repeat(depth));
    let path = write(dir.path(), "deep.ron", &scenario(&trigger, "Chronicle(\"x\")", ""));
    let started = Instant::now();
    let errors = load_within(&path, Duration::from_secs(60)).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(errors.0[0].kind, ErrorKind::NestedTooDeeply(MAX_NESTING));
    // `Scenario(`, `events: [` and `Event(` are three levels: the trigger's 62nd bracket is the 65th.
    let (line, column) = trigger_place();
    let bracket = trigger.char_indices().filter(|(_, c)| matches!(c, '(' | '[')).nth(61).unwrap().0;
    assert_eq!((errors.0[0].line, errors.0[0].column), (line, column + bracket));
    // A generous bound for a loaded machine, against the minutes it took before.
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

/// The line and column where the template's trigger starts.
fn trigger_place() -> (usize, usize) {
    let line = TEMPLATE.lines().position(|l| l.contains("TRIGGER")).unwrap();
    (line + 1, TEMPLATE.lines().nth(line).unwrap().find("TRIGGER").unwrap() + 1)
}

/// `Not(` written `count` times around a flag.
fn nots(count: usize) -> String {
    format!("{}Flag(\"peace\"){}", "Not(".repeat(count), ")".repeat(count))
}

/// The limit stated is the limit met: with `Scenario(`, `events: [` and `Event(` around it, a
/// trigger may have 61 brackets of its own (60 `Not(` and a `Flag(`), not 62; before, 28 `Not(`
/// were refused while the message said 64 levels.
#[test]
fn the_nesting_limit_is_the_number_of_brackets_stated() {
    let dir = tempfile::tempdir().unwrap();
    let within = write(dir.path(), "within.ron", &scenario(&nots(MAX_NESTING - 4), "Chronicle(\"x\")", ""));
    let loaded = thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || load_valid(&ScenarioRef::File(within)).map(|_| ()))
        .unwrap()
        .join()
        .unwrap();
    if let Err(errors) = loaded {
        panic!("{errors}");
    }
    let beyond = write(dir.path(), "beyond.ron", &scenario(&nots(MAX_NESTING - 3), "Chronicle(\"x\")", ""));
    let errors = load_valid(&ScenarioRef::File(beyond.clone())).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    let e = &errors.0[0];
    let (line, column) = trigger_place();
    // The 64th bracket is the last `Not(`'s, the 65th the flag's.
    assert_eq!((e.line, e.column), (line, column + 4 * (MAX_NESTING - 3) + 4));
    assert_eq!(e.path, "events[0].trigger");
    assert_eq!(
        e.to_string(),
        format!(
            "{}:{line}:{}: events[0].trigger: values are nested too deeply: brackets `(`, `[` and `{{` may nest at \
             most 64 levels, the outermost bracket of the file counting as the first",
            beyond.display(),
            e.column
        )
    );
}

/// Before: a 1 MB map key above 3,000 list items made the source map hold 3,000 copies of the key
/// (3.3 GB). Now each segment of a path is stored once.
#[test]
fn a_long_map_key_is_stored_once() {
    let key = "k".repeat(1_000_000);
    let items = vec!["\"kaifeng\""; 3_000].join(",");
    let text = scenario("Flag(\"peace\")", "Chronicle(\"x\")", "").replacen(
        "    includes: [],",
        &format!("    owners: {{\"{key}\": [{items}]}},"),
        1,
    );
    let map = SourceMap::build(&text);
    assert!(map.values() > 3_000);
    assert!(
        map.segment_bytes() <= text.len() + 16 * map.values(),
        "{} bytes of segments for a text of {} bytes and {} values",
        map.segment_bytes(),
        text.len(),
        map.values()
    );
    // And the command that validates it ends, naming the unknown faction once.
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "key.ron", &text);
    let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown faction \"kkkk"), "{}", &stderr[..stderr.len().min(300)]);
    assert!(
        stderr.ends_with(&format!("{}: 1 error\n", path.display())),
        "{}",
        &stderr[stderr.len().saturating_sub(300)..]
    );
}

/// Before: forty hard links to one 8 MB fragment, all included, took 7 GB. Now the scenario and
/// its includes may hold 32 MiB together; the include that would pass it is named.
#[test]
fn includes_may_not_add_up_past_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let size = 7 * 1024 * 1024;
    let fragment = format!("(\n// {}\n)\n", "x".repeat(size));
    write(dir.path(), "part0.ron", &fragment);
    let links = 6;
    for i in 1..links {
        std::fs::hard_link(dir.path().join("part0.ron"), dir.path().join(format!("part{i}.ron"))).unwrap();
    }
    let includes = (0..links).map(|i| format!("\"part{i}.ron\"")).collect::<Vec<_>>().join(", ");
    let main_text = scenario("Flag(\"peace\")", "Chronicle(\"x\")", &includes);
    let path = write(dir.path(), "main.ron", &main_text);
    let errors = load_within(&path, Duration::from_secs(60)).unwrap_err();
    // Four parts fit (28 MiB and the main file); the fifth would pass 32 MiB and is refused, and
    // so is the sixth.
    assert_eq!(errors.0.len(), 2, "{errors}");
    let fifth = main_text.find("\"part4.ron\"").unwrap();
    let line = main_text[..fifth].lines().count();
    let column = fifth - main_text[..fifth].rfind('\n').unwrap();
    let e = &errors.0[0];
    assert_eq!((e.file.as_str(), e.line, e.column), (path.to_str().unwrap(), line, column));
    assert_eq!(e.path, "includes[4]");
    let total = main_text.len() as u64 + 5 * fragment.len() as u64;
    assert_eq!(e.kind, ErrorKind::IncludesTooLarge { include: "part4.ron".into(), total, limit: MAX_TOTAL_BYTES });
    assert!(e.to_string().contains(&format!(
        "include \"part4.ron\" would bring the scenario and its includes to {total} bytes; together they may hold at \
         most {MAX_TOTAL_BYTES} bytes"
    )));
    assert_eq!(errors.0[1].path, "includes[5]");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// Before: a FIFO waited forever for a writer. Now anything but a regular file is refused before
/// it is opened.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_as_main_file_and_as_include() {
    let dir = tempfile::tempdir().unwrap();
    let main_fifo = dir.path().join("main.ron");
    mkfifo(&main_fifo);
    let errors = load_within(&main_fifo, Duration::from_secs(20)).unwrap_err();
    assert_eq!(
        messages(&errors),
        format!("{}:1:1: cannot read the file: it is not a regular file", main_fifo.display())
    );

    let include_fifo = dir.path().join("pipe.ron");
    mkfifo(&include_fifo);
    let path = write(dir.path(), "s.ron", &scenario("Flag(\"peace\")", "Chronicle(\"x\")", "\"pipe.ron\""));
    let errors = load_within(&path, Duration::from_secs(20)).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(errors.0[0].path, "includes[0]");
    assert!(
        errors.0[0].to_string().ends_with("include \"pipe.ron\" cannot be read: it is not a regular file"),
        "{errors}"
    );
}

/// A character device never ends: refused as main file, and as an include (through a link, the
/// only way to have one inside a scenario's folder).
#[cfg(unix)]
#[test]
fn a_device_is_refused() {
    let errors = load_within(Path::new("/dev/zero"), Duration::from_secs(20)).unwrap_err();
    assert_eq!(messages(&errors), "/dev/zero:1:1: cannot read the file: it is not a regular file");

    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.ron");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let errors = load_within(&link, Duration::from_secs(20)).unwrap_err();
    assert!(messages(&errors).ends_with("cannot read the file: it is not a regular file"), "{errors}");
    let path = write(dir.path(), "s.ron", &scenario("Flag(\"peace\")", "Chronicle(\"x\")", "\"zero.ron\""));
    let errors = load_within(&path, Duration::from_secs(20)).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(errors.0[0].path, "includes[0]");
}

/// Before: an unknown flag of 150,000 characters beside a similar known one took over a minute
/// (the edit distance costs the product of the lengths). Now long ids get no suggestion.
#[test]
fn a_very_long_unknown_id_gets_no_suggestion_and_no_wait() {
    let known = "f".repeat(150_000);
    let unknown = format!("{}g", "f".repeat(149_999));
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(&format!("Flag(\"{unknown}\")"), &format!("SetFlag(\"{known}\")"), "");
    let path = write(dir.path(), "long.ron", &text);
    let started = Instant::now();
    let errors = load_within(&path, Duration::from_secs(60)).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(errors.0[0].kind, ErrorKind::UnknownFlag { flag: unknown, suggestion: None });
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

/// 10,000 unknown flags among 10,000 known ones of the same length: the suggestions share a
/// bounded amount of work, so the load ends; the first still get their suggestion.
#[test]
fn many_unknown_ids_among_many_candidates_take_bounded_work() {
    let n = 10_000;
    let known = (0..n).map(|i| format!("SetFlag(\"flag_{i:05}\")")).collect::<Vec<_>>().join(", ");
    let unknown = (0..n).map(|i| format!("Flag(\"flxg_{i:05}\")")).collect::<Vec<_>>().join(", ");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "many.ron", &scenario(&format!("Any([{unknown}])"), &known, ""));
    let started = Instant::now();
    let errors = load_within(&path, Duration::from_secs(120)).unwrap_err();
    assert_eq!(errors.0.len(), n, "{}", errors.0[0]);
    assert_eq!(
        errors.0[0].kind,
        ErrorKind::UnknownFlag { flag: "flxg_00000".into(), suggestion: Some("flag_00000".into()) }
    );
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
}

/// Before: a byte order mark at the start of a file gave "expected opening `(`". Now it is
/// dropped, in main files and includes, and columns on the first line are unchanged.
#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "part.ron", "\u{FEFF}(factions: [])\n");
    let text = format!("\u{FEFF}{}", scenario("Flag(\"peace\")", "Chronicle(\"x\")", "\"part.ron\""));
    let path = write(dir.path(), "s.ron", &text);
    if let Err(errors) = load_valid(&ScenarioRef::File(path)) {
        panic!("{errors}");
    }
    // An error on the first line is at the column an editor shows.
    for (name, mark) in [("plain.ron", ""), ("marked.ron", "\u{FEFF}")] {
        let path = write(dir.path(), name, &format!("{mark}Scenario(unknown: 1)"));
        let errors = load_valid(&ScenarioRef::File(path.clone())).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        assert_eq!((errors.0[0].line, errors.0[0].column), (1, 10), "{errors}");
        assert!(errors.0[0].to_string().contains("unknown field `unknown`"), "{errors}");
    }
    let path = write(dir.path(), "bad_part.ron", "\u{FEFF}(factoins: [])\n");
    let main = write(dir.path(), "s2.ron", &scenario("Flag(\"peace\")", "Chronicle(\"x\")", "\"bad_part.ron\""));
    let errors = load_valid(&ScenarioRef::File(main)).unwrap_err();
    assert_eq!(
        errors.0[0].to_string().split(": ").next(),
        Some(format!("{}:1:2", path.display()).as_str()),
        "{errors}"
    );
}
