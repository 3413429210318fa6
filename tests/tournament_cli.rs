//! `jingkang tournament`, and the AI without war plans (`--no-war-plans` on `run`, `whatif` and
//! `calibrate`).
use std::process::Command;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_tournament_prints_its_standings() {
    let out = jingkang(&["tournament", "--games", "10", "--months", "12", "--threads", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.contains("10 games on 5 generated maps"), "{text}");
    assert!(text.contains("took the enemy capital"), "{text}");
    assert!(text.contains("The strategic planner won"), "{text}");
    // The standings do not depend on the thread count.
    let again = jingkang(&["tournament", "--games", "10", "--months", "12", "--threads", "2"]);
    assert_eq!(stdout(&again), text);
}

#[test]
fn a_tournament_of_nothing_is_refused() {
    let out = jingkang(&["tournament", "--games", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--games"));
}

#[test]
fn a_printed_map_is_a_valid_scenario_a_player_can_run() {
    let out = jingkang(&["tournament", "--print-map", "3", "--seed", "9"]);
    assert!(out.status.success());
    let dir = tempfile::tempdir().expect("a temp folder");
    let file = dir.path().join("map.ron");
    std::fs::write(&file, &out.stdout).expect("written");
    let file = file.to_str().expect("a UTF-8 path");
    let valid = jingkang(&["validate", file]);
    assert!(valid.status.success(), "{}", String::from_utf8_lossy(&valid.stderr));
    let run = jingkang(&["run", file, "--seed", "2"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout(&run).contains("Outcome"), "{}", stdout(&run));
}

#[test]
fn without_war_plans_the_ai_plays_its_own_war() {
    let args = ["run", "jingkang", "--seed", "3", "--historical", "--json"];
    let planned = jingkang(&args);
    let alone = jingkang(&[&args[..], &["--no-war-plans"]].concat());
    assert!(planned.status.success() && alone.status.success());
    let hash = |o: &std::process::Output| {
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
        json["state_hash"].as_str().expect("a hash").to_string()
    };
    assert_ne!(hash(&planned), hash(&alone), "the plans change the war");
    let whatif = jingkang(&["whatif", "jingkang", "--runs", "20", "--no-war-plans"]);
    assert!(whatif.status.success());
    assert!(stdout(&whatif).contains("Without war plans"), "{}", stdout(&whatif));
    let calibrate = jingkang(&["calibrate", "jingkang", "--runs", "10", "--no-war-plans"]);
    assert!(stdout(&calibrate).contains("without war plans"), "{}", stdout(&calibrate));
    // A save carries the rule: `--load` plays on without plans.
    let conflict = jingkang(&["run", "--load", "x.sav", "--no-war-plans"]);
    assert_eq!(conflict.status.code(), Some(2));
}
