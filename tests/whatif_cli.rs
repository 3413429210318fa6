//! The `jingkang whatif` command: the same results whatever the thread count; CSV, JSON and charts.
use std::process::Command;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let base = ["whatif", "hebei_1125", "--runs", "300", "--seed", "5", "--json"];
    let one = jingkang(&[&base[..], &["--threads", "1"]].concat());
    let two = jingkang(&[&base[..], &["--threads", "2"]].concat());
    let three = jingkang(&[&base[..], &["--threads", "3"]].concat());
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, three.stdout);
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    let arm = &json["arms"][0];
    assert_eq!(arm["runs"], 300);
    let total_wins: u64 = arm["winners"].as_array().unwrap().iter().map(|w| w["wins"]["runs"].as_u64().unwrap()).sum();
    assert_eq!(total_wins, 300);
}

#[test]
fn compare_runs_both_sets_of_choices_and_shows_the_change() {
    let out = jingkang(&["whatif", "hebei_1125", "--runs", "200", "--compare", "--choose", "guo_yaoshi_turns=holds"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Choices: history  ->  guo_yaoshi_turns=holds (others: AI)"), "{text}");
    assert!(text.contains("Note: the AI answers the other events; add --historical"), "{text}");
    // Guo Yaoshi holding the frontier keeps Yanshan out of Jin's hands: the odds must fall.
    let (history, chosen) = shares(&text, "Yanshan is held by Jin");
    assert!(history > 50.0 && chosen < history, "{text}");
}

/// The two shares (in %) of the report line that starts with `what`: history's, then the choices'.
fn shares(report: &str, what: &str) -> (f64, f64) {
    let line = report.lines().find(|l| l.trim_start().starts_with(what)).unwrap_or_else(|| panic!("no line {what}"));
    let share = |part: &str| -> f64 {
        part.trim().split('%').next().and_then(|s| s.split_whitespace().last()).and_then(|s| s.parse().ok()).unwrap()
    };
    let (history, chosen) = line.split_once("->").unwrap_or_else(|| panic!("not a comparison: {line}"));
    (share(history), share(chosen))
}

/// The report of `whatif SCENARIO --runs RUNS --historical --compare --choose CHOICE`.
fn historical_comparison(scenario: &str, runs: &str, choice: &str) -> String {
    let out = jingkang(&["whatif", scenario, "--runs", runs, "--historical", "--compare", "--choose", choice]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn without_siege_engineers_kaifeng_holds_out_longer() {
    // Jin's court may hire Han engineers between the wars; without them its horsemen must starve
    // Kaifeng out, and the city outlasts the winter in many more runs. Every other answer is
    // history's.
    let text = historical_comparison("jingkang", "200", "jin_engineers=horsemen");
    let (history, chosen) = shares(&text, "Kaifeng falls by 1127-01");
    assert!(history > 70.0 && chosen < history - 10.0, "{text}");
}

#[test]
fn with_historical_only_the_chosen_answer_differs_between_the_two_sides() {
    let text = historical_comparison("hebei_1125", "100", "guo_yaoshi_turns=holds");
    assert!(text.contains("Choices: history  ->  guo_yaoshi_turns=holds (others: history)"), "{text}");
    assert!(!text.contains("Note:"), "{text}");
}

#[test]
fn csv_has_a_row_per_run_and_charts_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("runs.csv");
    let svg = dir.path().join("odds.svg");
    let png = dir.path().join("odds.png");
    for plot in [&svg, &png] {
        let out = jingkang(&[
            "whatif",
            "hebei_1125",
            "--runs",
            "50",
            "--csv",
            csv.to_str().unwrap(),
            "--plot",
            plot.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 51);
    assert!(rows.lines().next().unwrap().starts_with("arm,choices,run,seed,winner,final_date,check_yanshan_falls"));
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(svg_text.contains("<svg") && svg_text.contains("Who wins"));
    let png_bytes = std::fs::read(&png).unwrap();
    assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn bad_arguments_are_clear_errors() {
    let out = jingkang(&["whatif", "hebei_1125", "--plot", "odds.jpg"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: --plot odds.jpg: the chart is written as .svg or .png"
    );
    let out = jingkang(&["whatif", "hebei_1125", "--runs", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `--threads 30000` once spent minutes starting threads and never reported: now it is refused
/// at once, for every command that takes it, and the largest count allowed still plays.
#[test]
fn a_thread_count_beyond_the_cap_is_refused_before_any_thread_starts() {
    for command in [
        &["whatif", "hebei_1125", "--runs", "2"][..],
        &["calibrate", "hebei_1125", "--runs", "2"],
        &["tournament", "--games", "2", "--months", "2"],
    ] {
        let out = jingkang(&[command, &["--threads", "30000"]].concat());
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("30000 is more than the 256 threads a sweep can use"), "{command:?}: {stderr}");
    }
    let most = jingkang(&["whatif", "hebei_1125", "--runs", "3", "--json", "--threads", "256"]);
    let one = jingkang(&["whatif", "hebei_1125", "--runs", "3", "--json", "--threads", "1"]);
    assert!(most.status.success(), "{}", String::from_utf8_lossy(&most.stderr));
    assert_eq!(most.stdout, one.stdout);
}

#[test]
fn a_chart_or_csv_that_cannot_be_written_is_refused_before_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no such folder/odds.png");
    let out = jingkang(&["whatif", "hebei_1125", "--runs", "100000", "--plot", nowhere.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(&format!("error: --plot {}: ", nowhere.display())), "{stderr}");
    assert!(out.stdout.is_empty(), "no sweep ran: {}", String::from_utf8_lossy(&out.stdout));
    let out = jingkang(&["whatif", "hebei_1125", "--runs", "5", "--csv", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(&format!("error: --csv {}: ", dir.path().display())), "{stderr}");
}

#[test]
fn a_difficulty_is_named_in_the_report_and_changes_the_odds() {
    let base = ["whatif", "hebei_1125", "--runs", "200", "--seed", "3"];
    let normal = jingkang(&base);
    let hard = jingkang(&[&base[..], &["--difficulty", "hard"]].concat());
    assert!(hard.status.success(), "{}", String::from_utf8_lossy(&hard.stderr));
    let (normal, hard) = (String::from_utf8_lossy(&normal.stdout), String::from_utf8_lossy(&hard.stdout));
    assert!(hard.contains("\nDifficulty: hard\n"), "{hard}");
    assert!(!normal.contains("Difficulty:"), "normal is not worth a line: {normal}");
    // A stronger AI changes how campaigns go: the reports (past their timing line) differ.
    let body = |report: &str| report.split_once('\n').map(|(_, rest)| rest.replace("Difficulty: hard\n", "")).unwrap();
    assert_ne!(body(&normal), body(&hard));
    let bad = jingkang(&[&base[..], &["--difficulty", "brutal"]].concat());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("[possible values: easy, normal, hard]"));
}

/// The odds from a saved game: every run continues the save on its own dice, the same on any
/// thread count; the months before the save are settled in every run, the months after are not.
#[test]
fn the_odds_from_a_save_do_not_depend_on_the_thread_count_and_start_from_the_save() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let save = dir.path().join("mid.json");
    let save = save.to_str().expect("a UTF-8 path");
    let ran = jingkang(&["run", "jingkang", "--seed", "5", "--turns", "3", "--save", save]);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let base = ["whatif", "--from", save, "--runs", "300", "--seed", "9", "--json"];
    let one = jingkang(&[&base[..], &["--threads", "1"]].concat());
    let two = jingkang(&[&base[..], &["--threads", "2"]].concat());
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    assert_eq!(one.stdout, two.stdout);
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON");
    let history = json["arms"][0]["history"].as_array().expect("history checks").clone();
    let share = |id: &str| -> f64 {
        let check = history.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no check {id}: {history:?}"));
        check["matched"]["share"].as_f64().unwrap_or_else(|| panic!("no share in {check}"))
    };
    // Kaifeng was besieged in 1125-12 in the save's own months: settled in every run.
    assert_eq!(share("kaifeng_first_siege"), 1.0);
    // Whether Kaifeng falls is for the dice to say.
    let falls = share("kaifeng_falls");
    assert!(falls > 0.0 && falls < 1.0, "{falls}");
    // The report says where the runs start.
    let text = jingkang(&["whatif", "--from", save, "--runs", "20"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("played on from 1126-01 (the AI for every faction)"), "{text}");
    // The same scenario from its start is another sweep.
    let fresh = jingkang(&["whatif", "jingkang", "--runs", "300", "--seed", "9", "--json", "--threads", "1"]);
    assert_ne!(fresh.stdout, one.stdout);
}
