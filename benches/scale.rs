//! `cargo bench --bench scale`: how the simulation scales with the map, on maps `jingkang generate`
//! makes (8 factions at war, an army per twenty provinces): reading and checking the scenario,
//! starting a campaign on it, and playing one month.
//!
//! The sizes are 1,000 provinces by default; `JINGKANG_BENCH_PROVINCES=1000,4000,10000` adds the
//! larger ones of #24's targets. Routes are searched on demand and kept with the static data:
//! `twelve_months` plays a new campaign on new data (every route searched as a single game
//! searches it), `one_month` plays on data shared by every sample (as a sweep's runs share it).
use std::sync::Arc;

use divan::Bencher;
use jingkang::scenario::{ValidScenario, parse_scenario_text, validate_embedded};
use jingkang::sim::{Sim, SimOptions, StaticData};
use jingkang::sweep::{MapSize, generate_scenario};

fn main() {
    divan::main();
}

/// The map sizes measured.
fn sizes() -> Vec<usize> {
    let asked = std::env::var("JINGKANG_BENCH_PROVINCES").unwrap_or_else(|_| "1000".into());
    asked.split(',').filter_map(|n| n.trim().parse().ok()).collect()
}

fn text(provinces: usize) -> String {
    generate_scenario(&MapSize { provinces, factions: 8, seed: 1, months: 24 })
}

fn valid(text: &str) -> ValidScenario {
    let scenario = parse_scenario_text(text).unwrap_or_else(|e| panic!("the generated map does not parse: {e}"));
    validate_embedded(scenario, "generated").unwrap_or_else(|e| panic!("the generated map is invalid: {e}"))
}

/// Reading and checking the scenario's text.
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn load(bencher: Bencher, provinces: usize) {
    let text = text(provinces);
    bencher.bench_local(|| valid(&text));
}

/// From a checked scenario to a campaign ready to play its first month.
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn start_up(bencher: Bencher, provinces: usize) {
    let valid = valid(&text(provinces));
    bencher
        .bench_local(|| Sim::quiet(Arc::new(StaticData::new(&valid)), &SimOptions { seed: 1, ..Default::default() }));
}

/// The first twelve months of a new campaign on new static data: load aside, what a player
/// waits for in his first year.
#[divan::bench(args = sizes(), sample_count = 5, sample_size = 1)]
fn twelve_months(bencher: Bencher, provinces: usize) {
    let valid = valid(&text(provinces));
    let options = SimOptions { seed: 1, ..Default::default() };
    bencher.with_inputs(|| Sim::quiet(Arc::new(StaticData::new(&valid)), &options)).bench_local_values(|mut sim| {
        sim.run(Some(12));
        sim
    });
}

/// One month of the war, from the start (each sample on a fresh campaign, the static data and
/// its routes shared, as in a sweep).
#[divan::bench(args = sizes(), sample_count = 10, sample_size = 1)]
fn one_month(bencher: Bencher, provinces: usize) {
    let data = Arc::new(StaticData::new(&valid(&text(provinces))));
    bencher.with_inputs(|| Sim::quiet(data.clone(), &SimOptions { seed: 1, ..Default::default() })).bench_local_values(
        |mut sim| {
            sim.step();
            sim
        },
    );
}
