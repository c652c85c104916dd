//! Snapshots in a SQLite file: a reopened casebook loads the snapshot and replays only the
//! tail; a damaged snapshot falls back to the full replay; erasure leaves no trace of the
//! erased data in the snapshot or anywhere in the files; the layout version is raised only by
//! the first snapshot.

use casebook::{Casebook, Opened, SeededIds, protocol};
use casebook_sqlite::{SqliteOptions, SqliteStore};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

fn open(path: &std::path::Path) -> Casebook<SqliteStore> {
    let store = SqliteStore::open(path, SqliteOptions::default()).unwrap();
    Casebook::open(store, Box::new(SeededIds::new(1))).unwrap()
}

fn t0() -> DateTime<Utc> {
    "2026-05-01T08:00:00Z".parse().unwrap()
}

fn report(book: &mut Casebook<SqliteStore>, who: &str, text: &str, i: i64) {
    let r = protocol::execute_line(
        book,
        &json!({"op": "report", "as": {"role": "customer", "id": who, "email": format!("{who}@example.com")},
            "description": text}).to_string(),
        t0() + Duration::minutes(i),
    );
    assert!(r.contains("\"ok\":true"), "{r}");
}

fn user_version(path: &std::path::Path) -> i32 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

#[test]
fn reopening_loads_the_snapshot_and_replays_the_tail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let mut book = open(&path);
    for i in 0..30 {
        report(
            &mut book,
            &format!("u{}", i % 4),
            &format!("export {i} crashes"),
            i,
        );
    }
    assert_eq!(
        user_version(&path),
        casebook_sqlite::SCHEMA_VERSION,
        "a new file is written at the current layout"
    );
    let at = book.save_snapshot().unwrap();
    assert_eq!(
        user_version(&path),
        casebook_sqlite::SCHEMA_VERSION,
        "a snapshot does not change the current layout's version"
    );
    for i in 30..35 {
        report(&mut book, "u9", &format!("sync {i} stops"), i);
    }
    let head = casebook::Store::head(book.store()).unwrap();
    let cases: Vec<_> = book.cases().iter().cloned().collect();
    drop(book);

    let again = open(&path);
    assert_eq!(
        again.opened(),
        &Opened::FromSnapshot {
            position: at,
            tail: head - at
        }
    );
    assert_eq!(again.cases().iter().cloned().collect::<Vec<_>>(), cases);
}

#[test]
fn a_damaged_snapshot_falls_back_to_the_full_replay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let mut book = open(&path);
    for i in 0..10 {
        report(&mut book, "u1", &format!("export {i} crashes"), i);
    }
    book.save_snapshot().unwrap();
    let cases: Vec<_> = book.cases().iter().cloned().collect();
    drop(book);
    // Cut short, then not even a blob: each time the whole log is replayed.
    for (damage, code) in [
        ("substr(data, 1, length(data) / 2)", "snapshot_corrupt"),
        ("'some text'", "snapshot_unreadable"),
    ] {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(&format!("UPDATE snapshots SET data = {damage}"), [])
            .unwrap();
        drop(c);
        let again = open(&path);
        match again.opened() {
            Opened::ReplayedIgnoring(e) => assert_eq!(e.code(), code),
            other => panic!("expected a full replay, got {other:?}"),
        }
        assert_eq!(again.cases().iter().cloned().collect::<Vec<_>>(), cases);
    }
}

#[test]
fn erasure_drops_the_snapshot_and_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let mut book = open(&path);
    let secret = "SECRET-DESCRIPTION-OF-ERIN";
    report(&mut book, "erin", secret, 0);
    for i in 1..20 {
        report(&mut book, "u1", &format!("export {i} crashes"), i);
    }
    book.save_snapshot().unwrap();
    book.store().checkpoint().unwrap();
    assert!(files_contain(dir.path(), secret.as_bytes()));
    let r = protocol::execute_line(
        &mut book,
        &json!({"op": "erase", "as": {"role": "admin", "id": "root"}, "person": {"user": "erin"}})
            .to_string(),
        t0() + Duration::days(1),
    );
    assert!(r.contains("\"ok\":true"), "{r}");
    assert_eq!(casebook::Store::load_snapshot(book.store()).unwrap(), None);
    drop(book);
    assert!(
        !files_contain(dir.path(), secret.as_bytes()),
        "the snapshot's copy is gone too"
    );
    let again = open(&path);
    assert_eq!(again.opened(), &Opened::Replayed);
    assert_eq!(again.cases().len(), 20);
}

#[test]
fn a_casebook_folded_before_another_process_erased_cannot_save_the_erased_data_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let secret = "SECRET-TEXT-OF-FRANK";
    let mut eraser = open(&path);
    report(&mut eraser, "frank", secret, 0);
    for i in 1..10 {
        report(&mut eraser, "u1", &format!("export {i} crashes"), i);
    }
    // Another app server folded the log while Frank's text was still in it.
    let mut stale = open(&path);
    let r = protocol::execute_line(
        &mut eraser,
        &json!({"op": "erase", "as": {"role": "admin", "id": "root"}, "person": {"user": "frank"}})
            .to_string(),
        t0() + Duration::days(1),
    );
    assert!(r.contains("\"ok\":true"), "{r}");

    let err = stale.save_snapshot().unwrap_err();
    assert_eq!(err.code().as_str(), "conflict", "{err}");
    assert!(err.to_string().contains("reload"), "{err}");
    assert_eq!(casebook::Store::load_snapshot(stale.store()).unwrap(), None);
    drop(stale);
    eraser.store().checkpoint().unwrap();
    assert!(
        !files_contain(dir.path(), secret.as_bytes()),
        "the refused save wrote nothing"
    );

    // Reopened after the erasure, the same server saves, and the snapshot holds no trace.
    let mut fresh = open(&path);
    fresh.save_snapshot().unwrap();
    // The eraser itself folded the log again after erasing: it may save too.
    eraser.save_snapshot().unwrap();
    drop(fresh);
    eraser.store().checkpoint().unwrap();
    drop(eraser);
    assert!(!files_contain(dir.path(), secret.as_bytes()));
    assert!(matches!(open(&path).opened(), Opened::FromSnapshot { .. }));
}
