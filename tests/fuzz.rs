//! The fuzz harness: hostile edits of the shipped scenarios (main files and their includes) and of
//! saves of every built-in scenario, each loaded as a player or modder would. Every case must end
//! in a located error (file, line, column) or a valid load, which then plays a few months keeping
//! the state's invariants; never a panic, and within bounds of time and memory (a watchdog aborts
//! a case that runs too long, a counting allocator one that takes too much memory, each naming the
//! case and keeping its input).
//!
//! CI runs `JINGKANG_FUZZ_CASES` cases (default 2,000, under two minutes in a debug build). For a
//! long run: `JINGKANG_FUZZ_MINUTES=240 JINGKANG_FUZZ_SEED=7 cargo test --release --test fuzz --
//! --nocapture` (cases until the minutes are up; a new seed gives new cases). A failing case is
//! written to `target/tmp/fuzz-failures/` and replayed alone with the seed and
//! `JINGKANG_FUZZ_FIRST=N JINGKANG_FUZZ_CASES=1`.
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jingkang::scenario::{ScenarioRef, builtin_scenarios, load_valid};
use jingkang::sim::{Sim, SimOptions, Snapshot, StaticData};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// Cases the test runs unless told otherwise.
const DEFAULT_CASES: u64 = 2_000;
/// The longest a case may take before the watchdog stops the run (a hang, or time out of all
/// proportion: the slowest case seen in a debug build takes well under a second).
const CASE_TIME_LIMIT: Duration = Duration::from_secs(60);
/// The most memory the process may hold during a case (inputs are at most a few MB).
const MEMORY_LIMIT: usize = 1 << 30;
/// Months a valid case plays.
const MONTHS_PLAYED: u32 = 3;

