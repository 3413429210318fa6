//! Replays: a save's command log, played again from the campaign's start, matches every month of
//! campaigns of several scenarios, seeds, players, orders and answers, saved and continued at
//! random months; a corrupted order is named by its month; a save without a log says so.
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use jingkang::scenario::{ScenarioRef, load_valid};
use jingkang::sim::{FactionIx, Order, Parting, ProvinceIx, Sim, SimOptions, Snapshot, StaticData, replay};

/// A small seeded generator (SplitMix64), so the test's own choices are as repeatable as the game.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (which must be above 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn data(id: &str) -> Arc<StaticData> {
    let valid = load_valid(&ScenarioRef::Builtin(id.into())).expect("built-in scenario is valid");
    Arc::new(StaticData::new(&valid))
}

/// Saves `sim` to `path` and loads it back, as a player would between sessions.
fn save_and_load(sim: &Sim, path: &Path) -> Snapshot {
    sim.snapshot().save(path).expect("saved");
    Snapshot::load(path).expect("loaded")
}

/// Plays `months` months, the humans answering what awaits them and giving their armies random
/// orders (marches where a road leads, holds, sieges), the AI playing everyone else.
fn play(sim: &mut Sim, dice: &mut Dice, months: u32) {
    for _ in 0..months {
        if sim.is_over() {
            return;
        }
        let view = sim.view();
        for event in sim.awaiting().to_vec() {
            let options = sim.data().scenario.events[event].options.len();
            sim.answer(event, dice.below(options));
        }
        let humans = sim.world().resource::<jingkang::sim::Players>().humans.clone();
        for army in view.armies.iter().filter(|a| humans.contains(&a.owner)) {
            let order = match dice.below(4) {
                0 => Order::Hold { army: army.ix },
                1 => Order::Besiege { army: army.ix, assault: dice.chance(50) },
                _ => {
                    let to = ProvinceIx::new(dice.below(view.provinces.len()));
                    if sim.route(army.ix, to).is_none() {
                        continue;
                    }
                    Order::March { army: army.ix, to }
                }
            };
            sim.give(army.owner, order);
        }
        sim.step();
    }
}

#[test]
fn fifty_campaigns_saved_at_random_months_replay_month_for_month() {
    fifty_campaigns(7);
}

/// The same with the dice of base 2025, whose campaign #18 (Alliance on the Sea, seed 1159) is
/// saved in the month after a commander fell in battle: his death, carried out with the next
/// month's effects, must travel in the save (it was lost before saves kept effects in flight).
#[test]
fn fifty_campaigns_of_another_base_replay_month_for_month() {
    fifty_campaigns(2025);
}

/// More bases, for a long hunt: `JINGKANG_REPLAY_BASES=1-40 cargo test --test replay -- --ignored`.
#[test]
#[ignore = "a long hunt over many bases; run by hand"]
fn many_bases_replay_month_for_month() {
    let bases = std::env::var("JINGKANG_REPLAY_BASES").unwrap_or_else(|_| "1-10".into());
    let (from, to) = bases.split_once('-').expect("JINGKANG_REPLAY_BASES is FROM-TO");
    for base in from.parse::<u64>().expect("a number")..=to.parse::<u64>().expect("a number") {
        fifty_campaigns(base);
    }
}

/// Plays fifty campaigns with dice of `base`, saved and continued at random months, and checks that
/// each one's save replays month for month.
fn fifty_campaigns(base: u64) {
    let scenarios =
        ["hebei_1125", "yanjing_1122", "alliance_on_the_sea", "jingkang", "grand_campaign"].map(|id| (id, data(id)));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut dice = Dice(base);
    let (mut months_checked, mut orders_logged, mut answers_logged, mut seatings) = (0, 0, 0, 0);
    for campaign in 0..50 {
        let (id, data) = &scenarios[campaign % scenarios.len()];
        let factions = data.scenario.factions.len();
        let mut options = SimOptions { seed: dice.next() % 10_000, historical: dice.chance(20), ..Default::default() };
        // Half the campaigns have a human from the start; some more are taken over after a save.
        if campaign % 2 == 0 {
            options.humans.insert(FactionIx::new(dice.below(factions)));
        }
        let faction = FactionIx::new(dice.below(factions));
        let mut sim = Sim::new(data.clone(), &options);
        let months = 1 + dice.below(12) as u32;
        play(&mut sim, &mut dice, months);
        let path = dir.path().join(format!("{campaign}.json"));
        let mut sim = Sim::restore(&save_and_load(&sim, &path)).expect("restores");
        // Some are taken over by another player (the one before may leave a decision open, which
        // the AI then answers), some have an answer imposed, as a fork of the window does.
        if campaign % 3 == 0 {
            sim.seat(&[faction]);
            seatings += 1;
        }
        if campaign % 4 == 1 {
            let event = dice.below(data.scenario.events.len());
            sim.impose(event, dice.below(data.scenario.events[event].options.len()));
        }
        let months = dice.below(12) as u32;
        play(&mut sim, &mut dice, months);
        let played = sim.view().turn as usize;
        let saved = save_and_load(&sim, &path);
        let log = &saved.log;
        assert_eq!(log.months.len(), played, "{id} #{campaign}: one entry a month, from the campaign's first");
        if let Some(first) = log.months.first() {
            assert_eq!(first.date, data.scenario.start, "{id} #{campaign}: the log starts at the scenario's start");
        }
        orders_logged += log.months.iter().map(|m| m.orders.len()).sum::<usize>();
        answers_logged += log.months.iter().map(|m| m.answers.len()).sum::<usize>();
        let mut progress = Vec::new();
        let report = replay(&saved, &mut |n| progress.push(n)).expect("replays");
        assert_eq!(report.divergence, None, "{id} #{campaign} (seed {}) diverged", options.seed);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert_eq!(report.matched, played);
        assert_eq!(progress, (1..=played).collect::<Vec<_>>(), "progress reported a month at a time");
        months_checked += played;
    }
    assert!(months_checked > 300, "only {months_checked} months replayed");
    assert!(orders_logged > 50 && answers_logged > 0, "{orders_logged} orders and {answers_logged} answers logged");
    assert!(seatings > 10);
}

