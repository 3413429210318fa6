//! Determinism: the same scenario, seed and choices give the same game, bit for bit, on any thread.
use std::sync::Arc;

use jingkang::scenario::{ScenarioRef, load_valid};
use jingkang::sim::{Chronicle, Sim, SimOptions, StaticData};

fn data() -> Arc<StaticData> {
    let valid = load_valid(&ScenarioRef::Builtin("hebei_1125".into())).expect("built-in scenario is valid");
    Arc::new(StaticData::new(&valid))
}

fn final_hash(data: &Arc<StaticData>, options: &SimOptions) -> String {
    let mut sim = Sim::new(data.clone(), options);
    sim.run(None);
    sim.report().state_hash
}

#[test]
fn the_same_seed_gives_the_same_state_hash() {
    let data = data();
    for seed in [1, 2, 99] {
        let options = SimOptions { seed, ..Default::default() };
        assert_eq!(final_hash(&data, &options), final_hash(&data, &options), "seed {seed}");
    }
}

#[test]
fn different_seeds_give_different_games() {
    let data = data();
    let hashes: std::collections::BTreeSet<String> =
        (1..=8).map(|seed| final_hash(&data, &SimOptions { seed, ..Default::default() })).collect();
    assert!(hashes.len() >= 4, "only {} distinct outcomes in 8 seeds", hashes.len());
}

#[test]
fn threads_do_not_change_the_result() {
    let data = data();
    let serial: Vec<String> =
        (0..6).map(|seed| final_hash(&data, &SimOptions { seed, ..Default::default() })).collect();
    let parallel: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|seed| {
                let data = data.clone();
                scope.spawn(move || final_hash(&data, &SimOptions { seed, ..Default::default() }))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    assert_eq!(serial, parallel);
}

#[test]
fn imposed_choices_are_taken_and_reported() {
    let data = data();
    let imposed = data.resolve_choices(&["guo_yaoshi_turns=holds".to_string()]).expect("known choice");
    let mut sim = Sim::new(data.clone(), &SimOptions { seed: 3, historical: true, imposed, ..Default::default() });
    sim.run(None);
    let report = sim.report();
    let guo = report.choices.iter().find(|c| c.event == "guo_yaoshi_turns").expect("the event fired");
    assert_eq!(guo.option, "holds");
    assert!(!guo.historical);
    assert!(report.choices.iter().filter(|c| c.event != "guo_yaoshi_turns").all(|c| c.historical));
}

#[test]
fn unknown_choices_are_clear_errors() {
    let data = data();
    let e = data.resolve_choices(&["guo_yaoshi_turn=holds".to_string()]).unwrap_err();
    assert_eq!(e.to_string(), "unknown event \"guo_yaoshi_turn\" (did you mean \"guo_yaoshi_turns\"?)");
    let e = data.resolve_choices(&["guo_yaoshi_turns=flees".to_string()]).unwrap_err();
    assert_eq!(e.to_string(), "event \"guo_yaoshi_turns\" has no option \"flees\" (its options: defects, holds)");
    let e = data.resolve_choices(&["guo_yaoshi_turns".to_string()]).unwrap_err();
    assert_eq!(e.to_string(), "\"guo_yaoshi_turns\" is not EVENT=OPTION");
}

#[test]
fn a_reset_campaign_plays_exactly_like_a_new_one() {
    let data = data();
    let mut reused = Sim::new(data.clone(), &SimOptions { seed: 40, ..Default::default() });
    reused.run(None);
    for seed in [1, 2, 3, 40] {
        let options = SimOptions { seed, historical: seed % 2 == 0, ..Default::default() };
        reused.reset(&options);
        reused.run(None);
        let mut fresh = Sim::new(data.clone(), &options);
        fresh.run(None);
        assert_eq!(reused.report(), fresh.report(), "seed {seed}");
    }
}

#[test]
fn a_quiet_campaign_writes_no_chronicle_and_ends_exactly_the_same() {
    let data = data();
    for seed in [3, 4, 5] {
        let options = SimOptions { seed, ..Default::default() };
        let mut told = Sim::new(data.clone(), &options);
        let mut quiet = Sim::quiet(data.clone(), &options);
        told.run(None);
        quiet.run(None);
        assert_eq!(quiet.summary(), told.summary(), "seed {seed}");
        assert!(!told.world().resource::<Chronicle>().0.is_empty(), "seed {seed}");
        assert!(quiet.world().resource::<Chronicle>().0.is_empty(), "seed {seed}");
    }
}
