//! The documentation matches the code: every rule parameter is documented with its default.

#[test]
fn docs_rules_md_lists_every_rule_parameter_with_its_default() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).expect("docs/rules.md");
    for (name, default, what) in jingkang::scenario::Rules::documentation() {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("{name} is not in docs/rules.md"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let documented: f64 =
            cells[2].parse().unwrap_or_else(|_| panic!("{name}: default {:?} is not a number", cells[2]));
        assert_eq!(documented, default, "{name}: docs say {documented}, the code {default}");
        assert_eq!(cells[4], what, "{name}: description differs from the code's doc comment");
    }
}

#[test]
fn the_annotated_example_validates() {
    let path = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/examples/annotated.ron"));
    if let Err(e) = jingkang::scenario::load_valid(&jingkang::scenario::ScenarioRef::File(path)) {
        panic!("docs/examples/annotated.ron is invalid:\n{e}");
    }
}

/// The variant names serde knows for `T`, read off the error for a variant that does not exist.
fn variants<T: serde::de::DeserializeOwned>() -> Vec<String> {
    let err = ron::from_str::<T>("NoSuchVariantAtAll").err().expect("not a variant").code;
    match err {
        ron::Error::NoSuchEnumVariant { expected, .. } => expected.iter().map(|s| s.to_string()).collect(),
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn docs_scenario_format_md_documents_every_condition_effect_and_modifier() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-format.md")).unwrap();
    let mut missing = Vec::new();
    for name in variants::<jingkang::scenario::Condition>()
        .into_iter()
        .chain(variants::<jingkang::scenario::Effect>())
        .chain(variants::<jingkang::scenario::Modifier>())
        .chain(variants::<jingkang::scenario::TreatyKind>())
    {
        if !doc.contains(&format!("`{name}"))
            && !doc.contains(&format!(", {name}("))
            && !doc.contains(&format!("`{name}("))
        {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "not documented in docs/scenario-format.md: {missing:?}");
}