/// The system allocator, counting the bytes held and the most held since the last reset, and
/// stopping the process (with the case named) before it holds more than [`MEMORY_LIMIT`].
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Set while a case runs, so that the limit applies to cases and not to building the corpus.
static LIMITED: AtomicBool = AtomicBool::new(false);
/// The case running, for the messages of the watchdog and the allocator.
static CASE: AtomicU64 = AtomicU64::new(u64::MAX);
static CASE_STARTED_MS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        if held > MEMORY_LIMIT && LIMITED.load(Ordering::Relaxed) {
            out_of_bounds("memory", held);
        }
        // SAFETY: the layout is the caller's, passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let grown = new_size - layout.size();
            let held = HELD.fetch_add(grown, Ordering::Relaxed) + grown;
            PEAK.fetch_max(held, Ordering::Relaxed);
            if held > MEMORY_LIMIT && LIMITED.load(Ordering::Relaxed) {
                out_of_bounds("memory", held);
            }
        } else {
            HELD.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as `alloc` and `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Stops the process: a case went beyond a bound. Written without allocating (the allocator may
/// be the caller), then aborted, as no unwinding can be trusted from here.
fn out_of_bounds(what: &str, amount: usize) -> ! {
    use std::io::Write;
    LIMITED.store(false, Ordering::Relaxed);
    let case = CASE.load(Ordering::Relaxed);
    let _ = writeln!(
        std::io::stderr(),
        "\nFUZZ FAILURE: case {case} went beyond the {what} bound ({amount}); its input is in {}",
        failures_dir().display()
    );
    std::process::abort()
}

fn failures_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures")
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Milliseconds since the run began, for the watchdog.
fn now_ms(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

/// What the cases start from: every file of the shipped scenarios (copied into a folder the cases
/// edit), and a save of every built-in scenario a few months in.
struct Corpus {
    dir: tempfile::TempDir,
    /// Files under `dir`, relative, with their shipped text; the main files first.
    files: Vec<(PathBuf, String)>,
    mains: usize,
    saves: Vec<Value>,
}

impl Corpus {
    /// A main file that includes the file at `path` (directly or not, by its name), or any.
    fn main_including(&self, path: &Path, rng: &mut ChaCha8Rng) -> &Path {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mains = &self.files[..self.mains];
        let including: Vec<&PathBuf> = mains.iter().filter(|(_, text)| text.contains(&name)).map(|(p, _)| p).collect();
        match including.is_empty() {
            true => &mains[rng.random_range(0..mains.len())].0,
            false => including[rng.random_range(0..including.len())],
        }
    }
}

fn corpus() -> Corpus {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut mains = Vec::new();
    let mut includes = Vec::new();
    for entry in walk(&shipped) {
        let relative = entry.strip_prefix(&shipped).expect("inside").to_path_buf();
        let text = std::fs::read_to_string(&entry).expect("a shipped scenario file");
        let copy = dir.path().join(&relative);
        std::fs::create_dir_all(copy.parent().expect("a folder")).expect("a folder");
        std::fs::write(&copy, &text).expect("a copy");
        if relative.components().count() == 1 { mains.push((relative, text)) } else { includes.push((relative, text)) }
    }
    mains.sort();
    includes.sort();
    let saves = builtin_scenarios()
        .into_iter()
        .map(|b| {
            let valid = load_valid(&ScenarioRef::Builtin(b.id)).expect("a built-in scenario");
            let mut sim = Sim::new(Arc::new(StaticData::new(&valid)), &SimOptions { seed: 3, ..Default::default() });
            sim.run(Some(5));
            serde_json::to_value(sim.snapshot()).expect("a save is JSON")
        })
        .collect();
    let count = mains.len();
    Corpus { dir, files: mains.into_iter().chain(includes).collect(), mains: count, saves }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "ron") {
            out.push(path);
        }
    }
    out
}

/// Pieces of text the edits insert: syntax, hostile numbers, and what earlier reliability passes
/// found hurting (deep nesting, long ids, a byte-order mark).
fn piece(rng: &mut ChaCha8Rng) -> String {
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "\"",
        ",",
        ":",
        "-",
        "-1",
        "0",
        "1e308",
        "-1e308",
        "1e400",
        "NaN",
        "inf",
        "-0.0",
        "4294967297",
        "18446744073709551616",
        "9223372036854775807",
        "Some(",
        "None",
        "r#\"",
        "/*",
        "*/",
        "//",
        "x",
        "\n",
        "\u{feff}",
        "é",
        "\\",
        "'",
        "#![enable(implicit_some)]",
        "Not(",
        "Any([",
        "All([",
        "Flag(\"",
        "includes: [\"",
        "maps/north_china.ron",
        "../",
        "/dev/zero",
        "true",
        "false",
        "13",
        "1125-13",
        "0-00",
    ];
    match rng.random_range(0..10) {
        0 => {
            // Deep nesting: up to thousands of levels.
            let depth = 1usize << rng.random_range(1..14);
            let open = ["Not(", "Any([", "Any([Always, ", "[", "(", "{\"a\":"][rng.random_range(0..6)];
            open.repeat(depth)
        }
        1 => {
            // A long id, quoted.
            let len = 1usize << rng.random_range(4..18);
            format!("\"{}\"", "y".repeat(len))
        }
        _ => PIECES[rng.random_range(0..PIECES.len())].to_string(),
    }
}

/// The largest index at most `at` that is a char boundary of `text`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A hostile number in place of a number of `text`: the file stays well formed, so these cases
/// reach validation and, when valid, the rules, with extreme values.
fn mutate_number(text: &mut String, rng: &mut ChaCha8Rng) {
    let at = boundary(text, rng.random_range(0..text.len().max(1)));
    let Some(offset) = text[at..].find(|c: char| c.is_ascii_digit()) else { return };
    let start = at + offset;
    let end = text[start..].find(|c: char| !c.is_ascii_digit() && c != '.').map_or(text.len(), |e| start + e);
    const NUMBERS: &[&str] =
        &["0", "1", "2", "3", "12", "13", "99", "100", "101", "1000", "1e9", "1e15", "1e300", "0.0001", "999999999"];
    let sign = if rng.random_bool(0.2) && start > 0 && !text[..start].ends_with('-') { "-" } else { "" };
    let number = format!("{sign}{}", NUMBERS[rng.random_range(0..NUMBERS.len())]);
    text.replace_range(start..end, &number);
}

/// Random edits of `text`: a few hostile numbers in an otherwise well-formed file, or one to eight
/// edits of any kind.
fn mutate_text(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut out = text.to_string();
    if rng.random_bool(0.4) {
        for _ in 0..rng.random_range(1..=3) {
            mutate_number(&mut out, rng);
        }
        return out;
    }
    for _ in 0..rng.random_range(1..=8) {
        let len = out.len().max(1);
        let at = boundary(&out, rng.random_range(0..len));
        match rng.random_range(0..6) {
            0 => {
                let end = boundary(&out, at + rng.random_range(0..64));
                out.replace_range(at..end, "");
            }
            1 | 2 => out.insert_str(at, &piece(rng)),
            3 => {
                // Copy a span elsewhere, sometimes many times: big files from small ones.
                let end = boundary(&out, at + rng.random_range(0..2048));
                let span = out[at..end].to_string();
                let to = boundary(&out, rng.random_range(0..len));
                let times = if rng.random_bool(0.1) { rng.random_range(1..200) } else { 1 };
                out.insert_str(to, &span.repeat(times));
            }
            4 => {
                // Change a number.
                if let Some(offset) = out[at..].find(|c: char| c.is_ascii_digit()) {
                    let start = at + offset;
                    let end =
                        out[start..].find(|c: char| !c.is_ascii_digit() && c != '.').map_or(out.len(), |e| start + e);
                    let number = ["-1", "0", "1e308", "99999999999", "NaN", "-0.5", "3"][rng.random_range(0..7)];
                    out.replace_range(start..end, number);
                }
            }
            _ => {
                // Truncate.
                out.truncate(at);
            }
        }
    }
    out
}

/// A hostile value for a leaf of a save.
fn hostile_value(old: &Value, rng: &mut ChaCha8Rng) -> Value {
    let near = old.as_i64().unwrap_or(0);
    match rng.random_range(0..12) {
        0 => Value::from(-1),
        1 => Value::from(0),
        2 => Value::from(near + 1),
        3 => Value::from(near + 1000),
        4 => Value::from(u64::MAX),
        5 => Value::from(1e308),
        6 => Value::from(-1e308),
        7 => Value::from(4_294_967_297u64),
        8 => Value::Null,
        9 => Value::from("x"),
        10 => Value::Array(vec![]),
        _ => Value::from(13),
    }
}

/// Walks to a random node of `value` and edits it: a leaf replaced, a list cut short or one of its
/// items doubled, a field removed.
fn mutate_json(value: &mut Value, rng: &mut ChaCha8Rng) {
    let go_deeper = rng.random_bool(0.85);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(rng.random_range(0..map.len())).cloned().unwrap_or_default();
            if !go_deeper && rng.random_bool(0.3) {
                map.remove(&key);
            } else if let Some(field) = map.get_mut(&key) {
                mutate_json(field, rng);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if go_deeper {
                let i = rng.random_range(0..items.len());
                mutate_json(&mut items[i], rng);
            } else if rng.random_bool(0.5) {
                items.truncate(rng.random_range(0..items.len()));
            } else {
                let copy = items[rng.random_range(0..items.len())].clone();
                items.push(copy);
            }
        }
        leaf => *leaf = hostile_value(leaf, rng),
    }
}

/// How a case ended.
enum Ending {
    Valid,
    Refused,
}

/// Loads `path` as a scenario: a located error, or a valid scenario that plays some months keeping
/// the invariants.
fn scenario_case(path: &Path) -> Result<Ending, String> {
    match load_valid(&ScenarioRef::File(path.to_path_buf())) {
        Err(errors) => {
            if errors.0.is_empty() {
                return Err("refused with no error".into());
            }
            for e in &errors.0 {
                if e.file.is_empty() || e.line == 0 || e.column == 0 || e.to_string().is_empty() {
                    return Err(format!("an error without a place: {e:?}"));
                }
            }
            Ok(Ending::Refused)
        }
        Ok(valid) => {
            let mut sim = Sim::quiet(Arc::new(StaticData::new(&valid)), &SimOptions { seed: 1, ..Default::default() });
            play(&mut sim)?;
            Ok(Ending::Valid)
        }
    }
}

/// Loads `path` as a save: an error, or a game that plays on keeping the invariants.
fn save_case(path: &Path) -> Result<Ending, String> {
    match Snapshot::load(path) {
        Err(e) => {
            if e.to_string().is_empty() {
                return Err("refused without a reason".into());
            }
            Ok(Ending::Refused)
        }
        Ok(snapshot) => {
            let mut sim = Sim::restore(&snapshot).map_err(|e| format!("loaded, then refused: {e}"))?;
            play(&mut sim)?;
            Ok(Ending::Valid)
        }
    }
}

fn play(sim: &mut Sim) -> Result<(), String> {
    for _ in 0..MONTHS_PLAYED {
        if sim.is_over() {
            break;
        }
        sim.step();
        let violations = sim.invariant_violations();
        if !violations.is_empty() {
            return Err(format!("after a month: {}", violations.join("; ")));
        }
    }
    Ok(())
}

/// What the run saw, for its summary.
#[derive(Default)]
struct Tally {
    cases: u64,
    by_kind: BTreeMap<&'static str, (u64, u64)>,
    failures: Vec<String>,
    slowest: (Duration, u64),
    largest_input: usize,
    peak_memory: (usize, u64),
}

#[test]
fn hostile_scenarios_and_saves_end_in_a_located_error_or_a_valid_game() {
    let seed = env_number("JINGKANG_FUZZ_SEED", 1);
    let minutes = env_number("JINGKANG_FUZZ_MINUTES", 0);
    let cases = if minutes > 0 { u64::MAX } else { env_number("JINGKANG_FUZZ_CASES", DEFAULT_CASES) };
    let first = env_number("JINGKANG_FUZZ_FIRST", 0);
    let corpus = corpus();
    std::fs::create_dir_all(failures_dir()).expect("a folder for failing cases");
    let start = Instant::now();
    let deadline = (minutes > 0).then(|| start + Duration::from_secs(minutes * 60));
    let finished = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let finished = finished.clone();
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let running = now_ms(start).saturating_sub(CASE_STARTED_MS.load(Ordering::Relaxed));
                if CASE.load(Ordering::Relaxed) != u64::MAX && running > CASE_TIME_LIMIT.as_millis() as u64 {
                    out_of_bounds("time (ms)", running as usize);
                }
            }
        })
    };
    let mut tally = Tally::default();
    let mut case = first;
    while case < first.saturating_add(cases) && deadline.is_none_or(|d| Instant::now() < d) {
        run_case(&corpus, seed, case, start, &mut tally);
        case += 1;
    }
    finished.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    println!(
        "fuzz: seed {seed}, {} cases in {:.1} s; {}; slowest case {} ({:.0} ms); largest input {} bytes; most memory held {:.1} MB (case {}); {} failures",
        tally.cases,
        start.elapsed().as_secs_f64(),
        tally.by_kind.iter().map(|(k, (v, r))| format!("{k}: {v} valid, {r} refused")).collect::<Vec<_>>().join(", "),
        tally.slowest.1,
        tally.slowest.0.as_secs_f64() * 1000.0,
        tally.largest_input,
        tally.peak_memory.0 as f64 / 1e6,
        tally.peak_memory.1,
        tally.failures.len(),
    );
    assert!(
        tally.failures.is_empty(),
        "{} cases failed (inputs in {}; replay one with JINGKANG_FUZZ_SEED={seed} JINGKANG_FUZZ_FIRST=N JINGKANG_FUZZ_CASES=1):\n{}",
        tally.failures.len(),
        failures_dir().display(),
        tally.failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// Plays case `case`: its own dice, so it can be replayed alone.
fn run_case(corpus: &Corpus, seed: u64, case: u64, start: Instant, tally: &mut Tally) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ case);
    let on_save = rng.random_bool(0.35);
    let (kind, path, original, input) = if on_save {
        let mut save = corpus.saves[rng.random_range(0..corpus.saves.len())].clone();
        for _ in 0..rng.random_range(1..=4) {
            mutate_json(&mut save, &mut rng);
        }
        let mut bytes = serde_json::to_vec(&save).expect("JSON");
        if rng.random_bool(0.1) {
            // Now and then, bytes rather than values: cut, or a stray character.
            let at = rng.random_range(0..bytes.len());
            if rng.random_bool(0.5) { bytes.truncate(at) } else { bytes.insert(at, b'{') }
        }
        let path = corpus.dir.path().join("fuzz-save.json");
        ("save", path, None, bytes)
    } else {
        // A main file, or one of its includes (the main file then loaded as shipped).
        let edit_include = rng.random_bool(0.3);
        let pick = if edit_include {
            rng.random_range(corpus.mains..corpus.files.len())
        } else {
            rng.random_range(0..corpus.mains)
        };
        let (relative, text) = &corpus.files[pick];
        let path = corpus.dir.path().join(relative);
        let kind = if edit_include { "include" } else { "scenario" };
        (kind, path, Some(text.clone()), mutate_text(text, &mut rng).into_bytes())
    };
    std::fs::write(&path, &input).expect("the case's file");
    let failure_copy =
        failures_dir().join(format!("case-{case}-{}", path.file_name().expect("a name").to_string_lossy()));
    let _ = std::fs::write(&failure_copy, &input);
    let main =
        if kind == "include" { corpus.dir.path().join(corpus.main_including(&path, &mut rng)) } else { path.clone() };
    PEAK.store(HELD.load(Ordering::Relaxed), Ordering::Relaxed);
    let held_before = HELD.load(Ordering::Relaxed);
    CASE_STARTED_MS.store(now_ms(start), Ordering::Relaxed);
    CASE.store(case, Ordering::Relaxed);
    LIMITED.store(true, Ordering::Relaxed);
    let began = Instant::now();
    let result = std::panic::catch_unwind(|| if on_save { save_case(&main) } else { scenario_case(&main) });
    let took = began.elapsed();
    LIMITED.store(false, Ordering::Relaxed);
    CASE.store(u64::MAX, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(held_before);
    if let Some(text) = original {
        std::fs::write(&path, text).expect("the shipped file back");
    }
    let outcome = match result {
        Ok(Ok(ending)) => Ok(ending),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("panicked (the message is above)".into()),
    };
    tally.cases += 1;
    tally.largest_input = tally.largest_input.max(input.len());
    if took > tally.slowest.0 {
        tally.slowest = (took, case);
    }
    if peak > tally.peak_memory.0 {
        tally.peak_memory = (peak, case);
    }
    let counts = tally.by_kind.entry(kind).or_default();
    match outcome {
        Ok(Ending::Valid) => counts.0 += 1,
        Ok(Ending::Refused) => counts.1 += 1,
        Err(e) => {
            tally.failures.push(format!("case {case} ({kind} {}): {e}", failure_copy.display()));
            return;
        }
    }
    let _ = std::fs::remove_file(&failure_copy);
}
