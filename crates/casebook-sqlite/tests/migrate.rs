//! Files of the older layouts (1, and 2 with a snapshot) open in this build: they are migrated
//! to the current layout, with every event, stream version and snapshot kept.

use casebook::store::{Commit, Store, StoreError};
use casebook_sqlite::{APPLICATION_ID, SCHEMA_VERSION, SqliteOptions, SqliteStore};
use rusqlite::Connection;

/// The tables of layout 1, as Casebook wrote them before layout 3.
const V1: &str = "
CREATE TABLE streams (
    id      INTEGER PRIMARY KEY,
    name    TEXT    NOT NULL UNIQUE,
    version INTEGER NOT NULL CHECK (version >= 0),
    last    INTEGER NOT NULL CHECK (last >= 0)
);
CREATE TABLE events (
    position  INTEGER PRIMARY KEY,
    stream_id INTEGER NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    prev      INTEGER NOT NULL CHECK (prev >= 0 AND prev < position),
    payload   TEXT    NOT NULL
);
INSERT INTO streams (id, name, version, last) VALUES
    (1, 'keys', 2, 4), (2, 'case/b', 2, 5), (3, 'case/a', 1, 3);
INSERT INTO events (position, stream_id, seq, prev, payload) VALUES
    (1, 1, 1, 0, '{\"first\":1,\"count\":2}'),
    (2, 2, 1, 0, '{\"reported\":\"b\"}'),
    (3, 3, 1, 0, '{\"reported\":\"a\"}'),
    (4, 1, 2, 1, '{\"first\":3,\"count\":0}'),
    (5, 2, 2, 2, '{\"comment\":\"b\"}');
";

/// Writes a layout-1 file (layout 2 when `snapshot`: the same plus a snapshot).
fn old_file(path: &std::path::Path, snapshot: bool) {
    let c = Connection::open(path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    c.execute_batch(V1).unwrap();
    let mut version = 1;
    if snapshot {
        c.execute_batch(
            "CREATE TABLE snapshots (chunk INTEGER PRIMARY KEY, position INTEGER NOT NULL \
             CHECK (position >= 0), data BLOB NOT NULL);
             INSERT INTO snapshots VALUES (0, 5, x'010203');",
        )
        .unwrap();
        version = 2;
    }
    c.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {version};"
    ))
    .unwrap();
}

fn header(path: &std::path::Path) -> (i32, Vec<String>) {
    let c = Connection::open(path).unwrap();
    let v = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mut st = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    let tables = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    (v, tables)
}

fn check_migrated(path: &std::path::Path) -> SqliteStore {
    let mut store = SqliteStore::open(path, SqliteOptions::default()).unwrap();
    let mut log = Vec::new();
    store
        .read_all(0, &mut |e| {
            log.push((e.position, e.stream, e.seq, e.payload));
            Ok(())
        })
        .unwrap();
    let streams: Vec<(u64, &str, u64)> = log
        .iter()
        .map(|(p, s, q, _)| (*p, s.as_str(), *q))
        .collect();
    assert_eq!(
        streams,
        [
            (1, "keys", 1),
            (2, "case/b", 1),
            (3, "case/a", 1),
            (4, "keys", 2),
            (5, "case/b", 2)
        ]
    );
    assert_eq!(log[4].3, r#"{"comment":"b"}"#);
    let b = store.read_stream("case/b").unwrap();
    assert_eq!(
        b.iter().map(|e| e.position).collect::<Vec<_>>(),
        [2, 5],
        "the chain of a stream is kept"
    );
    assert_eq!(store.stream_version("keys").unwrap(), 2);
    assert_eq!(store.stream_version("case/a").unwrap(), 1);
    assert_eq!(store.head().unwrap(), 5);

    // Appends go on where the old layout stopped, with the versions it had.
    let stale = store.append(&[Commit {
        stream: "case/a".into(),
        expected_version: 0,
        payloads: vec!["{}".into()],
    }]);
    assert!(
        matches!(stale, Err(StoreError::Conflict { ref stream, expected: 0, actual: 1 }) if stream == "case/a"),
        "{stale:?}"
    );
    let head = store
        .append(&[
            Commit {
                stream: "case/a".into(),
                expected_version: 1,
                payloads: vec![r#"{"comment":"a"}"#.into()],
            },
            Commit {
                stream: "case/c".into(),
                expected_version: 0,
                payloads: vec![r#"{"reported":"c"}"#.into()],
            },
        ])
        .unwrap();
    assert_eq!(head, 7);
    let a = store.read_stream("case/a").unwrap();
    assert_eq!(a.iter().map(|e| e.position).collect::<Vec<_>>(), [3, 6]);
    let (version, tables) = header(path);
    assert_eq!(version, SCHEMA_VERSION);
    assert!(
        tables.iter().all(|t| !t.ends_with("_v1")),
        "the old tables are gone: {tables:?}"
    );
    store
}

#[test]
fn a_layout_1_file_is_migrated_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    old_file(&path, false);
    drop(check_migrated(&path));
    // Opening it again finds the current layout and changes nothing.
    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    assert_eq!(store.head().unwrap(), 7);
    assert_eq!(header(&path).0, SCHEMA_VERSION);
}

#[test]
fn a_layout_2_file_keeps_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    old_file(&path, true);
    let store = check_migrated(&path);
    assert_eq!(store.load_snapshot().unwrap(), Some((5, vec![1, 2, 3])));
}

#[test]
fn a_damaged_old_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orphan.db");
    old_file(&path, false);
    let c = Connection::open(&path).unwrap();
    c.execute("DELETE FROM streams WHERE name = 'case/a'", [])
        .unwrap();
    drop(c);
    let e = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert_eq!(e.code(), "storage_corrupt");
    assert!(e.to_string().contains("belong to no stream"), "{e}");
    let (version, tables) = header(&path);
    assert_eq!(version, 1, "nothing was changed");
    assert_eq!(tables, ["events", "streams"]);
}
