//! `jingkang generate`: synthetic scenarios of any size that validate and play.
use std::process::Command;

fn jingkang(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs")
}

#[test]
fn a_generated_map_validates_and_plays_and_a_bad_size_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("grid.ron");
    let file = path.to_str().expect("a UTF-8 path");
    let out = jingkang(&["generate", "--provinces", "400", "--factions", "4", "--months", "3", "--out", file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let valid = jingkang(&["validate", file]);
    let said = String::from_utf8_lossy(&valid.stdout);
    assert!(valid.status.success() && said.contains("400 provinces, 20 armies"), "{said}");
    let run = jingkang(&["run", file, "--json"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("one JSON object");
    assert_eq!(report["provinces"].as_array().map(Vec::len), Some(400));
    // To standard output without --out, the same text.
    let printed = jingkang(&["generate", "--provinces", "400", "--factions", "4", "--months", "3"]);
    assert_eq!(printed.stdout, std::fs::read(&path).expect("written"));
    let bad = jingkang(&["generate", "--provinces", "100", "--factions", "11"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--factions must be from 2 to 10"));
}
