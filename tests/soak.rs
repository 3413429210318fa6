//! The soak: many campaigns of every built-in scenario, each on its own dice with random answers to
//! the events (imposed, historical or the AI's), at every difficulty, with and without the war
//! plans, some with a random player who answers at random and gives random orders (armies sent
//! anywhere, other factions' armies, levies of any size, proposals, wars); the state's invariants
//! (`Sim::invariant_violations`: nothing negative or not finite, scales in bounds, every army in a
//! province, indices in range, sieges between factions at war) are checked at every month's end,
//! and the calendar must move one month at a time.
//!
//! The test runs `JINGKANG_SOAK_CAMPAIGNS` campaigns (default 2,000, about half a minute in a debug build);
//! the full soak is `JINGKANG_SOAK_CAMPAIGNS=10000 cargo test --release --test soak -- --nocapture`.
//! A failure names the campaign; `JINGKANG_SOAK_FIRST=N JINGKANG_SOAK_CAMPAIGNS=1` plays it alone,
//! and with `JINGKANG_SOAK_CHRONICLE=1` shows the chronicle's last lines before it.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jingkang::scenario::{Difficulty, ScenarioRef, builtin_scenarios, load_valid};
use jingkang::sim::{ArmyIx, FactionIx, Order, Proposal, ProvinceIx, Sim, SimOptions, StaticData};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Campaigns the test plays unless told otherwise.
const DEFAULT_CAMPAIGNS: u64 = 2_000;

/// One scenario as the soak plays it, at one difficulty, with or without its war plans.
struct Variant {
    name: String,
    data: Arc<StaticData>,
}

