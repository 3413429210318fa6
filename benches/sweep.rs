//! `cargo bench`: the time of one campaign of each built-in scenario, played as a sweep's worker
//! plays it (the strategic AI), of a grand campaign with the classic (easy) AI beside it, of the
//! 10,000-run `grand_campaign` sweep whose target is 5 seconds on two cores, and of a small AI
//! tournament.
use std::sync::Arc;

use divan::Bencher;
use jingkang::scenario::{Difficulty, ScenarioRef, builtin_scenarios, load_valid};
use jingkang::sim::{Sim, SimOptions, StaticData};
use jingkang::sweep::{SweepOptions, TournamentOptions, sweep, tournament};

fn main() {
    divan::main();
}

/// Every built-in scenario, so a new one is timed without editing this file.
fn builtin_ids() -> Vec<String> {
    builtin_scenarios().into_iter().map(|s| s.id).collect()
}

fn prepared(id: &str) -> Arc<StaticData> {
    match load_valid(&ScenarioRef::parse(id)) {
        Ok(valid) => Arc::new(StaticData::new(&valid)),
        Err(e) => panic!("the built-in scenario {id} does not load: {e}"),
    }
}

/// One campaign on a reused world: set back to the start with a new seed, then played to its end.
#[divan::bench(args = builtin_ids())]
fn campaign(bencher: Bencher, id: &str) {
    play_campaigns(bencher, prepared(id));
}

/// Times campaigns of `data` as a sweep's worker plays them, a new seed each.
fn play_campaigns(bencher: Bencher, data: Arc<StaticData>) {
    let mut sim = Sim::quiet(data, &SimOptions::default());
    let mut seed = 0;
    bencher.bench_local(|| {
        seed += 1;
        sim.reset(&SimOptions { seed, ..Default::default() });
        sim.run(None);
        sim.summary()
    });
}

/// The measure: 10,000 grand campaigns on every core, as `jingkang whatif` runs them.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn grand_campaign_sweep_10000_runs(bencher: Bencher) {
    let data = prepared("grand_campaign");
    let options = SweepOptions { runs: 10_000, seed: 1, ..Default::default() };
    bencher.bench_local(|| {
        let mut played = 0u64;
        if let Err(e) = sweep(&data, &options, &|| {}, |_, _| played += 1) {
            panic!("cannot start worker threads: {e}");
        }
        played
    });
}

/// A grand campaign played by the classic AI (the easy level), to set beside `campaign`'s
/// strategic planner: what the smarter AI costs.
#[divan::bench]
fn grand_campaign_classic_ai(bencher: Bencher) {
    let valid = match load_valid(&ScenarioRef::parse("grand_campaign")) {
        Ok(valid) => valid,
        Err(e) => panic!("the grand campaign does not load: {e}"),
    };
    play_campaigns(bencher, Arc::new(StaticData::at_difficulty(&valid, Some(Difficulty::Easy))));
}

/// Twenty tournament games on one thread: maps generated, validated and played.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn tournament_20_games(bencher: Bencher) {
    let options = TournamentOptions { games: 20, threads: 1, ..TournamentOptions::default() };
    bencher.bench_local(|| match tournament(&options, &|| {}) {
        Ok(standings) => standings.decided(),
        Err(e) => panic!("the tournament cannot be played: {e}"),
    });
}
