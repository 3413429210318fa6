//! A campaign keeps a bounded record however long it is played (#25): a scenario whose events
//! repeat every month, played for centuries, keeps at most so many chronicle entries, answers and
//! trend points, and its conditions still answer as if it had kept every one.
use std::sync::Arc;

use jingkang::scenario::{parse_scenario_text, validate_embedded};
use jingkang::sim::{CHOICES_KEPT, CHRONICLE_KEPT, Sim, SimOptions, StaticData};

/// Repeatable events answered every month, half by each side.
const REPEATING: usize = 100;

/// A three-province war of two factions from 1000 to 2999, with `REPEATING` events that fire
/// every month and, besides them, `first` (once, at the start: its AI always heeds it), and
/// `heeded` and `ignored`, which fire once, after `late`, if `first` was heeded or ignored.
fn long_scenario(late: &str) -> String {
    let repeating: Vec<String> = (0..REPEATING)
        .map(|i| {
            let faction = if i % 2 == 0 { "red" } else { "blue" };
            format!(
                r#"Event(id: "omen{i}", title: "Omen {i}", faction: "{faction}", repeatable: true,
                    options: [Option(id: "heed", name: "Heed it", effects: [SetFlag("omen{i}")]),
                              Option(id: "ignore", name: "Ignore it", effects: [ClearFlag("omen{i}")])])"#
            )
        })
        .collect();
    format!(
        r##"Scenario(
    format_version: 1, id: "long", name: "Long", start: "1000-01", end: "2999-12",
    troop_kinds: [TroopKind(id: "infantry", name: "Infantry")],
    terrains: [Terrain(id: "plains", name: "Plains")],
    factions: [
        Faction(id: "red", name: "Red", colour: "#ff0000", capital: Some("a"), treasury: 10000, grain: 10000),
        Faction(id: "blue", name: "Blue", colour: "#0000ff", capital: Some("c"), treasury: 10000, grain: 10000),
    ],
    provinces: [
        Province(id: "a", name: "A", position: (100.0, 30.0), terrain: "plains", owner: Some("red"), population: 100000, wealth: 10, grain: 1000, walls: 5, garrison: 5000),
        Province(id: "b", name: "B", position: (101.0, 30.0), terrain: "plains", owner: Some("blue"), population: 100000, wealth: 10, grain: 1000, walls: 5, garrison: 5000),
        Province(id: "c", name: "C", position: (102.0, 30.0), terrain: "plains", owner: Some("blue"), population: 100000, wealth: 10, grain: 1000, walls: 5, garrison: 5000),
    ],
    connections: [Connection(from: "a", to: "b", kind: Road, days: 10), Connection(from: "b", to: "c", kind: Road, days: 10)],
    relations: [Relation(between: ("red", "blue"), war: true)],
    armies: [Army(id: "red_army", name: "Red Army", owner: "red", location: "a", troops: {{"infantry": 20000}})],
    events: [
        Event(id: "first", title: "First", faction: "red",
            options: [Option(id: "heed", name: "Heed", ai: (base: 1)), Option(id: "ignore", name: "Ignore", ai: (base: 0))]),
        Event(id: "heeded", title: "Heeded long ago", faction: "red",
            trigger: All([After("{late}"), Chose(event: "first", option: "heed")]), options: [Option(id: "ok", name: "So it was")]),
        Event(id: "ignored", title: "Ignored long ago", faction: "red",
            trigger: All([After("{late}"), Chose(event: "first", option: "ignore")]), options: [Option(id: "ok", name: "So it was")]),
        {}
    ],
)"##,
        repeating.join(",\n        ")
    )
}

fn campaign(late: &str) -> Sim {
    let scenario = parse_scenario_text(&long_scenario(late)).unwrap_or_else(|e| panic!("the scenario parses: {e}"));
    let valid = validate_embedded(scenario, "long").unwrap_or_else(|e| panic!("the scenario is valid:\n{e}"));
    Sim::new(Arc::new(StaticData::new(&valid)), &SimOptions { seed: 1, ..Default::default() })
}

