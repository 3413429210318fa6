//! Sharded sweeps: `whatif --shard K/N --out PART` and `jingkang merge PART...` give the report of
//! the whole sweep byte for byte (text, JSON, CSV, charts), whatever order the shards come in; and
//! every way a set of partials can be wrong is a clear error naming the file, never a panic.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn jingkang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Plays `whatif SWEEP...` in `count` shards into `dir`, and returns the partials' paths in the
/// order they are to be merged: the last first, then the others in order, so that a merge that
/// took them as given would put the runs out of order.
fn shards(dir: &Path, sweep: &[&str], count: u64) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = (1..=count)
        .map(|k| {
            let part = dir.join(format!("part-{k}-of-{count}.jsonl"));
            let shard = format!("{k}/{count}");
            let out = ok(jingkang(&[&["whatif"], sweep, &["--shard", &shard, "--out", text(&part)]].concat()));
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(said.starts_with(&format!("Shard {shard} of ")), "{said}");
            part
        })
        .collect();
    parts.rotate_right(1);
    parts
}

/// `jingkang merge PARTS... EXTRA...`.
fn merge(parts: &[PathBuf], extra: &[&str]) -> Output {
    let parts: Vec<&str> = parts.iter().map(|p| text(p)).collect();
    jingkang(&[&["merge"], &parts[..], extra].concat())
}

/// The text report without its first line's timing ("... from seed 4 in 0.3 s (700
/// campaigns/s)"): the seconds are a measurement, not a result, and differ from run to run.
fn without_timing(report: &[u8]) -> String {
    let report = String::from_utf8_lossy(report);
    let (first, rest) = report.split_once('\n').expect("a report of several lines");
    let (what, timing) = first.rsplit_once(" in ").expect("the first line gives the sweep's time");
    assert!(timing.ends_with(" campaigns/s)"), "{first}");
    format!("{what}\n{rest}")
}

/// The whole sweep `sweep` and its merge from `count` shards give the same text report, JSON
/// report, CSV and SVG chart.
fn assert_merged_equals_whole(sweep: &[&str], count: u64) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path();
    let whole_text = ok(jingkang(&[&["whatif"], sweep].concat()));
    let (csv, svg) = (d.join("whole.csv"), d.join("whole.svg"));
    let whole_json =
        ok(jingkang(&[&["whatif"], sweep, &["--json", "--csv", text(&csv), "--plot", text(&svg)]].concat()));
    let parts = shards(d, sweep, count);
    let merged_text = ok(merge(&parts, &[]));
    let (merged_csv, merged_svg) = (d.join("merged.csv"), d.join("merged.svg"));
    let merged_json = ok(merge(&parts, &["--json", "--csv", text(&merged_csv), "--plot", text(&merged_svg)]));
    assert_eq!(without_timing(&merged_text.stdout), without_timing(&whole_text.stdout), "{sweep:?}");
    assert_eq!(String::from_utf8_lossy(&merged_json.stdout), String::from_utf8_lossy(&whole_json.stdout));
    let read = |p: &Path| std::fs::read(p).expect("written");
    assert!(read(&csv) == read(&merged_csv), "the CSVs of {sweep:?} differ");
    assert!(read(&svg) == read(&merged_svg), "the charts of {sweep:?} differ");
    let runs: u64 = sweep[sweep.iter().position(|a| *a == "--runs").expect("--runs") + 1].parse().expect("a number");
    assert!(read(&csv).split(|b| *b == b'\n').count() as u64 > runs, "a row per run");
    // Nothing is left beside the partials: each was written to a temporary file and renamed.
    let mut names: Vec<String> = std::fs::read_dir(d)
        .expect("a folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into())
        .collect();
    names.retain(|n| n.starts_with('.'));
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn a_comparison_merged_from_three_shards_is_the_whole_sweeps_report() {
    // Both arms, the history one and the chosen one, are cut the same way: the CSV has every run
    // of the first arm before any of the second, as the whole sweep writes it.
    assert_merged_equals_whole(
        &["jingkang", "--runs", "90", "--seed", "4", "--compare", "--choose", "jin_engineers=horsemen"],
        3,
    );
}

#[test]
fn uneven_shards_historical_choices_and_a_difficulty_merge_to_the_whole_report() {
    // 100 runs in 7 shards: slices of 14 and 15 runs.
    assert_merged_equals_whole(
        &["hebei_1125", "--runs", "100", "--seed", "11", "--historical", "--difficulty", "hard", "--no-war-plans"],
        7,
    );
    // More shards than runs: some shards are empty, and the merge is still the sweep.
    assert_merged_equals_whole(&["hebei_1125", "--runs", "2", "--seed", "3"], 3);
}

#[test]
fn a_sweep_from_a_save_merges_to_the_whole_report_and_a_png_chart_too() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let save = dir.path().join("mid.json");
    ok(jingkang(&["run", "jingkang", "--seed", "5", "--turns", "3", "--save", text(&save)]));
    assert_merged_equals_whole(&["--from", text(&save), "--runs", "40", "--seed", "9", "--compare", "--historical"], 2);
    let sweep = ["--from", text(&save), "--runs", "30", "--seed", "2"];
    let png = dir.path().join("whole.png");
    let whole = ok(jingkang(&[&["whatif"][..], &sweep, &["--plot", text(&png)]].concat()));
    let parts = shards(dir.path(), &sweep, 2);
    let merged_png = dir.path().join("merged.png");
    let merged = ok(merge(&parts, &["--plot", text(&merged_png)]));
    assert!(String::from_utf8_lossy(&merged.stdout).contains("played on from 1126-01"));
    assert_eq!(without_timing(&merged.stdout), without_timing(&whole.stdout));
    assert!(std::fs::read(&png).expect("a chart") == std::fs::read(&merged_png).expect("a chart"));
}

