//! The simulation's layering, read off its source: no import cycles inside `src/sim`, rule files
//! that import the floors but never each other (a plugin's own submodules are part of it), state that imports no rule, and no rule number
//! written as a bare float in a rule file (each is a parameter in `docs/rules.md`).
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside the crate, e.g. `["sim", "rules", "ai"]`.
type Module = Vec<String>;

fn sim_files() -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src.join("sim"), &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).expect("under src").with_extension("");
            let mut module: Module = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            (module, path)
        })
        .collect()
}

/// The file's text without its test modules and comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // Skip the item that follows: a `mod x;` line or a `mod x { ... }` block.
        match (after.find(';'), after.find('{')) {
            (Some(semi), Some(brace)) if semi < brace => rest = &after[semi + 1..],
            (_, Some(brace)) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, c) in after[brace..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = brace + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            _ => rest = "",
        }
    }
    out.push_str(rest);
    out.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Every path the code names that starts at `crate`, `super` or `self`, `use` groups expanded.
fn paths(code: &str) -> Vec<String> {
    fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let tree = tree.trim();
        let Some(open) = tree.find('{') else {
            out.push(format!("{prefix}{tree}"));
            return;
        };
        let head = format!("{prefix}{}", &tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&head, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&head, &inner[start..], out);
    }
    let mut out = Vec::new();
    for statement in code.split(';') {
        if let Some(at) = statement.find("use ")
            && statement[..at].trim().trim_start_matches("pub").trim().is_empty()
        {
            expand("", &statement[at + 4..].replace(char::is_whitespace, ""), &mut out);
        }
    }
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let begin = from + at;
            let word_start = begin == 0 || !(bytes[begin - 1].is_ascii_alphanumeric() || bytes[begin - 1] == b'_');
            let end = code[begin..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| begin + e);
            if word_start {
                out.push(code[begin..end].to_string());
            }
            from = end.max(begin + 1);
        }
    }
    out
}

/// The module of `files` a path names, seen from `from`.
fn resolve(files: &BTreeMap<Module, PathBuf>, from: &Module, path: &str) -> Option<Module> {
    let mut segments = path.split("::").filter(|s| !s.is_empty()).peekable();
    let mut at: Module = match segments.peek().copied() {
        Some("crate") => {
            segments.next();
            Vec::new()
        }
        Some("super" | "self") => from.clone(),
        _ => return None,
    };
    while let Some(s) = segments.peek().copied() {
        match s {
            "super" => {
                at.pop();
            }
            "self" => {}
            _ => break,
        }
        segments.next();
    }
    let mut best = files.contains_key(&at).then(|| at.clone());
    for s in segments {
        at.push(s.split(" as ").next().unwrap_or(s).to_string());
        if files.contains_key(&at) {
            best = Some(at.clone());
        }
    }
    best
}

