//! Saves are files anyone can edit: an edited save is a clear error naming the field, never a
//! panic, a hang or a game of NaNs. Each test edits a real save's JSON and loads it through
//! `Snapshot::load` and, for some, through `jingkang run --load`.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use jingkang::scenario::{ScenarioRef, load_valid};
use jingkang::sim::{SaveError, Sim, SimOptions, Snapshot, StaticData};
use serde_json::{Value, json};

/// A save of Hebei after six months, as JSON.
fn save_json() -> Value {
    let valid = load_valid(&ScenarioRef::Builtin("hebei_1125".into())).expect("built-in scenario is valid");
    let mut game = Sim::new(Arc::new(StaticData::new(&valid)), &SimOptions { seed: 3, ..Default::default() });
    game.run(Some(6));
    serde_json::to_value(game.snapshot()).expect("a save serializes")
}

fn write(dir: &Path, name: &str, json: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(json).expect("JSON")).expect("written");
    path
}

/// An edit of a save: what it does to the JSON, and the field the error must name.
struct Case {
    field: &'static str,
    edit: Box<dyn Fn(&mut Value)>,
}

/// Sets the value at JSON pointer `at`.
fn set(field: &'static str, at: &'static str, value: Value) -> Case {
    Case {
        field,
        edit: Box::new(move |json| {
            *json.pointer_mut(at).unwrap_or_else(|| panic!("no {at} in the save")) = value.clone()
        }),
    }
}

/// Makes the list at JSON pointer `at` hold `value` alone (the list may be absent from the save:
/// an empty list is left out of it), so that the error names its first entry.
fn push(field: &'static str, at: &'static str, value: Value) -> Case {
    Case {
        field,
        edit: Box::new(move |json| {
            let (parent, key) = at.rsplit_once('/').expect("a pointer");
            let object = json.pointer_mut(parent).and_then(Value::as_object_mut).expect("an object");
            object.insert(key.to_string(), json!([value.clone()]));
        }),
    }
}

/// Runs `edit` on the save.
fn with(field: &'static str, edit: impl Fn(&mut Value) + 'static) -> Case {
    Case { field, edit: Box::new(edit) }
}

/// Removes the last entry of the list at `at`.
fn shorten(field: &'static str, at: &'static str) -> Case {
    with(field, move |json| {
        json.pointer_mut(at).and_then(Value::as_array_mut).expect("a list").pop();
    })
}