/// A campaign of Hebei with Song's first army ordered to march in its third month, saved in its
/// sixth; the month (index) the order was given in.
fn campaign_with_a_march(path: &Path) -> (Snapshot, usize) {
    let data = data("hebei_1125");
    let mut sim = Sim::new(data.clone(), &SimOptions { seed: 4, ..Default::default() });
    let song = FactionIx::new(data.scenario.factions.iter().position(|f| f.id == "song").expect("Song plays Hebei"));
    sim.seat(&[song]);
    sim.run(Some(2));
    let view = sim.view();
    let army = view.armies.iter().find(|a| a.owner == song).expect("Song has an army");
    let to = (0..view.provinces.len())
        .map(ProvinceIx::new)
        .find(|p| *p != army.location && sim.route(army.ix, *p).is_some())
        .expect("somewhere to march");
    sim.give(song, Order::March { army: army.ix, to });
    sim.run(Some(4));
    let snapshot = save_and_load(&sim, path);
    assert_eq!(snapshot.log.months[2].orders, vec![(song, Order::March { army: army.ix, to })]);
    (snapshot, 2)
}

fn replay_cli(path: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).arg("replay").arg(path).output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_corrupted_order_is_named_by_the_month_it_was_given() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("save.json");
    let (mut snapshot, month) = campaign_with_a_march(&path);
    let (code, out, _) = replay_cli(&path);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.trim(), "replayed 6 months: every month matches (1125-10 to 1126-03), and so does the state saved");

    // The march becomes a hold: the army's plan, part of the state, differs by the end of the very
    // month the order was applied in (orders are applied and armies move within the month).
    let (_, order) = &mut snapshot.log.months[month].orders[0];
    let army = order.army().expect("an army's order");
    *order = Order::Hold { army };
    snapshot.save(&path).expect("saved");
    let (code, out, _) = replay_cli(&path);
    assert_eq!(code, Some(1), "{out}");
    let date = snapshot.log.months[month].date;
    assert_eq!(date.to_string(), "1125-12");
    assert!(out.starts_with("1125-12: the replay differs from the save (hash "), "{out}");
    assert!(out.trim_end().ends_with("; the first 2 months matched"), "{out}");
    let report = replay(&snapshot, &mut |_| {}).expect("replays");
    let divergence = report.divergence.expect("diverges");
    assert_eq!((divergence.date, divergence.matched), (date, month));
    assert!(matches!(divergence.kind, Parting::Hash { .. }));
}

#[test]
fn a_corrupted_answer_or_state_is_found_too() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (snapshot, _) = campaign_with_a_march(&dir.path().join("save.json"));
    // A different hash logged for the fourth month: that month is named, after three that matched.
    let mut edited = snapshot.clone();
    edited.log.months[3].hash ^= 1;
    let report = replay(&edited, &mut |_| {}).expect("replays");
    let divergence = report.divergence.expect("diverges");
    assert_eq!((divergence.date.to_string(), divergence.matched), ("1126-01".to_string(), 3));
    // The saved state itself changed after the last month: every month matches, the end does not.
    let mut edited = snapshot.clone();
    edited.factions[0].treasury.silver += 1.0;
    let report = replay(&edited, &mut |_| {}).expect("replays");
    let divergence = report.divergence.expect("diverges");
    assert_eq!(divergence.matched, 6);
    assert!(matches!(divergence.kind, Parting::FinalState { .. }));
}