/// `merge PARTS` fails with status 2, saying `message`, printing nothing on stdout.
#[track_caller]
fn refused(parts: &[PathBuf], message: &str) {
    let out = merge(parts, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim(), message);
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn partials_that_are_not_one_whole_sweep_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path();
    let sweep = ["hebei_1125", "--runs", "30", "--seed", "1"];
    let parts = shards(d, &sweep, 3);
    let [p3, p1, p2] = [&parts[0], &parts[1], &parts[2]].map(|p| text(p).to_string());
    let part = |k: &str| PathBuf::from(k);
    let at = |name: &str| d.join(name);
    ok(merge(&parts, &[]));

    refused(&[part(&p1), part(&p3)], "error: missing shard 2 (of 3): merge needs every shard of the sweep once");
    refused(&[part(&p1)], "error: missing shards 2, 3 (of 3): merge needs every shard of the sweep once");
    refused(&[part(&p1), part(&p2), part(&p3), part(&p2)], &format!("error: {p2} and {p2} are both shard 2/3"));

    let other_dir = d.join("other");
    let seed = shards(&other_dir, &["hebei_1125", "--runs", "30", "--seed", "2"], 3);
    refused(
        &[part(&p1), seed[2].clone(), part(&p3)],
        &format!("error: {p1} and {} are shards of different sweeps: from another base seed (1 vs 2)", text(&seed[2])),
    );
    let scenario = shards(&at("yanjing"), &["yanjing_1122", "--runs", "30", "--seed", "1"], 3);
    refused(
        &[part(&p1), scenario[2].clone(), part(&p3)],
        &format!(
            "error: {p1} and {} are shards of different sweeps: of another scenario (hebei_1125 vs yanjing_1122)",
            text(&scenario[2])
        ),
    );
    let runs = shards(&at("runs"), &["hebei_1125", "--runs", "31", "--seed", "1"], 3);
    refused(
        &[part(&p1), runs[2].clone(), part(&p3)],
        &format!(
            "error: {p1} and {} are shards of different sweeps: of another number of runs (30 vs 31)",
            text(&runs[2])
        ),
    );
    let compare = shards(&at("compare"), &["hebei_1125", "--runs", "30", "--seed", "1", "--compare"], 3);
    let out = merge(&[part(&p1), compare[2].clone(), part(&p3)], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("are shards of different sweeps: with other choices"));
    let four = shards(&at("four"), &sweep, 4);
    refused(
        &[part(&p1), four[2].clone(), part(&p3)],
        &format!(
            "error: {} is shard 2/4 but {p1} is shard 1/3: the shards of one sweep are of one count",
            text(&four[2])
        ),
    );
}