/// One edit per field the load checks.
fn cases(army: usize) -> Vec<Case> {
    // The first army slot in the field.
    let a = |what: &str| format!("/armies/{army}/{what}");
    let army_case = |field: &'static str, what: &'static str, value: Value| {
        let at = a(what);
        with(field, move |json| *json.pointer_mut(&at).expect("the army's field") = value.clone())
    };
    let siege = json!({"besieger": 0, "since": "1125-10", "months": 0, "breach": 0.0, "starving": 0});
    let with_siege = |field: &'static str, key: &'static str, value: Value| {
        let mut siege = siege.clone();
        siege[key] = value;
        set(field, "/sieges/0", siege)
    };
    let levy = json!({"faction": 0, "province": 0, "men": 1000.0, "months_left": 1});
    let with_levy = |field: &'static str, key: &'static str, value: Value| {
        let mut levy = levy.clone();
        levy[key] = value;
        with(field, move |json| json["levies"] = json!({"mustering": [levy.clone()], "resting": []}))
    };
    let treaty = |ix: usize, parties: Value, terms: Value, arrears: f64| json!({"ix": ix, "name": "T", "parties": parties, "terms": terms, "since": "1125-10", "arrears": arrears});
    let with_treaty = |field: &'static str, t: Value| {
        with(field, move |json| {
            let list = json["treaties"].as_array_mut().expect("treaties");
            let mut t = t.clone();
            if t["ix"] == json!(0) {
                t["ix"] = json!(list.len());
            }
            list.push(t);
        })
    };
    let truce = json!({"Truce": {"until": "1126-01"}});
    vec![
        // Factions.
        set("factions[0].ruler", "/factions/0/ruler", json!(999)),
        set("factions[0].capital", "/factions/0/capital", json!(999)),
        set("factions[0].treasury.silver", "/factions/0/treasury/silver", json!(-5.0)),
        set("factions[0].treasury.grain", "/factions/0/treasury/grain", json!(1e300)),
        set("factions[0].standing.legitimacy", "/factions/0/standing/legitimacy", json!(101.0)),
        set("factions[0].standing.cohesion", "/factions/0/standing/cohesion", json!(-1.0)),
        // Provinces.
        set("provinces[0].owner", "/provinces/0/owner", json!(99)),
        set("provinces[0].populace.loyal_to", "/provinces/0/populace/loyal_to", json!(99)),
        set("provinces[0].populace.population", "/provinces/0/populace/population", json!(-1e9)),
        set("provinces[0].populace.wealth", "/provinces/0/populace/wealth", json!(1e300)),
        set("provinces[0].populace.loyalty", "/provinces/0/populace/loyalty", json!(150.0)),
        set("provinces[0].defences.walls", "/provinces/0/defences/walls", json!(11.0)),
        set("provinces[0].defences.garrison", "/provinces/0/defences/garrison", json!(-100.0)),
        set("provinces[0].defences.grain", "/provinces/0/defences/grain", json!(1e308)),
        // Characters, their traits, the names.
        set("characters[0].ix", "/characters/0/ix", json!(5)),
        set("characters[0].faction", "/characters/0/faction", json!(99)),
        set("characters[0].loyalty", "/characters/0/loyalty", json!(-3.0)),
        with("traits", |json| json["traits"] = json!([[0]])),
        with("traits[1][0]", |json| {
            let n = json["characters"].as_array().expect("characters").len();
            let mut lists = vec![json!([]); n];
            lists[1] = json!([999]);
            json["traits"] = Value::Array(lists);
        }),
        with("names", |json| json["names"] = json!({"factions": [], "provinces": []})),
        // Armies.
        army_case("army.ix", "army/ix", json!(army + 1)),
        army_case("army.owner", "army/owner", json!(99)),
        army_case("army.location", "army/location", json!(9999)),
        army_case("army.commander", "army/commander", json!(9999)),
        army_case("troops[0]", "troops/0", json!(1e308)),
        army_case("troops", "troops", json!([1.0])),
        // The fuzz harness found -1 men (and -1 garrison, -1 wealth) loaded and kept for good.
        army_case("troops[0]", "troops/0", json!(-1.0)),
        set("provinces[0].defences.garrison", "/provinces/0/defences/garrison", json!(-1.0)),
        set("provinces[0].populace.wealth", "/provinces/0/populace/wealth", json!(-0.5)),
        army_case("spirit.morale", "spirit/morale", json!(1000.0)),
        army_case("spirit.supply", "spirit/supply", json!(-1.0)),
        army_case("spirit.grain", "spirit/grain", json!(-10.0)),
        army_case("plan.destination", "plan/destination", json!(9999)),
        army_case("plan.raid", "plan/raid", json!(9999)),
        army_case("plan.progress", "plan/progress", json!(-5.0)),
        set("armies", "/armies", json!([])),
        // Relations: every table, every figure.
        set("relations.n", "/relations/n", json!(99)),
        shorten("relations.opinion", "/relations/opinion"),
        shorten("relations.trust", "/relations/trust"),
        shorten("relations.war", "/relations/war"),
        set("relations.opinion", "/relations/opinion/1", json!(-1000.0)),
        set("relations.trust", "/relations/trust/1", json!(500.0)),
        // Treaties.
        with_treaty("parties[1]", treaty(0, json!([0, 99]), truce.clone(), 0.0)),
        with_treaty("ix", treaty(9999, json!([0, 1]), truce.clone(), 0.0)),
        with_treaty("arrears", treaty(0, json!([0, 1]), truce.clone(), -5.0)),
        with_treaty("since", {
            let mut t = treaty(0, json!([0, 1]), truce.clone(), 0.0);
            t["since"] = json!("1125-13");
            t
        }),
        with_treaty(
            "terms.Tribute.payer",
            treaty(0, json!([0, 1]), json!({"Tribute": {"payer": 99, "payee": 0, "yearly": 1.0}}), 0.0),
        ),
        with_treaty(
            "terms.Tribute.yearly",
            treaty(0, json!([0, 1]), json!({"Tribute": {"payer": 1, "payee": 0, "yearly": -7.0}}), 0.0),
        ),
        with_treaty(
            "terms.Vassal.tribute",
            treaty(0, json!([0, 1]), json!({"Vassal": {"overlord": 0, "vassal": 1, "tribute": 3.0}}), 0.0),
        ),
        with_treaty(
            "terms.Alliance.against",
            treaty(0, json!([0, 1]), json!({"Alliance": {"against": [99], "shares": []}}), 0.0),
        ),
        with_treaty(
            "terms.Peace.hostages[0]",
            treaty(
                0,
                json!([0, 1]),
                json!({"Peace": {"payer": 0, "payee": 1, "indemnity_left": 1.0, "instalment": 1.0, "hostages": [9999], "ceded": []}}),
                0.0,
            ),
        ),
        with_treaty(
            "terms.Peace.ceded[0]",
            treaty(
                0,
                json!([0, 1]),
                json!({"Peace": {"payer": 0, "payee": 1, "indemnity_left": 1.0, "instalment": 1.0, "hostages": [], "ceded": [[9999, 0]]}}),
                0.0,
            ),
        ),
        with_treaty("terms.Truce.until", treaty(0, json!([0, 1]), json!({"Truce": {"until": "1126-13"}}), 0.0)),
        // Choices and events.
        push(
            "choices",
            "/choices",
            json!({"date": "1125-10", "event": 9999, "option": 0, "faction": 0, "historical": false}),
        ),
        push(
            "option",
            "/choices",
            json!({"date": "1125-10", "event": 0, "option": 99, "faction": 0, "historical": false}),
        ),
        push(
            "faction",
            "/choices",
            json!({"date": "1125-10", "event": 0, "option": 0, "faction": 99, "historical": false}),
        ),
        push(
            "date",
            "/choices",
            json!({"date": "1125-13", "event": 0, "option": 0, "faction": 0, "historical": false}),
        ),
        shorten("events.fired", "/events/fired"),
        push("events.forced", "/events/forced", json!(9999)),
        push("events.awaiting[0]", "/events/awaiting", json!(9999)),
        push("answers[0]", "/answers", json!([9999, 0])),
        push("answers[0]", "/answers", json!([0, 99])),
        push("flags", "/flags", json!("no_such_flag")),
        set("players.humans", "/players/humans", json!([99])),
        set("players.imposed", "/players/imposed", json!({"9999": 0})),
        // History, outcome, chronicle, trends.
        shorten("history", "/history"),
        set("history[0].happened", "/history/0/happened", json!("1125-13")),
        set(
            "game_over.winner",
            "/game_over",
            json!({"winner": 99, "victory": null, "description": "", "date": "1125-10"}),
        ),
        set(
            "game_over.victory",
            "/game_over",
            json!({"winner": 0, "victory": 99, "description": "", "date": "1125-10"}),
        ),
        set("chronicle[0].date", "/chronicle/0/date", json!("1125-00")),
        set("trends[0].factions[0].men", "/trends/0/factions/0/men", json!(-5.0)),
        set("trends[0].factions[0].silver", "/trends/0/factions/0/silver", json!(1e300)),
        set("trends[0].factions[0].provinces", "/trends/0/factions/0/provinces", json!(4000)),
        with("trends", |json| {
            json["trends"][0]["factions"].as_array_mut().expect("measures").pop();
        }),
        with("trends[6].month", |json| json["trends"][6]["month"] = json!(60)),
        // The calendar.
        set("calendar.date", "/calendar/date", json!("1125-13")),
        set("calendar.turn", "/calendar/turn", json!(99)),
        set("calendar.start", "/calendar/start", json!("1120-01")),
        set("calendar.end", "/calendar/end", json!("1200-01")),
        // Sieges, the siege log.
        with_siege("sieges[0].besieger", "besieger", json!(9)),
        with_siege("sieges[0].since", "since", json!("1125-14")),
        with_siege("sieges[0].months", "months", json!(4_000_000_000u32)),
        with_siege("sieges[0].starving", "starving", json!(4_000_000_000u32)),
        with_siege("sieges[0].sallies", "sallies", json!(4_000_000_000u32)),
        with_siege("sieges[0].breach", "breach", json!(-5.0)),
        with_siege("sieges[0].rations", "rations", json!(5.0)),
        with_siege("sieges[0].sortie.kind", "sortie", json!({"men": 100.0, "kind": 99})),
        with_siege("sieges[0].sortie.men", "sortie", json!({"men": -100.0, "kind": 0})),
        with_siege("sieges[0].surprise.army", "surprise", json!({"army": 9999, "men": 100.0})),
        shorten("sieges", "/sieges"),
        push(
            "siege_log[0].province",
            "/siege_log",
            json!({"province": 9999, "besieger": 0, "defender": 1, "start": "1125-10", "end": null, "months": 1, "cause": null}),
        ),
        push(
            "siege_log[0].defender",
            "/siege_log",
            json!({"province": 0, "besieger": 0, "defender": 99, "start": "1125-10", "end": null, "months": 1, "cause": null}),
        ),
        // Levies.
        with_levy("levies.mustering[0].faction", "faction", json!(99)),
        with_levy("levies.mustering[0].province", "province", json!(9999)),
        with_levy("levies.mustering[0].men", "men", json!(-5.0)),
        with_levy("levies.mustering[0].months_left", "months_left", json!(1000)),
        with_levy("levies.mustering[0].kind", "kind", json!(99)),
        with_levy("levies.mustering[0].join", "join", json!(9999)),
        with("levies.resting[0]", |json| json["levies"] = json!({"mustering": [], "resting": [[9999, "1126-01"]]})),
        with("levies.resting[1]", |json| {
            json["levies"] = json!({"mustering": [], "resting": [[1, "1126-01"], [0, "1126-01"]]})
        }),
        // Foraging, first transfers.
        set("foraged[0]", "/foraged/0", json!(-5.0)),
        shorten("foraged", "/foraged"),
        set("first_transfers[0]", "/first_transfers/0", json!("1125-13")),
        shorten("first_transfers", "/first_transfers"),
        // Proposals, orders, effects in flight, the command log.
        push(
            "proposals[0].to",
            "/proposals",
            json!({"from": 0, "to": 99, "proposal": {"Truce": {"months": 3}}, "date": "1125-10"}),
        ),
        push(
            "proposals[0].proposal.against",
            "/proposals",
            json!({"from": 0, "to": 1, "proposal": {"Alliance": {"against": 99}}, "date": "1125-10"}),
        ),
        push(
            "proposals[0].proposal.indemnity",
            "/proposals",
            json!({"from": 0, "to": 1, "proposal": {"Peace": {"indemnity": -5.0, "ceded": []}}, "date": "1125-10"}),
        ),
        push("pending_orders[0]", "/pending_orders", json!([0, {"March": {"army": 9999, "to": 0}}])),
        push("pending_orders[0]", "/pending_orders", json!([99, {"Hold": {"army": 0}}])),
        push("pending_orders[0]", "/pending_orders", json!([0, {"Levy": {"province": 0, "men": 1e300}}])),
        push("pending_orders[0]", "/pending_orders", json!([0, {"Raid": {"army": 0, "target": 9999}}])),
        push("pending_effects[0]", "/pending_effects", json!({"Die": 9999})),
        push(
            "pending_effects[0]",
            "/pending_effects",
            json!({"Defect": {"character": 0, "to": 99, "with_army": true}}),
        ),
        set("log.start.players.humans", "/log/start/players/humans", json!([99])),
        push("log.months[0].orders[0]", "/log/months/0/orders", json!([0, {"DeclareWar": {"on": 99}}])),
        push("log.months[0].answers[0]", "/log/months/0/answers", json!([9999, 0])),
        set("log.months[0].date", "/log/months/0/date", json!("1125-13")),
        // A number too large for its index is named too.
        set("provinces[0].owner", "/provinces/0/owner", json!(70000)),
    ]
}

