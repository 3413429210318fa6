//! Saves: continuing a saved game gives exactly what not stopping would have; bad saves are clear errors.
use std::sync::Arc;

use jingkang::scenario::{ScenarioRef, load_valid};
use jingkang::sim::{SaveError, Sim, SimOptions, Snapshot, StaticData};

fn new_game(seed: u64) -> Sim {
    let valid = load_valid(&ScenarioRef::Builtin("hebei_1125".into())).expect("built-in scenario is valid");
    Sim::new(Arc::new(StaticData::new(&valid)), &SimOptions { seed, ..Default::default() })
}

#[test]
fn save_then_continue_equals_uninterrupted() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, stop_after) in [(1, 1), (2, 3), (5, 4)] {
        let mut straight = new_game(seed);
        straight.run(None);

        let mut first = new_game(seed);
        first.run(Some(stop_after));
        let path = dir.path().join(format!("save-{seed}.json"));
        first.snapshot().save(&path).expect("saved");
        let mut resumed = Sim::restore(&Snapshot::load(&path).expect("loaded")).expect("restored");
        resumed.run(None);

        assert_eq!(resumed.report(), straight.report(), "seed {seed}, stopped after {stop_after} turns");
        assert_eq!(resumed.trends(), straight.trends(), "the outcome's charts, seed {seed}");
        assert_eq!(resumed.trends().len() as u32, straight.view().turn + 1, "a point a month and one at the start");
    }
}

#[test]
fn saving_replaces_the_old_save_whole_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.json");
    let mut game = new_game(1);
    game.snapshot().save(&path).unwrap();
    game.run(Some(2));
    game.snapshot().save(&path).unwrap();
    let loaded = Snapshot::load(&path).unwrap();
    assert_eq!(loaded, game.snapshot());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("game.json")]);
}

#[test]
fn a_corrupted_save_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.json");
    new_game(1).snapshot().save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();

    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    assert!(matches!(Snapshot::load(&path), Err(SaveError::NotASave(_))));

    std::fs::write(&path, "{\"hello\": 1}").unwrap();
    let e = Snapshot::load(&path).unwrap_err();
    assert_eq!(e.to_string(), format!("{}: not a Jingkang save file", path.display()));

    std::fs::write(&path, text.replacen("\"version\":1", "\"version\":99", 1)).unwrap();
    let e = Snapshot::load(&path).unwrap_err();
    assert_eq!(e.to_string(), format!("{}: the save is version 99; this build reads versions 1 to 2", path.display()));

    // A save whose tables do not fit its scenario.
    let mut snapshot = new_game(1).snapshot();
    snapshot.provinces.pop();
    std::fs::write(&path, serde_json::to_string(&snapshot).unwrap()).unwrap();
    let e = Snapshot::load(&path).unwrap_err();
    assert!(e.to_string().starts_with("the save is corrupted: 10 provinces saved, the scenario has 11"), "{e}");
}

#[test]
fn a_missing_save_names_the_file() {
    let e = Snapshot::load(std::path::Path::new("/nonexistent/save.json")).unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/save.json: "), "{e}");
}

#[test]
fn a_save_tells_its_scenario_and_month_without_being_restored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("game.json");
    let mut game = new_game(1);
    game.run(Some(2));
    game.snapshot().save(&path).unwrap();
    let header = Snapshot::peek(&path).expect("a save");
    assert_eq!(header.scenario, game.data().scenario.name);
    assert_eq!(header.date, game.data().scenario.start.plus_months(2));

    std::fs::write(&path, "{\"hello\": 1}").unwrap();
    assert!(matches!(Snapshot::peek(&path), Err(SaveError::NotASave(_))));
    let text = serde_json::to_string(&game.snapshot()).unwrap().replacen("\"version\":1", "\"version\":99", 1);
    std::fs::write(&path, text).unwrap();
    assert!(matches!(Snapshot::peek(&path), Err(SaveError::Version { found: 99, .. })));
}

#[test]
fn a_game_saved_while_levies_muster_continues_as_if_never_stopped() {
    let valid = load_valid(&ScenarioRef::Builtin("jingkang".into())).expect("built-in scenario is valid");
    let data = Arc::new(StaticData::new(&valid));
    let game = || Sim::new(data.clone(), &SimOptions { seed: 1, ..Default::default() });
    let mut straight = game();
    straight.run(None);
    // Play on to the first month that ends with a levy mustering.
    let mut first = game();
    while first.snapshot().levies.mustering.is_empty() {
        assert!(!first.is_over(), "the AI calls up no levy in this campaign");
        first.step();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("levies.json");
    first.snapshot().save(&path).expect("saved");
    let loaded = Snapshot::load(&path).expect("loaded");
    assert_eq!(loaded.version, 2, "levies are new to version 2 saves");
    let mut resumed = Sim::restore(&loaded).expect("restored");
    resumed.run(None);
    assert_eq!(resumed.report(), straight.report());
}