#[test]
fn damaged_truncated_and_foreign_files_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path();
    let parts = shards(d, &["hebei_1125", "--runs", "30", "--seed", "1"], 3);
    let second = std::fs::read(&parts[2]).expect("a partial");
    let with_second = |name: &str, bytes: &[u8]| {
        let path = d.join(name);
        std::fs::write(&path, bytes).expect("written");
        (vec![parts[1].clone(), path.clone(), parts[0].clone()], text(&path).to_string())
    };
    let newline_at = |n: usize| second.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(n).expect("lines").0;

    // A digit changed in a run (the last of its final year): still JSON, still a date, but not
    // what was written.
    let mut flipped = second.clone();
    let key = b"\"final_date\":\"";
    let year = flipped.windows(key.len()).position(|w| w == key).expect("a run's final date") + key.len() + 3;
    flipped[year] = if flipped[year] == b'9' { b'8' } else { flipped[year] + 1 };
    let (set, name) = with_second("flipped.jsonl", &flipped);
    refused(&set, &format!("error: {name}: damaged: its checksum does not match its contents"));

    // Cut off in the middle of a run, and after a whole run.
    let (set, name) = with_second("cut.jsonl", &second[..newline_at(4) - 100]);
    refused(&set, &format!("error: {name}: damaged: cut off after 2 of its 10 runs"));
    let (set, name) = with_second("cut-at-a-line.jsonl", &second[..=newline_at(4)]);
    refused(&set, &format!("error: {name}: damaged: cut off after 3 of its 10 runs"));
    let (set, name) = with_second("no-trailer.jsonl", &second[..second.len() - 20]);
    refused(&set, &format!("error: {name}: damaged: cut off in its last line"));
    let (set, name) = with_second("empty.jsonl", b"");
    refused(
        &set,
        &format!("error: {name}: not a partial sweep result (`jingkang whatif --shard K/N --out FILE` writes them)"),
    );

    // Another format version, another kind of file, a file that is not there.
    let newer = String::from_utf8_lossy(&second).replacen("\"version\":1,", "\"version\":9,", 1);
    let (set, name) = with_second("newer.jsonl", newer.as_bytes());
    refused(
        &set,
        &format!(
            "error: {name}: a partial of format version 9; this build reads version 1: merge it with the build that wrote it"
        ),
    );
    let save = d.join("save.json");
    ok(jingkang(&["run", "hebei_1125", "--turns", "1", "--save", text(&save)]));
    let (set, name) = with_second("a-save.jsonl", &std::fs::read(&save).expect("a save"));
    refused(
        &set,
        &format!("error: {name}: not a partial sweep result (`jingkang whatif --shard K/N --out FILE` writes them)"),
    );
    let (set, name) = with_second("binary.jsonl", &[0xff, 0xfe, 0x00, b'\n', 0x80]);
    refused(
        &set,
        &format!("error: {name}: not a partial sweep result (`jingkang whatif --shard K/N --out FILE` writes them)"),
    );
    let missing = d.join("no-such-part.jsonl");
    let out = merge(&[parts[1].clone(), missing.clone(), parts[0].clone()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!("error: {}: ", text(&missing))));

    // A header whose runs do not match its shard.
    let shifted = String::from_utf8_lossy(&second).replacen("\"first_run\":10,", "\"first_run\":9,", 1);
    let (set, name) = with_second("shifted.jsonl", shifted.as_bytes());
    refused(&set, &format!("error: {name}: damaged: shard 2/3 of 30 runs holds runs 10..20"));
}

#[test]
fn bad_shard_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let part = dir.path().join("part.jsonl");
    let cases = [
        ("0/3", "shards are numbered from 1: the first of 3 is 1/3"),
        ("4/3", "there is no shard 4 of 3: they are numbered 1 to 3"),
        ("1/0", "a sweep is cut into at least one shard"),
        ("2", "expected K/N, the K-th of N shards numbered from 1 (e.g. 2/3)"),
        ("a/3", "expected K/N, the K-th of N shards numbered from 1 (e.g. 2/3)"),
        ("2/3/4", "expected K/N, the K-th of N shards numbered from 1 (e.g. 2/3)"),
        ("-1/3", "expected K/N, the K-th of N shards numbered from 1 (e.g. 2/3)"),
        ("", "expected K/N, the K-th of N shards numbered from 1 (e.g. 2/3)"),
    ];
    for (shard, why) in cases {
        let shard_arg = format!("--shard={shard}");
        let out = jingkang(&["whatif", "hebei_1125", "--runs", "5", &shard_arg, "--out", text(&part)]);
        assert_eq!(out.status.code(), Some(2), "{shard}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: invalid value") && first.ends_with(&format!(": {why}")), "{shard}: {stderr}");
    }
    assert!(!part.exists(), "no partial is written for a bad shard");
    // A shard needs a file to go to; the report is merge's.
    let out = jingkang(&["whatif", "hebei_1125", "--runs", "5", "--shard", "1/2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out <PART>"));
    for report in [&["--json"][..], &["--csv", "runs.csv"], &["--plot", "odds.svg"]] {
        let out = jingkang(&[&["whatif", "hebei_1125", "--runs", "5", "--out", text(&part)][..], report].concat());
        assert_eq!(out.status.code(), Some(2), "{report:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"), "{report:?}");
    }
    // A partial that cannot be written is said at once, before the runs.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").expect("written");
    let inside = blocked.join("part.jsonl");
    let out = jingkang(&["whatif", "hebei_1125", "--runs", "5", "--shard", "1/2", "--out", text(&inside)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!("error: {}: ", text(&inside))));
    // A merge needs at least one partial.
    assert_eq!(jingkang(&["merge"]).status.code(), Some(2));
}

#[test]
fn the_whole_sweep_as_one_partial_merges_alone() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let part = dir.path().join("all.jsonl");
    let sweep = ["hebei_1125", "--runs", "20", "--seed", "8", "--json"];
    let whole = ok(jingkang(&[&["whatif"][..], &sweep].concat()));
    ok(jingkang(&["whatif", "hebei_1125", "--runs", "20", "--seed", "8", "--out", text(&part)]));
    let merged = ok(merge(&[part], &["--json"]));
    assert_eq!(String::from_utf8_lossy(&merged.stdout), String::from_utf8_lossy(&whole.stdout));
}