/// Which modules each module of `src/sim` imports or names.
fn imports() -> BTreeMap<Module, BTreeSet<Module>> {
    let files = sim_files();
    files
        .iter()
        .map(|(module, path)| {
            let targets = paths(&code(path))
                .iter()
                .filter_map(|p| resolve(&files, module, p))
                .filter(|t| t != module && t.first().is_some_and(|s| s == "sim"))
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

/// A rule file: a plugin under `src/sim/rules`, or one of a plugin's own submodules (as
/// `rules/ai/strategy.rs` is the AI's).
fn is_rule(module: &Module) -> bool {
    module.len() >= 3 && module[1] == "rules"
}

/// The plugin a rule file belongs to: `sim::rules::ai` for `sim::rules::ai::strategy`.
fn plugin_of(module: &Module) -> &[String] {
    &module[..3.min(module.len())]
}

#[test]
fn the_simulation_has_no_import_cycle() {
    let graph = imports();
    assert!(graph.len() > 30, "read {} files of src/sim", graph.len());
    // Depth-first search for a back edge.
    fn visit<'a>(
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        at: &'a Module,
        path: &mut Vec<&'a Module>,
        done: &mut BTreeSet<&'a Module>,
    ) -> Option<String> {
        if let Some(i) = path.iter().position(|m| *m == at) {
            let cycle: Vec<String> = path[i..].iter().map(|m| m.join("::")).collect();
            return Some(format!("{} -> {}", cycle.join(" -> "), at.join("::")));
        }
        if !done.insert(at) {
            return None;
        }
        path.push(at);
        for next in graph.get(at).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(&graph, module, &mut Vec::new(), &mut done) {
            panic!("import cycle: {cycle}");
        }
    }
}

#[test]
fn rule_files_import_the_floors_and_never_each_other() {
    let graph = imports();
    let rules: Vec<&Module> = graph.keys().filter(|m| is_rule(m)).collect();
    assert!(rules.len() >= 10, "found {} rule files", rules.len());
    let mut wrong = Vec::new();
    for rule in rules {
        for target in &graph[rule] {
            let own_plugin = is_rule(target) && plugin_of(target) == plugin_of(rule);
            if !own_plugin && target.get(1).is_some_and(|m| m == "rules") {
                wrong.push(format!("{} imports {}", rule.join("::"), target.join("::")));
            }
        }
    }
    // The state, ids, static data and compiled program are the floor: they import no rule and no
    // shared formula.
    let upper = ["rules", "power", "judgement", "conditions", "schedule", "campaign", "view", "report", "readout"];
    for (module, targets) in &graph {
        let floor = ["state", "ids", "data", "compiled", "units", "collect"];
        if !module.get(1).is_some_and(|m| floor.contains(&m.as_str())) {
            continue;
        }
        for target in targets {
            if target.get(1).is_some_and(|m| upper.contains(&m.as_str())) {
                wrong.push(format!("{} (the floor) imports {}", module.join("::"), target.join("::")));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn rule_files_write_no_rule_number_as_a_bare_float() {
    let mut found = Vec::new();
    for (module, path) in sim_files().iter().filter(|(m, _)| is_rule(m)) {
        for (n, line) in code(path).lines().enumerate() {
            // Float literals outside strings, other than 0 and 1.
            let mut in_string = false;
            let chars: Vec<char> = line.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                if c == '"' {
                    in_string = !in_string;
                } else if !in_string
                    && c.is_ascii_digit()
                    && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == '.'))
                {
                    let start = i;
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '_' || chars[i] == '.') {
                        i += 1;
                    }
                    let literal: String = chars[start..i].iter().filter(|c| **c != '_').collect();
                    if literal.contains('.') && !literal.ends_with('.') {
                        let value: f64 = literal.parse().unwrap_or(f64::NAN);
                        if value != 0.0 && value != 1.0 {
                            found.push(format!("{}:{}: {literal}", module.join("::"), n + 1));
                        }
                    }
                    continue;
                }
                i += 1;
            }
        }
    }
    assert!(found.is_empty(), "rule numbers belong in scenario::Rules:\n{}", found.join("\n"));
}

#[test]
fn the_source_reader_sees_the_imports_it_must() {
    // A guard on the guards above: the reader must find a rule file's imports of the state, or the
    // tests would pass on nothing.
    let graph = imports();
    let sieges: Module = ["sim", "rules", "sieges"].map(String::from).to_vec();
    let state: Module = ["sim", "state"].map(String::from).to_vec();
    let power: Module = ["sim", "power"].map(String::from).to_vec();
    assert!(graph[&sieges].contains(&state), "{:?}", graph[&sieges]);
    assert!(graph[&sieges].contains(&power), "{:?}", graph[&sieges]);
    // A plugin's submodule is read too, and counts as a rule file.
    let strategy: Module = ["sim", "rules", "ai", "strategy"].map(String::from).to_vec();
    assert!(graph[&strategy].contains(&power), "{:?}", graph[&strategy]);
    assert!(is_rule(&strategy));
}
