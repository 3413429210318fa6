//! The Ray driver, `tools/ray_sweep.py`: a sweep played in shards as Ray tasks on a local Ray
//! instance and merged gives the single machine's report byte for byte (JSON, CSV, chart, and the
//! text from the same partials). Where Python's `ray` cannot be imported the test says loudly
//! that it was skipped, unless `JINGKANG_REQUIRE_RAY=1` (as CI sets), where that is a failure.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longer than the driver ever takes here (a Ray start of a few seconds and a small sweep), so
/// that a hung Ray fails the test instead of hanging it.
const TIME_LIMIT: Duration = Duration::from_secs(300);

fn jingkang(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).args(args).output().expect("the binary runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Why `python3 -c 'import ray'` fails, if it does.
fn ray_missing() -> Option<String> {
    match Command::new("python3").args(["-c", "import ray"]).output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(String::from_utf8_lossy(&out.stderr).trim().lines().last().unwrap_or_default().to_string()),
        Err(e) => Some(format!("python3 cannot be run: {e}")),
    }
}

/// Runs `command` with its standard output to `stdout` and its standard error to `stderr`,
/// killed past [`TIME_LIMIT`].
fn run_with_limit(command: &mut Command, stdout: &Path, stderr: &Path) -> std::process::ExitStatus {
    let file = |p: &Path| Stdio::from(std::fs::File::create(p).expect("an output file"));
    let mut child =
        command.stdin(Stdio::null()).stdout(file(stdout)).stderr(file(stderr)).spawn().expect("python3 runs");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the driver can be waited for") {
            return status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            let said = std::fs::read_to_string(stderr).unwrap_or_default();
            panic!("tools/ray_sweep.py took more than {TIME_LIMIT:?}; its stderr:\n{said}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The text report without its first line's timing, which is a measurement, not a result.
fn without_timing(report: &[u8]) -> String {
    let report = String::from_utf8_lossy(report);
    let (first, rest) = report.split_once('\n').expect("a report of several lines");
    let (what, timing) = first.rsplit_once(" in ").expect("the first line gives the sweep's time");
    assert!(timing.ends_with(" campaigns/s)"), "{first}");
    format!("{what}\n{rest}")
}

#[test]
fn a_sweep_played_as_ray_tasks_gives_the_single_machines_report_byte_for_byte() {
    if let Some(why) = ray_missing() {
        assert!(
            std::env::var("JINGKANG_REQUIRE_RAY").as_deref() != Ok("1"),
            "JINGKANG_REQUIRE_RAY=1 but Python's ray cannot be imported: {why}"
        );
        // Written to the standard error itself, not through `eprintln!`, which the test harness
        // captures and shows only for a failing test: a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n******** SKIPPED: the Ray sweep test did not run: Python's ray cannot be imported ({why}).\n\
             ******** Install it with `python3 -m pip install ray`; set JINGKANG_REQUIRE_RAY=1 to fail instead.\n"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path();
    // Ray's sockets live under its temporary folder, and a socket's path is at most 107 bytes:
    // keep that folder's path short.
    let ray_dir = tempfile::Builder::new().prefix("jkray").tempdir_in("/tmp").expect("a short temporary folder");
    let sweep = ["jingkang", "--runs", "60", "--seed", "4", "--compare", "--choose", "jin_engineers=horsemen"];

    let (csv, svg) = (d.join("one.csv"), d.join("one.svg"));
    let one = jingkang(&[&["whatif"][..], &sweep, &["--json", "--csv", text(&csv), "--plot", text(&svg)]].concat());
    let one_text = jingkang(&[&["whatif"][..], &sweep].concat());

    let (ray_csv, ray_svg, parts) = (d.join("ray.csv"), d.join("ray.svg"), d.join("parts"));
    let (stdout, stderr) = (d.join("ray.stdout"), d.join("ray.stderr"));
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/ray_sweep.py");
    let started = Instant::now();
    let status = run_with_limit(
        Command::new("python3")
            .arg(&driver)
            .args(["--binary", env!("CARGO_BIN_EXE_jingkang"), "--shards", "3", "--num-cpus", "2"])
            .args(["--ray-temp-dir", text(ray_dir.path()), "--keep-parts", text(&parts), "--"])
            .args(sweep)
            .args(["--json", "--csv", text(&ray_csv), "--plot", text(&ray_svg)])
            .env_remove("RAY_ADDRESS"),
        &stdout,
        &stderr,
    );
    eprintln!("tools/ray_sweep.py took {:.1} s", started.elapsed().as_secs_f64());
    let said = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "tools/ray_sweep.py failed ({status}):\n{said}");

    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert_eq!(String::from_utf8_lossy(&read(&stdout)), String::from_utf8_lossy(&one.stdout), "the JSON reports");
    assert!(read(&ray_csv) == read(&csv), "the CSVs differ");
    assert!(read(&ray_svg) == read(&svg), "the charts differ");
    // The partials the Ray tasks returned give the text report too.
    let kept: Vec<String> = (1..=3).map(|k| text(&parts.join(format!("part-{k}-of-3.jsonl"))).to_string()).collect();
    let merged = jingkang(&[&["merge"][..], &kept.iter().map(String::as_str).collect::<Vec<_>>()].concat());
    assert_eq!(without_timing(&merged.stdout), without_timing(&one_text.stdout));
}