#[test]
fn another_build_of_the_rules_or_an_edited_scenario_is_warned_of() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("save.json");
    let (mut snapshot, _) = campaign_with_a_march(&path);
    let start = snapshot.log.start.as_mut().expect("a log");
    start.rules = "0.0.1+00000000".into();
    snapshot.save(&path).expect("saved");
    let (code, out, err) = replay_cli(&path);
    assert_eq!(code, Some(0), "the same rules in effect: {out}");
    assert!(
        err.contains("warning: written by a different build of the rules (0.0.1+00000000; this build is "),
        "{err}"
    );
    assert!(err.trim_end().ends_with("): its replay may differ"), "{err}");
    snapshot.scenario.rules.levy_months += 1.0;
    let report = replay(&snapshot, &mut |_| {}).expect("replays");
    assert!(report.warnings.iter().any(|w| w.starts_with("this save's scenario differs")), "{:?}", report.warnings);
}

#[test]
fn a_save_from_before_command_logs_says_it_cannot_be_replayed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("old.json");
    let mut sim = Sim::new(data("hebei_1125"), &SimOptions { seed: 2, ..Default::default() });
    sim.run(Some(3));
    let mut json = serde_json::to_value(sim.snapshot()).expect("serializes");
    json.as_object_mut().expect("an object").remove("log").expect("the save holds a log");
    std::fs::write(&path, json.to_string()).expect("written");
    let (code, out, err) = replay_cli(&path);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        err.trim(),
        format!(
            "error: {}: this save was written before command logs were kept (save version 1); it can be continued but not replayed",
            path.display()
        )
    );
    // It still continues, keeping no log: its game cannot be replayed from its start.
    let mut resumed = Sim::restore(&Snapshot::load(&path).expect("loads")).expect("restores");
    resumed.step();
    assert!(!resumed.log().is_kept());
}

#[test]
fn a_quiet_campaign_keeps_no_log() {
    let data = data("hebei_1125");
    let options = SimOptions { seed: 1, ..Default::default() };
    let mut quiet = Sim::quiet(data.clone(), &options);
    quiet.run(Some(3));
    assert!(quiet.log().is_empty());
    let mut told = Sim::new(data, &options);
    told.run(Some(3));
    assert_eq!(told.log().months.len(), 3);
    assert_eq!(told.summary(), quiet.summary(), "logging changes no outcome");
}

/// A campaign of the Jingkang sieges played to its end by the AI, its save, and the event the
/// Song court answers in 1126-02 (Yao Pingzhong's night raid) with the option it did not take.
fn jingkang_to_the_end() -> (Snapshot, String) {
    let data = data("jingkang");
    let mut sim = Sim::new(data.clone(), &SimOptions { seed: 5, ..Default::default() });
    sim.run(None);
    let snapshot = sim.snapshot();
    let chose_raid =
        snapshot.chronicle.0.iter().any(|e| e.text.contains("night raid") && e.text.contains("raid the Jin"));
    let other = if chose_raid { "night_raid=wait" } else { "night_raid=raid" };
    (snapshot, other.to_string())
}

#[test]
fn a_fork_with_the_same_answers_is_the_same_game_and_with_another_differs_from_its_month_on() {
    let (original, other) = jingkang_to_the_end();
    let at = jingkang::scenario::Date::parse("1126-01").expect("a month");
    // The same answers: the same game, bit for bit.
    let mut same = jingkang::sim::fork(&original, at).expect("forks");
    same.hand_to_the_ai(&Default::default());
    same.run(None);
    assert_eq!(same.snapshot().state_hash(), original.state_hash());
    // Another answer: the same history before the fork's month, another from it on.
    let mut forked = jingkang::sim::fork(&original, at).expect("forks");
    let imposed = forked.data().resolve_choices(std::slice::from_ref(&other)).expect("a known option");
    forked.hand_to_the_ai(&imposed);
    forked.run(None);
    let forked = forked.snapshot();
    let before =
        |s: &Snapshot| s.chronicle.0.iter().filter(|e| e.date < at).map(|e| e.text.clone()).collect::<Vec<_>>();
    let after =
        |s: &Snapshot| s.chronicle.0.iter().filter(|e| e.date >= at).map(|e| e.text.clone()).collect::<Vec<_>>();
    assert_eq!(before(&forked), before(&original), "the months before the fork are the save's");
    assert_ne!(after(&forked), after(&original), "{other} changes what follows");
    assert_ne!(forked.state_hash(), original.state_hash());
}

#[test]
fn a_fork_outside_the_campaign_s_months_is_refused() {
    let (original, _) = jingkang_to_the_end();
    for month in ["1125-09", "1130-01"] {
        let at = jingkang::scenario::Date::parse(month).expect("a month");
        let e = jingkang::sim::fork(&original, at).err().expect("refused");
        assert!(e.to_string().contains("a fork must be at one of those months"), "{e}");
    }
}
