//! Golden outputs: whole campaigns' chronicles and a sweep's report, as insta snapshots. A change
//! to the rules, the content or the AI shows here as a diff to review, never silently; a change
//! meant only to be faster must leave them as they are. Accept an intended change with
//! `cargo insta review`, or `INSTA_UPDATE=always cargo test --test golden`.
use std::process::Command;

fn jingkang(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs");
    assert!(out.status.success(), "jingkang {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The report without its first line's timing ("... from seed 7 in 0.3 s (700 campaigns/s)"),
/// which depends on the machine.
fn without_timing(report: &str) -> String {
    let (first, rest) = report.split_once('\n').expect("a report of several lines");
    let (what, timing) = first.rsplit_once(" in ").expect("the first line gives the sweep's time");
    assert!(timing.ends_with("campaigns/s)"), "{first}");
    format!("{what}\n{rest}")
}

#[test]
fn a_jingkang_campaign_played_by_the_ai() {
    insta::assert_snapshot!(jingkang(&["run", "jingkang", "--seed", "5"]));
}

#[test]
fn the_grand_campaign_on_the_historical_choices() {
    insta::assert_snapshot!(jingkang(&["run", "grand_campaign", "--seed", "3", "--historical"]));
}

#[test]
fn the_alliance_refused_on_hard() {
    insta::assert_snapshot!(jingkang(&[
        "run",
        "alliance_on_the_sea",
        "--seed",
        "11",
        "--difficulty",
        "hard",
        "--choose",
        "alliance_on_the_sea=refuse",
    ]));
}

#[test]
fn a_compared_sweep_report() {
    let report = jingkang(&[
        "whatif",
        "hebei_1125",
        "--runs",
        "200",
        "--seed",
        "7",
        "--compare",
        "--choose",
        "guo_yaoshi_turns=holds",
    ]);
    insta::assert_snapshot!(without_timing(&report));
}
