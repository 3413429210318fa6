//! `jingkang bench` measures a scenario on one thread and on every core and reports peak memory.
use std::process::Command;

#[test]
fn bench_reports_a_rate_per_thread_count_and_peak_memory() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_jingkang")).args(["bench", "hebei_1125", "--runs", "20"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> =
        text.lines().filter(|l| l.starts_with("hebei_1125")).map(|l| l.split_whitespace().collect()).collect();
    assert!(!rows.is_empty(), "{text}");
    assert_eq!(rows[0][2], "1", "the first row is on one thread: {text}");
    for row in &rows {
        let rate: f64 = row[4].parse().unwrap_or_else(|_| panic!("a rate in {row:?}"));
        assert!(rate > 0.0, "{text}");
    }
    assert!(text.contains("peak memory"), "{text}");
}

#[test]
fn bench_refuses_zero_runs() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_jingkang")).args(["bench", "hebei_1125", "--runs", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