/// The first army slot with an army in the field.
fn first_army(json: &Value) -> usize {
    json["armies"].as_array().expect("armies").iter().position(|a| !a.is_null()).expect("an army in the field")
}

#[test]
fn every_field_out_of_range_is_refused_by_name() {
    let original = save_json();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = write(dir.path(), "original.json", &original);
    Snapshot::load(&path).expect("the save as written loads");
    let cases = cases(first_army(&original));
    for (i, case) in cases.iter().enumerate() {
        let mut json = original.clone();
        (case.edit)(&mut json);
        let path = write(dir.path(), &format!("edited-{i}.json"), &json);
        let Err(e) = Snapshot::load(&path) else { panic!("case {i} ({}) is not refused", case.field) };
        let text = e.to_string();
        assert!(text.contains(case.field), "case {i}: the error names {}: {text}", case.field);
        assert!(matches!(e, SaveError::Invalid { .. } | SaveError::Corrupt(_)), "case {i}: {text}");
    }
}

#[test]
fn the_command_line_names_the_field_of_an_edited_save_and_does_not_panic() {
    let original = save_json();
    let army = first_army(&original);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let edits: [(&str, &str, Value); 5] = [
        (
            "/sieges/1",
            "sieges[1].besieger",
            json!({"besieger": 9, "since": "1125-10", "months": 0, "breach": 0.0, "starving": 0}),
        ),
        ("/relations/opinion", "relations.opinion", json!([0.0])),
        (
            "/choices",
            "choices[0].faction",
            json!([{"date": "1125-10", "event": 0, "option": 0, "faction": 9, "historical": false}]),
        ),
        ("/calendar/date", "calendar.date", json!("1125-13")),
        ("/factions/0/treasury/silver", "factions[0].treasury.silver", json!(1e308)),
    ];
    let mut runs = Vec::new();
    for (i, (at, field, value)) in edits.into_iter().enumerate() {
        let mut json = original.clone();
        *json.pointer_mut(at).unwrap_or_else(|| panic!("no {at}")) = value;
        runs.push((write(dir.path(), &format!("edited-{i}.json"), &json), field));
    }
    let mut json = original.clone();
    json["armies"][army]["army"]["commander"] = json!(9999);
    runs.push((write(dir.path(), "commander.json", &json), "army.commander"));
    for (path, field) in runs {
        let out = Command::new(env!("CARGO_BIN_EXE_jingkang"))
            .args(["run", "--load"])
            .arg(&path)
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{field}: a panic: {stderr}");
        assert!(!out.status.success(), "{field}: refused");
        assert!(stderr.contains(field) && stderr.contains(&path.display().to_string()), "{field}: {stderr}");
    }
}

