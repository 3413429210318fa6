//! A sweep's memory stays flat: a reused simulation keeps nothing of the campaigns it played.
use std::sync::Arc;

use jingkang::scenario::{ScenarioRef, load_valid};
use jingkang::sim::{Sim, SimOptions, StaticData};

/// Pages of data (heap) the process has, from Linux's /proc.
#[cfg(target_os = "linux")]
fn data_pages() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    statm.split_whitespace().nth(5).and_then(|n| n.parse().ok()).expect("the data field of statm")
}

#[cfg(target_os = "linux")]
#[test]
fn replaying_campaigns_on_one_simulation_does_not_grow_memory() {
    let valid = load_valid(&ScenarioRef::Builtin("grand_campaign".into())).expect("built-in");
    let mut sim = Sim::new(Arc::new(StaticData::new(&valid)), &SimOptions::default());
    let mut play = |runs: std::ops::Range<u64>| {
        for seed in runs {
            sim.reset(&SimOptions { seed, ..Default::default() });
            sim.run(None);
        }
    };
    // Warm up: buffers reach their working size.
    play(0..20);
    let before = data_pages();
    play(20..170);
    let grown_kib = data_pages().saturating_sub(before) * 4;
    // A leak of even 7 KiB a campaign (what removal records once cost) would show as 1 MiB here.
    assert!(grown_kib < 512, "150 more campaigns grew the heap by {grown_kib} KiB");
}