fn variants() -> Vec<Variant> {
    let mut out = Vec::new();
    for builtin in builtin_scenarios() {
        let valid = load_valid(&ScenarioRef::Builtin(builtin.id.clone())).expect("a built-in scenario is valid");
        for difficulty in [None, Some(Difficulty::Easy), Some(Difficulty::Hard)] {
            for war_plans in [true, false] {
                let name = format!("{} at {difficulty:?}, war plans {war_plans}", builtin.id);
                out.push(Variant { name, data: Arc::new(StaticData::configured(&valid, difficulty, war_plans)) });
            }
        }
    }
    out
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What one campaign of the soak does, drawn from its own seed.
struct Plan {
    options: SimOptions,
    /// The faction a random player plays, if any.
    player: Option<FactionIx>,
}

fn plan(data: &StaticData, rng: &mut ChaCha8Rng, seed: u64) -> Plan {
    let events = &data.scenario.events;
    let mut imposed = BTreeMap::new();
    for (e, event) in events.iter().enumerate() {
        if !event.options.is_empty() && rng.random_bool(0.5) {
            imposed.insert(e, rng.random_range(0..event.options.len()));
        }
    }
    let factions = data.scenario.factions.len();
    let player = rng.random_bool(0.25).then(|| FactionIx::new(rng.random_range(0..factions)));
    let humans = player.into_iter().collect();
    let options = SimOptions { seed, historical: rng.random_bool(0.3), imposed, humans };
    Plan { options, player }
}

/// A random order of `player`'s, often one the rules must refuse or make the best of.
fn random_order(sim: &Sim, rng: &mut ChaCha8Rng) -> Order {
    let data = sim.data();
    let provinces = data.scenario.provinces.len();
    let factions = data.scenario.factions.len();
    let slots = data.army_slots();
    let view = sim.view();
    // Mostly an army in the field (own or not), sometimes any slot.
    let army = if !view.armies.is_empty() && rng.random_bool(0.8) {
        view.armies[rng.random_range(0..view.armies.len())].ix
    } else {
        ArmyIx::new(rng.random_range(0..slots))
    };
    let province = ProvinceIx::new(rng.random_range(0..provinces));
    let faction = FactionIx::new(rng.random_range(0..factions));
    let men = [-1000.0, 0.0, 1.0, 500.0, 20_000.0, 1e9, 1e300][rng.random_range(0..7)];
    match rng.random_range(0..10) {
        0..=2 => Order::March { army, to: province },
        3 => Order::Hold { army },
        4 => Order::Besiege { army, assault: rng.random_bool(0.5) },
        5 => {
            let target = view.armies.get(rng.random_range(0..view.armies.len().max(1))).map_or(army, |a| a.ix);
            Order::Raid { army, target }
        }
        6 => Order::Levy { province, men },
        7 => Order::Disband { army },
        8 => {
            let proposal = match rng.random_range(0..4) {
                0 => Proposal::Peace { indemnity: men, ceded: vec![province] },
                1 => Proposal::Demand { indemnity: men, ceded: vec![province] },
                2 => Proposal::Truce { months: rng.random_range(0..1000) },
                _ => Proposal::Alliance { against: faction },
            };
            Order::Propose { to: faction, proposal }
        }
        _ => match rng.random_bool(0.5) {
            true => Order::DeclareWar { on: faction },
            false => Order::AnswerProposal { proposal: rng.random_range(0..4), accept: rng.random_bool(0.5) },
        },
    }
}

/// Plays campaign `index` to its end, checking the invariants every month; the months played.
fn soak_one(variants: &[Variant], index: u64) -> Result<u64, String> {
    let variant = &variants[(index % variants.len() as u64) as usize];
    let mut rng = ChaCha8Rng::seed_from_u64(index.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x50a4);
    let Plan { options, player } = plan(&variant.data, &mut rng, index);
    // With a chronicle, a failure shows the months that led to it (the game is the same).
    let told = std::env::var_os("JINGKANG_SOAK_CHRONICLE").is_some();
    let mut sim =
        if told { Sim::new(variant.data.clone(), &options) } else { Sim::quiet(variant.data.clone(), &options) };
    let fail = |sim: &Sim, what: String| {
        let lines = &sim.chronicle().0;
        let last: Vec<String> =
            lines[lines.len().saturating_sub(60)..].iter().map(|e| format!("  {} {}", e.date, e.text)).collect();
        format!("campaign {index} ({}), turn {}: {what}\n{}", variant.name, sim.view().turn, last.join("\n"))
    };
    let mut before = sim.view().date;
    let mut months = 0;
    while !sim.is_over() {
        if let Some(player) = player {
            for event in sim.awaiting().to_vec() {
                let options = variant.data.scenario.events[event].options.len().max(1);
                sim.answer(event, rng.random_range(0..options));
            }
            for _ in 0..rng.random_range(0..4) {
                let order = random_order(&sim, &mut rng);
                sim.give(player, order);
            }
        }
        sim.step();
        months += 1;
        let violations = sim.invariant_violations();
        if !violations.is_empty() {
            return Err(fail(&sim, violations.join("; ")));
        }
        let now = sim.view().date;
        if !sim.is_over() && now != before.plus_months(1) {
            return Err(fail(&sim, format!("the calendar went from {before} to {now}")));
        }
        before = now;
        if months > 100_000 {
            return Err(fail(&sim, "the campaign never ends".into()));
        }
    }
    Ok(months)
}

#[test]
fn every_month_of_many_random_campaigns_keeps_the_invariants() {
    let campaigns = env_number("JINGKANG_SOAK_CAMPAIGNS", DEFAULT_CAMPAIGNS);
    let first = env_number("JINGKANG_SOAK_FIRST", 0);
    let variants = variants();
    let started = std::time::Instant::now();
    let months = AtomicU64::new(0);
    let next = AtomicU64::new(first);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut failures = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= first + campaigns {
                            return failures;
                        }
                        let played = std::panic::catch_unwind(|| soak_one(&variants, index));
                        match played {
                            Ok(Ok(m)) => {
                                months.fetch_add(m, Ordering::Relaxed);
                            }
                            Ok(Err(e)) => failures.push(e),
                            Err(_) => failures.push(format!("campaign {index} panicked (see above)")),
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a soak worker")).collect()
    });
    println!(
        "soak: {campaigns} campaigns from {first}, {} months, {} failures, {:.1} s",
        months.load(Ordering::Relaxed),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {campaigns} campaigns broke an invariant:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
