//! Every malformed scenario in `tests/bad_scenarios/` produces exactly the messages in its `.expected` file.
use std::path::{Path, PathBuf};
use std::process::Command;

use jingkang::scenario::{ErrorKind, MAX_FILE_BYTES, ScenarioRef, load_valid};

const DIR: &str = "tests/bad_scenarios";

/// The fixtures: top-level `.ron` files (`includes/` only holds files they include).
fn fixtures() -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = std::fs::read_dir(DIR)
        .expect("the fixtures folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    list.sort();
    list
}

fn expected(fixture: &Path) -> String {
    let path = fixture.with_extension("expected");
    std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} has no {}", fixture.display(), path.display()))
}

#[test]
fn there_are_enough_fixtures_each_with_its_messages() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 30, "only {} fixtures", fixtures.len());
    for f in &fixtures {
        assert!(f.with_extension("expected").exists(), "{} has no .expected file", f.display());
    }
    for entry in std::fs::read_dir(DIR).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "expected") {
            assert!(p.with_extension("ron").exists(), "{} has no fixture", p.display());
        }
    }
}

#[test]
fn each_fixture_fails_validation_with_exactly_its_messages() {
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let path = PathBuf::from(DIR).join(fixture.file_name().unwrap());
        let errors = match load_valid(&ScenarioRef::File(path.clone())) {
            Ok(_) => {
                failures.push(format!("{}: validated, but must fail", path.display()));
                continue;
            }
            Err(e) => e,
        };
        let got: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
        let want: Vec<String> = expected(&fixture).lines().map(str::to_string).collect();
        if got != want {
            failures.push(format!(
                "{}:\n  expected:\n    {}\n  got:\n    {}",
                path.display(),
                want.join("\n    "),
                got.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_validate_command_prints_them_and_exits_2() {
    for fixture in fixtures() {
        let path = PathBuf::from(DIR).join(fixture.file_name().unwrap());
        let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).arg("validate").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = expected(&fixture);
        assert!(stderr.starts_with(want.as_str()), "{}:\n{stderr}\nexpected to start with:\n{want}", path.display());
        let count = want.lines().count();
        let summary = format!("{}: {count} error{}", path.display(), if count == 1 { "" } else { "s" });
        assert_eq!(stderr.lines().last(), Some(summary.as_str()));
    }
}

#[test]
fn a_valid_and_an_invalid_file_together_exit_2_and_report_both() {
    let bad = format!("{DIR}/unknown_field.ron");
    let out = Command::new(env!("CARGO_BIN_EXE_jingkang")).args(["validate", "hebei_1125", &bad]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: scenarios/hebei_1125.ron"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `dayz`"));
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let errors = load_valid(&ScenarioRef::File(path.clone())).unwrap_err();
    assert_eq!(errors.0.len(), 1);
    assert_eq!(errors.0[0].kind, ErrorKind::FileTooLarge { size: MAX_FILE_BYTES + 1, limit: MAX_FILE_BYTES });
    assert_eq!(
        errors.0[0].to_string(),
        format!(
            "{}:1:1: the file is {} bytes; a scenario file may be at most {} bytes",
            path.display(),
            MAX_FILE_BYTES + 1,
            MAX_FILE_BYTES
        )
    );
}

#[test]
fn an_unknown_builtin_id_gets_a_suggestion() {
    let errors = load_valid(&ScenarioRef::Builtin("hebei_1152".into())).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "hebei_1152:1:1: unknown built-in scenario \"hebei_1152\" (did you mean \"hebei_1125\"?)"
    );
}