/// A small seeded generator: the same edits every run, no dependency.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The JSON pointer of every number in `value`, outside the embedded scenario (whose checks are
/// the scenario's validation's).
fn numeric_leaves(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Number(_) => out.push(at.to_string()),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| numeric_leaves(v, &format!("{at}/{i}"), out)),
        Value::Object(fields) => {
            for (k, v) in fields {
                if at.is_empty() && k == "scenario" {
                    continue;
                }
                numeric_leaves(v, &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
}

#[test]
fn random_edits_of_numbers_are_refused_or_played_without_a_panic() {
    let original = save_json();
    let mut leaves = Vec::new();
    numeric_leaves(&original, "", &mut leaves);
    assert!(leaves.len() > 100, "a save has many numbers: {}", leaves.len());
    let hostile = [
        json!(-1),
        json!(-1.0e9),
        json!(1.0e300),
        json!(1.0e16),
        json!(4_294_967_297u64),
        json!(65_535),
        json!(65_536),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(0.5),
        json!(-0.5),
        json!(13),
        json!(255),
    ];
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut dice = Dice(0x5eed_1234_abcd_0001);
    let (mut refused, mut played, mut panicked) = (0, 0, Vec::new());
    for round in 0..300 {
        let mut json = original.clone();
        let leaf = &leaves[dice.below(leaves.len())];
        let value = match dice.below(3) {
            0 => json!(dice.below(40)),
            _ => hostile[dice.below(hostile.len())].clone(),
        };
        *json.pointer_mut(leaf).expect("the leaf") = value.clone();
        let path = write(dir.path(), "fuzzed.json", &json);
        let outcome = std::panic::catch_unwind(|| {
            let snapshot = Snapshot::load(&path).ok()?;
            let mut sim = Sim::restore(&snapshot).ok()?;
            sim.run(Some(3));
            Some(sim.report())
        });
        match outcome {
            Ok(None) => refused += 1,
            Ok(Some(_)) => played += 1,
            Err(_) => panicked.push(format!("round {round}: {leaf} = {value}")),
        }
    }
    assert!(panicked.is_empty(), "{} edits panicked:\n{}", panicked.len(), panicked.join("\n"));
    assert!(refused > 0 && played > 0, "{refused} refused, {played} played");
}

#[test]
fn a_version_is_compared_in_full() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let original = save_json();
    for (version, expected) in [
        (json!(4_294_967_297u64), "the save is version 4294967297; this build reads versions 1 to 2"),
        (json!(u64::MAX), "the save is version 18446744073709551615"),
        (json!(0), "the save is version 0"),
        (json!(-1), "the save's version: -1 is not a version number"),
        (json!(1.5), "the save's version: 1.5 is not a version number"),
        (json!("1"), "the save's version: \"1\" is not a version number"),
    ] {
        let mut json = original.clone();
        json["version"] = version.clone();
        let path = write(dir.path(), "versioned.json", &json);
        for e in [Snapshot::load(&path).map(|_| ()).unwrap_err(), Snapshot::peek(&path).map(|_| ()).unwrap_err()] {
            let text = e.to_string();
            assert!(text.contains(expected), "version {version}: {text}");
            assert!(text.starts_with(&path.display().to_string()), "names the file: {text}");
        }
    }
}

/// `f` run on a thread, or `None` if it has not finished within `limit`: a regression that
/// blocks fails instead of hanging the tests.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).ok()
}

