//! Every built-in scenario validates, plays to its end, and is listed by `jingkang scenarios`.
use std::process::Command;

use jingkang::scenario::{ScenarioRef, builtin_scenarios, load_valid};

#[test]
fn every_builtin_scenario_validates() {
    let list = builtin_scenarios();
    assert!(!list.is_empty());
    for b in list {
        if let Err(e) = load_valid(&ScenarioRef::Builtin(b.id.clone())) {
            panic!("{} is invalid:\n{e}", b.id);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).args(["validate", &b.id]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}: {}", b.id, String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn every_builtin_scenario_is_listed() {
    let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).arg("scenarios").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for b in builtin_scenarios() {
        let valid = load_valid(&ScenarioRef::Builtin(b.id.clone())).unwrap();
        let line = text.lines().find(|l| l.starts_with(&b.id)).unwrap_or_else(|| panic!("{} is not listed", b.id));
        assert!(line.contains(&valid.name), "{line}");
        assert!(line.contains(&format!("{}-{}", valid.start.year, valid.end.year)), "{line}");
    }
}

#[test]
fn every_builtin_scenario_plays_to_its_end() {
    for b in builtin_scenarios() {
        let valid = load_valid(&ScenarioRef::Builtin(b.id.clone())).unwrap();
        let mut sim =
            jingkang::sim::Sim::from_scenario(&valid, &jingkang::sim::SimOptions { seed: 7, ..Default::default() });
        sim.run(None);
        assert!(sim.is_over(), "{} did not end", b.id);
    }
}
