//! The Rust half of the C fixture run (see tests/run_fixtures.c).
//!
//! `fixtures emit FILE` writes the shared fixtures' requests as records for the C runner;
//! `fixtures check FILE` reads the C runner's responses and checks each one is byte-identical to
//! what `protocol::execute_line` answers for the same request, and contains the fixture's
//! `expect`. Prints `N passed, M failed` and exits non-zero on any failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use casebook_core::{Casebook, MemoryStore, SeededIds, protocol};
use serde_json::Value;

/// `expected` is contained in `actual`: objects by key, arrays element by element (same length).
fn contains(actual: &Value, expected: &Value, path: &str) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().try_for_each(|(k, ev)| {
            let av = a.get(k).ok_or_else(|| format!("{path}.{k} is missing"))?;
            contains(av, ev, &format!("{path}.{k}"))
        }),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => a
            .iter()
            .zip(e)
            .enumerate()
            .try_for_each(|(i, (av, ev))| contains(av, ev, &format!("{path}[{i}]"))),
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("{path} is {a}, expected {e}")),
    }
}

struct Step {
    request: String,
    expect: Value,
}

fn fixtures() -> Result<Vec<(String, Vec<Step>)>, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let fixture: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let steps = fixture["steps"]
            .as_array()
            .ok_or_else(|| format!("{}: no steps", file.display()))?
            .iter()
            .map(|step| Step {
                request: match (&step["raw"], &step["request"]) {
                    (Value::String(raw), _) => raw.clone(),
                    (_, req) => req.to_string(),
                },
                expect: step["expect"].clone(),
            })
            .collect();
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        out.push((name.unwrap_or_default(), steps));
    }
    Ok(out)
}

fn emit(path: &str) -> Result<(), String> {
    let mut out = Vec::new();
    for (name, steps) in fixtures()? {
        write!(out, "F {}\n{name}\n", name.len()).map_err(|e| e.to_string())?;
        for s in steps {
            write!(out, "R {}\n{}\n", s.request.len(), s.request).map_err(|e| e.to_string())?;
        }
    }
    std::fs::write(path, out).map_err(|e| format!("{path}: {e}"))
}

fn check(path: &str) -> Result<(usize, usize), String> {
    let got = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = got.lines();
    let now = "2026-01-01T00:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let (mut passed, mut failed) = (0, 0);
    for (name, steps) in fixtures()? {
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1)))
            .map_err(|e| e.to_string())?;
        for (i, step) in steps.iter().enumerate() {
            let rust = protocol::execute_line(&mut book, &step.request, now);
            let c = lines.next().unwrap_or("<no response>");
            let parsed: Value = serde_json::from_str(c).unwrap_or(Value::Null);
            let verdict = if c != rust {
                Err(format!(
                    "C response differs from Rust:\n  C:    {c}\n  Rust: {rust}"
                ))
            } else {
                contains(&parsed, &step.expect, "response")
            };
            match verdict {
                Ok(()) => passed += 1,
                Err(e) => {
                    failed += 1;
                    eprintln!("FAIL {name} step {}: {e}", i + 1);
                }
            }
        }
    }
    if lines.next().is_some() {
        failed += 1;
        eprintln!("FAIL: the C runner printed more responses than there are steps");
    }
    Ok((passed, failed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("emit"), Some(path)) => emit(path).map(|()| None),
        (Some("check"), Some(path)) => check(path).map(Some),
        _ => Err("usage: fixtures emit FILE | fixtures check FILE".into()),
    };
    match result {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some((passed, failed))) => {
            println!("fixtures through the C ABI: {passed} passed, {failed} failed");
            if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}
