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
