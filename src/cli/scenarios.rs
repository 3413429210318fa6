//! `jingkang scenarios`: the built-in scenarios, one line each.
use std::process::ExitCode;

use crate::scenario::{ScenarioRef, builtin_scenarios, load_valid};

/// Prints id, name, years and the first line of the description of each built-in scenario.
pub(super) fn run() -> ExitCode {
    let mut failed = false;
    let rows: Vec<[String; 4]> = builtin_scenarios()
        .into_iter()
        .map(|b| match load_valid(&ScenarioRef::Builtin(b.id.clone())) {
            Ok(s) => {
                let years = format!("{}-{}", s.start.year, s.end.year);
                let summary = s.description.lines().next().unwrap_or("").trim().to_string();
                [b.id, s.name.clone(), years, summary]
            }
            Err(e) => {
                failed = true;
                eprintln!("{e}");
                [b.id, "(invalid: see the errors above)".into(), String::new(), String::new()]
            }
        })
        .collect();
    let width = |k: usize| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [id, name, years, summary] in &rows {
        println!("{id:<w0$}  {name:<w1$}  {years:<w2$}  {summary}");
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
