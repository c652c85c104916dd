//! The JSON protocol: parse, then execute on a memory casebook. Every answer is JSON with `ok`.
#![no_main]

use casebook::{Casebook, MemoryStore, SeededIds, protocol};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = chrono_now();
    let Ok(mut book) = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))) else {
        return;
    };
    // A case to act on, then the input (one request per line).
    let seed = r#"{"op":"report","as":{"role":"customer","id":"u1"},"description":"seed"}"#;
    protocol::execute_line(&mut book, seed, now);
    for line in text.lines().take(16) {
        let answer = protocol::execute_line(&mut book, line, now);
        let v: serde_json::Value = serde_json::from_str(&answer).expect("answers are JSON");
        assert!(v["ok"].is_boolean());
    }
});

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    "2026-05-04T10:00:00Z".parse().expect("a constant time")
}
