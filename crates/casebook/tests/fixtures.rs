//! Runs the shared JSON scenario fixtures in tests/fixtures through the Rust protocol.
//! The C and JavaScript suites run the same files through their surfaces.

use casebook::{Casebook, MemoryStore, SeededIds, protocol};
use serde_json::Value;

/// `expected` is contained in `actual`: objects by key, arrays element by element (same length).
#[path = "../../../tests/support/fixture_files.rs"]
mod fixture_files;

fn contains(actual: &Value, expected: &Value, path: &str) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("{path}.{k} is missing"))?;
                contains(av, ev, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(e)) => {
            if a.len() != e.len() {
                return Err(format!(
                    "{path} has {} elements, expected {}",
                    a.len(),
                    e.len()
                ));
            }
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                contains(av, ev, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("{path} is {a}, expected {e}")),
    }
}

#[test]
fn shared_fixtures_pass_through_the_rust_protocol() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = fixture_files::fixture_files(&root);
    assert!(files.len() >= 3, "fixtures found in {}", root.display());
    let now = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut steps = 0;
    for file in files {
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
        for (i, step) in fixture["steps"].as_array().unwrap().iter().enumerate() {
            let line = match (&step["raw"], &step["request"]) {
                (Value::String(raw), _) => raw.clone(),
                (_, req) => req.to_string(),
            };
            let response: Value =
                serde_json::from_str(&protocol::execute_line(&mut book, &line, now)).unwrap();
            if let Err(e) = contains(&response, &step["expect"], "response") {
                panic!(
                    "{} step {}: {e}\nrequest: {line}\nresponse: {response:#}",
                    file.display(),
                    i + 1
                );
            }
            steps += 1;
        }
    }
    assert!(steps > 20);
}
