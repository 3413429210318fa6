//! The `jingkang run` command: readable and JSON output, choices, errors.
use std::process::Command;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

#[test]
fn json_output_has_every_documented_field() {
    let out = jingkang(&["run", "hebei_1125", "--seed", "4", "--historical", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    for key in ["scenario", "seed", "outcome", "choices", "history", "provinces", "factions", "chronicle", "state_hash"]
    {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["scenario"], "hebei_1125");
    assert_eq!(json["seed"], 4);
    for key in ["winner", "description", "final_date"] {
        assert!(json["outcome"].get(key).is_some(), "outcome.{key}");
    }
    let choice = &json["choices"][0];
    for key in ["date", "event", "faction", "option", "historical"] {
        assert!(choice.get(key).is_some(), "choices[0].{key}");
    }
    assert!(json["history"][0].get("status").is_some());
    assert_eq!(json["provinces"].as_array().unwrap().len(), 11);
    for key in ["treasury", "grain", "legitimacy", "troops"] {
        assert!(json["factions"][0].get(key).is_some(), "factions[0].{key}");
    }
}

#[test]
fn the_same_arguments_print_the_same_game() {
    let a = jingkang(&["run", "hebei_1125", "--seed", "11"]);
    let b = jingkang(&["run", "hebei_1125", "--seed", "11"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert!(String::from_utf8_lossy(&a.stdout).contains("state hash"));
}

#[test]
fn an_unknown_choice_is_refused_with_exit_2() {
    let out = jingkang(&["run", "hebei_1125", "--choose", "terms_at_kaifeng=run_away"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: --choose: event \"terms_at_kaifeng\" has no option \"run_away\" (its options: accept, refuse)"
    );
}

#[test]
fn turns_stop_the_campaign_early_and_a_save_continues_it() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("g.json");
    let save = save.to_str().unwrap();
    let whole = jingkang(&["run", "hebei_1125", "--seed", "2", "--json"]);
    let part = jingkang(&["run", "hebei_1125", "--seed", "2", "--turns", "3", "--save", save, "--json"]);
    assert!(part.status.success(), "{}", String::from_utf8_lossy(&part.stderr));
    let rest = jingkang(&["run", "--load", save, "--json"]);
    assert!(rest.status.success(), "{}", String::from_utf8_lossy(&rest.stderr));
    let hash = |o: &std::process::Output| {
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["state_hash"].clone()
    };
    assert_ne!(hash(&part), hash(&whole));
    assert_eq!(hash(&rest), hash(&whole));
}

#[test]
fn trends_are_written_as_csv_a_row_per_month_and_faction() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("trends.csv");
    let out = jingkang(&["run", "hebei_1125", "--seed", "2", "--turns", "3", "--trends", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).expect("the CSV is written");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "month,date,faction,provinces,men,silver_thousands");
    // The start and three months, for each of hebei_1125's three factions.
    assert_eq!(rows.len(), 1 + 4 * 3);
    assert!(rows[1].starts_with("0,1125-10,song,10,105000,"), "{}", rows[1]);
    assert!(rows.last().unwrap().starts_with("3,1126-01,"), "{}", rows.last().unwrap());
}

#[test]
fn until_decision_stops_when_the_faction_must_answer_and_the_save_keeps_the_decision_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let save = dir.path().join("decide.json");
    let save = save.to_str().expect("a UTF-8 path");
    let out = jingkang(&["run", "jingkang", "--seed", "1", "--until-decision", "song", "--save", save]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Northern Song must answer \""), "{stderr}");
    // The save's game waits for Song's answers: the odds from it sweep the AI's answers to them.
    let snapshot = jingkang::sim::Snapshot::load(std::path::Path::new(save)).expect("the save loads");
    let sim = jingkang::sim::Sim::restore(&snapshot).expect("it restores");
    assert!(!sim.awaiting().is_empty(), "a decision is open in the save");
    let song = sim.data().faction("song");
    assert!(sim.awaiting().iter().all(|e| sim.data().event_faction(*e) == song));
    let stopped = stderr.rsplit(" in ").next().map(str::trim);
    assert_eq!(stopped, Some(sim.view().date.to_string().as_str()), "it names the month it stopped in");
    let odds = jingkang(&["whatif", "--from", save, "--runs", "20"]);
    assert!(odds.status.success(), "{}", String::from_utf8_lossy(&odds.stderr));
    let out = jingkang(&["run", "jingkang", "--until-decision", "sung"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no faction \"sung\""));
}
