//! Erasing a person on a SQLite casebook: their data is gone from the file's bytes, the rest stays,
//! and the file reopens to the live state.

use casebook::protocol;
use casebook::{Casebook, SeededIds, Store};
use casebook_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../../../tests/data/portability/scenario.jsonl");

fn ok<S: Store>(book: &mut Casebook<S>, req: &Value) -> Value {
    let now = "2026-05-04T10:00:00Z".parse().expect("time");
    let r: Value =
        serde_json::from_str(&protocol::execute_line(book, &req.to_string(), now)).expect("json");
    assert_eq!(r["ok"], true, "{req} -> {r}");
    r["result"].clone()
}

fn bytes_contain(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            hits.push(path.display().to_string());
        }
    }
    hits
}

fn views<S: Store>(book: &mut Casebook<S>) -> Vec<Value> {
    (1..=3)
        .map(|n| {
            ok(
                book,
                &json!({"op": "get", "as": {"role": "admin"}, "case": format!("HELP-{n}")}),
            )
        })
        .collect()
}

#[test]
fn erased_person_is_gone_from_the_file_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("casebook.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).expect("open");
    let mut book = Casebook::open(store, Box::new(SeededIds::new(3))).expect("casebook");
    for line in SCENARIO.lines().filter(|l| !l.trim().is_empty()) {
        ok(
            &mut book,
            &serde_json::from_str(line).expect("scenario line"),
        );
    }
    book.store().checkpoint().expect("checkpoint");
    let secrets = [
        "ADA-PHONE",
        "ada@example.org",
        "Ada Lovelace",
        "ADA-SERIAL-9",
    ];
    for s in secrets {
        assert!(
            !bytes_contain(dir.path(), s).is_empty(),
            "{s} should be stored before"
        );
    }
    let r = ok(
        &mut book,
        &json!({"op": "erase", "as": {"role": "admin"}, "person": {"user": "ada"}}),
    );
    assert!(
        r["erased"]["events"].as_u64().is_some_and(|n| n >= 2),
        "{r}"
    );
    for s in secrets {
        assert_eq!(
            bytes_contain(dir.path(), s),
            Vec::<String>::new(),
            "{s} left on disk"
        );
    }
    for kept in ["Bob here: same for me", "anon@example.net", "Sync is slow"] {
        assert!(
            !bytes_contain(dir.path(), kept).is_empty(),
            "{kept} was lost"
        );
    }
    let live = views(&mut book);
    drop(book);
    let store = SqliteStore::open(&path, SqliteOptions::default()).expect("reopen");
    let mut reopened = Casebook::open(store, Box::new(SeededIds::new(4))).expect("replay");
    assert_eq!(
        views(&mut reopened),
        live,
        "reopening after the erasure gives the live state"
    );
}
