//! `jingkang audit`: what a scenario's events force by decree, and how much of it history applies.
use std::process::Command;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

/// The Hebei scenario, written to `dir` with an event of the first month that conjures an army and
/// knocks down Kaifeng's walls: what the audit is there to catch.
fn scripted_hebei(dir: &std::path::Path) -> std::path::PathBuf {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/scenarios/hebei_1125.ron")).expect("the scenario");
    let map = std::fs::read_to_string(format!("{root}/scenarios/maps/hebei_plain.ron")).expect("its map");
    std::fs::create_dir(dir.join("maps")).expect("a maps folder");
    std::fs::write(dir.join("maps/hebei_plain.ron"), map).expect("the map written");
    let text = text.replacen(
        "    events: [\n",
        r#"    events: [
        Event(id: "decree", title: "Decree", faction: "song", options: [Option(id: "conjure", name: "Conjure", historical: true, effects: [
            SpawnArmy(Army(id: "conjured", name: "Conjured Army", owner: "song", location: "kaifeng", troops: {"infantry": 40000})),
            AdjustProvince(province: "kaifeng", walls: -3)])]),
"#,
        1,
    );
    let file = dir.join("scripted.ron");
    std::fs::write(&file, text).expect("the scenario written");
    file
}

#[test]
fn the_audit_lists_the_decrees_and_their_totals() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = scripted_hebei(dir.path());
    let out = jingkang(&["audit", file.to_str().expect("a path"), "--runs", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in ["Men raised by decree", "Men removed by decree", "Land ceded by decree", "Walls changed by decree"]
    {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    assert!(text.contains("SpawnArmy conjured"), "{text}");
    assert!(text.contains("men raised by decree                 40000"), "{text}");
    assert!(text.contains("wall levels changed by decree          3.0"), "{text}");
}

#[test]
fn strict_fails_while_men_are_raised_or_removed_by_decree() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = scripted_hebei(dir.path());
    let out = jingkang(&["audit", file.to_str().expect("a path"), "--runs", "2", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_yanjing_campaign_raises_and_removes_no_army_by_decree() {
    let out = jingkang(&["audit", "yanjing_1122", "--runs", "2", "--strict"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // The second offensive's Hebei drafts join the expedition.
    assert!(text.contains("Levy song at hejian for frontier_army"), "{text}");
}

#[test]
fn the_jingkang_sieges_raise_and_remove_no_army_by_decree() {
    let out = jingkang(&["audit", "jingkang", "--runs", "2", "--strict"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // What the courts do instead: levies through the mobilisation rules, armies sent home.
    assert!(text.contains("Levy jin at datong (siege_train)"), "{text}");
    assert!(text.contains("DisbandArmy frontier_army"), "{text}");
}

#[test]
fn the_grand_campaign_raises_and_removes_no_army_by_decree() {
    let out = jingkang(&["audit", "grand_campaign", "--runs", "2", "--strict"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Jin's drafts join its field armies.
    assert!(text.contains("Levy jin at huining (cavalry) for jin_main"), "{text}");
}

#[test]
fn an_audit_of_nothing_is_refused() {
    let out = jingkang(&["audit", "jingkang", "--runs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--runs"));
}
