//! No input may crash the loader: random edits of a real scenario give errors, never panics.
use std::path::Path;

use jingkang::scenario::{ScenarioRef, SourceMap, load_valid};
use proptest::prelude::*;

const SCENARIO: &str = include_str!("../scenarios/hebei_1125.ron");
const MAP: &str = include_str!("../scenarios/maps/hebei_plain.ron");

/// An edit of the scenario text.
#[derive(Clone, Debug)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop::sample::select(vec![
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "\"",
        ",",
        ":",
        "-",
        "-1",
        "9999999999999999999999",
        "1e400",
        "NaN",
        "Some(",
        "r#\"",
        "/*",
        "//",
        "x",
        "\n",
    ]);
    prop_oneof![
        (any::<prop::sample::Index>(), 1usize..40)
            .prop_map(|(i, len)| Edit::Delete { at: i.index(SCENARIO.len()), len }),
        (any::<prop::sample::Index>(), prop::collection::vec(piece, 1..4))
            .prop_map(|(i, p)| Edit::Insert { at: i.index(SCENARIO.len()), text: p.concat() }),
        any::<prop::sample::Index>().prop_map(|i| Edit::DuplicateLine(i.index(200))),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| Edit::SwapLines(a.index(200), b.index(200))),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        match e {
            Edit::Delete { at, len } => {
                let start = floor(&s, *at);
                let end = floor(&s, (start + len).min(s.len()));
                s.replace_range(start..end, "");
            }
            Edit::Insert { at, text } => {
                let at = floor(&s, *at);
                s.insert_str(at, text);
            }
            Edit::DuplicateLine(_) | Edit::SwapLines(..) if s.is_empty() => {}
            Edit::DuplicateLine(i) => {
                let mut lines: Vec<&str> = s.lines().collect();
                let i = i % lines.len();
                lines.insert(i, lines[i]);
                s = lines.join("\n");
            }
            Edit::SwapLines(a, b) => {
                let mut lines: Vec<&str> = s.lines().collect();
                let n = lines.len();
                lines.swap(a % n, b % n);
                s = lines.join("\n");
            }
        }
    }
    s
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn edited_scenarios_give_errors_not_panics(edits in prop::collection::vec(edit(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("maps")).unwrap();
        std::fs::write(dir.path().join("maps/hebei_plain.ron"), MAP).unwrap();
        let path = dir.path().join("edited.ron");
        std::fs::write(&path, apply(SCENARIO, &edits)).unwrap();
        match load_valid(&ScenarioRef::File(path.clone())) {
            Ok(_) => {}
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for e in &errors.0 {
                    prop_assert!(e.line >= 1 && e.column >= 1);
                    prop_assert!(Path::new(&e.file).file_name().is_some());
                }
            }
        }
    }

    #[test]
    fn the_source_map_never_panics(text in "\\PC{0,300}") {
        let map = SourceMap::build(&text);
        let _ = map.locate("a[1].b.c");
    }
}