/// What the campaign keeps: chronicle entries, answers, trend points.
fn kept(sim: &Sim) -> [usize; 3] {
    [sim.chronicle().0.len(), sim.choices().len(), sim.trends().len()]
}

/// Options the scenario offers: the first answer of each is kept for good.
const OPTIONS: usize = 2 * REPEATING + 4;

#[test]
fn a_campaign_of_repeating_events_keeps_its_chronicle_and_answers_bounded() {
    // Long enough to pass the bounds on the chronicle and the answers, then as long again.
    let months = 2 * (CHRONICLE_KEPT.max(CHOICES_KEPT) / REPEATING + 1);
    // `heeded` fires once `first`'s answer has left the latest answers kept (after some 41
    // months), and leaves them itself before the last third, in which nothing more may be kept.
    let late = jingkang::scenario::Date::new(1000, 1).plus_months(months as i64 / 3);
    assert!(months / 3 > CHOICES_KEPT / REPEATING + 1, "{months} months");
    let mut sim = campaign(&late.to_string());
    let mut most = [0; 3];
    let mut at_two_thirds = most;
    for month in 0..months {
        sim.step();
        let now = kept(&sim);
        assert!(now[0] <= CHRONICLE_KEPT + 1, "month {month}: {} chronicle entries", now[0]);
        assert!(now[1] <= CHOICES_KEPT + OPTIONS, "month {month}: {} answers", now[1]);
        most = [0, 1, 2].map(|i| most[i].max(now[i]));
        if month == months * 2 / 3 {
            at_two_thirds = most;
        }
    }
    assert!(REPEATING * months > 2 * (CHOICES_KEPT + OPTIONS), "many more answers given than kept");
    assert_eq!(at_two_thirds[..2], most[..2], "no more chronicle or answers kept in the last third");
    let chronicle = sim.chronicle();
    let written = chronicle.dropped() as usize + chronicle.0.len() - 1;
    assert!(written >= REPEATING * months, "{written} entries written, every answer told");
    assert!(
        chronicle.0[0].text.contains(&chronicle.dropped().to_string()),
        "the note counts them: {}",
        chronicle.0[0].text
    );
    let last = chronicle.0[chronicle.0.len() - 1].date;
    assert_eq!(
        chronicle.of_month(last).filter(|e| e.text.starts_with("Omen ")).count(),
        REPEATING,
        "the latest month whole"
    );
    // Events 1 and 2, `heeded` and `ignored`, ask whether `first` was heeded or ignored.
    assert!(sim.choices().iter().any(|c| c.event == 1), "a condition still finds an answer of long ago");
    assert!(!sim.choices().iter().any(|c| c.event == 2), "and never one not given");
    assert!(
        sim.choices().iter().any(|c| c.date == jingkang::scenario::Date::new(1000, 1)),
        "the first answers are kept"
    );
}

#[test]
fn a_long_campaign_saved_and_continued_keeps_to_its_bounds_as_the_one_not_stopped() {
    let months = CHRONICLE_KEPT / REPEATING + 3;
    let mut straight = campaign("2999-01");
    straight.run(Some(months as u32));
    assert!(straight.chronicle().dropped() > 0, "past the chronicle's bound");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let path = dir.path().join("long.json");
    straight.snapshot().save(&path).unwrap_or_else(|e| panic!("saved: {e}"));
    let loaded = jingkang::sim::Snapshot::load(&path).unwrap_or_else(|e| panic!("loaded: {e}"));
    let mut continued = Sim::restore(&loaded).unwrap_or_else(|e| panic!("restored: {e}"));
    for _ in 0..3 {
        straight.step();
        continued.step();
    }
    assert!(continued.chronicle().dropped() > loaded.chronicle.dropped(), "it goes on counting what it drops");
    assert_eq!(continued.chronicle(), straight.chronicle());
    assert_eq!(continued.choices(), straight.choices());
    assert_eq!(continued.trends(), straight.trends());
    assert_eq!(continued.snapshot().state_hash(), straight.snapshot().state_hash());
}