#[cfg(unix)]
#[test]
fn a_device_or_a_fifo_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fifo = dir.path().join("save.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "a FIFO made");
    for path in [PathBuf::from("/dev/zero"), fifo] {
        let shown = path.display().to_string();
        let (load, peek) = within(Duration::from_secs(20), move || {
            (Snapshot::load(&path).map(|_| ()), Snapshot::peek(&path).map(|_| ()))
        })
        .unwrap_or_else(|| panic!("reading {shown} did not return"));
        for e in [load.expect_err("refused"), peek.expect_err("refused")] {
            assert_eq!(e.to_string(), format!("{shown}: not a regular file"));
        }
    }
    // And the command line, which must return too.
    let mut child = Command::new(env!("CARGO_BIN_EXE_jingkang"))
        .args(["run", "--load", "/dev/zero"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waited") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("`run --load /dev/zero` did not return");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
}

#[cfg(target_os = "linux")]
#[test]
fn a_save_removes_the_temporary_files_of_killed_writers_and_only_those() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A pid above the kernel's largest (2^22) is never running.
    let dead = (4_194_304u32 + 12_345..).find(|pid| !Path::new(&format!("/proc/{pid}")).exists()).expect("a free pid");
    let own = std::process::id();
    // Another live process, which may be writing its own save into the same folder.
    let parent = std::os::unix::process::parent_id();
    assert!(Path::new(&format!("/proc/{parent}")).exists());
    let stale = dir.path().join(format!(".jingkang-save-{dead}-0.tmp"));
    let kept = [
        dir.path().join(format!(".jingkang-save-{own}-77.tmp")),
        dir.path().join(format!(".jingkang-save-{parent}-0.tmp")),
        dir.path().join(".jingkang-save-notes.tmp"),
        dir.path().join("other.json"),
    ];
    for file in kept.iter().chain([&stale]) {
        std::fs::write(file, b"half a save").expect("written");
    }
    let valid = load_valid(&ScenarioRef::Builtin("hebei_1125".into())).expect("built-in scenario is valid");
    let game = Sim::new(Arc::new(StaticData::new(&valid)), &SimOptions::default());
    let save = dir.path().join("game.json");
    game.snapshot().save(&save).expect("saved");
    assert!(!stale.exists(), "the dead writer's file is removed");
    for file in &kept {
        assert!(file.exists(), "{} is kept", file.display());
    }
    Snapshot::load(&save).expect("the save loads");
}

#[test]
fn every_month_of_every_built_in_campaign_passes_the_checks() {
    // The checks refuse what the rules cannot produce: every month the rules do produce, on
    // every built-in scenario, on the AI's choices and on history's, must pass them.
    let mut months = 0;
    for builtin in jingkang::scenario::builtin_scenarios() {
        let valid = load_valid(&ScenarioRef::Builtin(builtin.id.clone())).expect("built-in scenario is valid");
        let data = Arc::new(StaticData::new(&valid));
        for (seed, historical) in [(1, false), (2, true)] {
            let mut game = Sim::new(data.clone(), &SimOptions { seed, historical, ..Default::default() });
            while !game.is_over() {
                game.step();
                months += 1;
                if let Err(e) = game.snapshot().static_data() {
                    panic!("{} seed {seed}, {}: {e}", builtin.id, game.view().date);
                }
            }
        }
    }
    assert!(months > 100, "{months} months checked");
}
