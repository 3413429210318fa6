//! `jingkang audit`: what a scenario's events force by decree, and how much of it history applies.
use std::process::Command;

mod common;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

/// The Hebei scenario, written to `dir` with an event of the first month that conjures an army and
/// knocks down Kaifeng's walls: what the audit is there to catch.
fn scripted_hebei(dir: &std::path::Path) -> std::path::PathBuf {
    common::hebei_copy(dir, "scripted.ron", |text| {
        text.replacen(
            "    events: [\n",
            r#"    events: [
        Event(id: "decree", title: "Decree", faction: "song", options: [Option(id: "conjure", name: "Conjure", historical: true, effects: [
            SpawnArmy(Army(id: "conjured", name: "Conjured Army", owner: "song", location: "kaifeng", troops: {"infantry": 40000})),
            AdjustProvince(province: "kaifeng", walls: -3)])]),
"#,
            1,
        )
    })
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
fn the_built_in_campaigns_raise_and_remove_no_army_by_decree() {
    // What the courts do instead: levies through the mobilisation rules (drafts joining an army,
    // engineers hired), armies sent home.
    for (scenario, instead) in [
        ("yanjing_1122", "Levy song at hejian for frontier_army"),
        ("jingkang", "Levy jin at datong (siege_train)"),
        ("jingkang", "DisbandArmy frontier_army"),
        ("grand_campaign", "Levy jin at huining (cavalry) for jin_main"),
    ] {
        let out = jingkang(&["audit", scenario, "--runs", "2", "--strict"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{scenario}: {text}");
        assert!(text.contains(instead), "{scenario}: {text}");
    }
}
