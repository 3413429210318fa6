//! `jingkang audit`: what a scenario's events force by decree, and how much of it history applies.
use std::process::Command;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

#[test]
fn the_audit_lists_the_decrees_and_their_totals() {
    let out = jingkang(&["audit", "yanjing_1122", "--runs", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in ["Men raised by decree", "Men removed by decree", "Land ceded by decree", "Walls changed by decree"]
    {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    // The Yanjing campaign's own events still raise the northern expedition by decree (until they
    // are re-authored).
    assert!(text.contains("SpawnArmy expedition"), "{text}");
    assert!(text.contains("men raised by decree"), "{text}");
}

#[test]
fn strict_fails_while_men_are_raised_or_removed_by_decree() {
    let out = jingkang(&["audit", "yanjing_1122", "--runs", "2", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
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
