//! Opening files that are not (or not yet) Casebook stores gives typed errors, never a panic.

use casebook_sqlite::{APPLICATION_ID, SCHEMA_VERSION, SqliteOptions, SqliteStore};

#[test]
fn text_file_is_storage_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let text = "These are my notes, not a database.\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let err = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert_eq!(err.code(), "storage_corrupt", "{err}");
    assert!(err.to_string().contains("not a Casebook store"), "{err}");
    // The file was not touched.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn other_sqlite_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let err = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert_eq!(err.code(), "storage_corrupt");
    assert!(err.to_string().contains("not a Casebook store"), "{err}");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA application_id = 99;").unwrap();
    }
    let err = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert_eq!(err.code(), "storage_corrupt");
    assert!(err.to_string().contains("application id 0x63"), "{err}");
}

#[test]
fn newer_layout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    drop(SqliteStore::open(&path, SqliteOptions::default()).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        let app: i32 = c
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(app, APPLICATION_ID);
        c.execute_batch(&format!("PRAGMA user_version = {};", SCHEMA_VERSION + 1))
            .unwrap();
    }
    let err = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert_eq!(err.code(), "storage_corrupt");
    assert!(err.to_string().contains("newer Casebook"), "{err}");
}

#[test]
fn missing_file_without_create_is_storage_failed() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteOptions::default().with_create_if_missing(false);
    let err = SqliteStore::open(dir.path().join("absent.db"), opts).unwrap_err();
    assert_eq!(err.code(), "storage_failed", "{err}");
    let err = SqliteStore::open(
        dir.path().join("no/such/folder/x.db"),
        SqliteOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "storage_failed", "{err}");
    assert!(err.to_string().contains("no/such/folder"), "{err}");
}

#[test]
fn empty_file_becomes_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    use casebook::store::Store;
    assert_eq!(s.head().unwrap(), 0);
}

#[test]
fn damaged_header_is_storage_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    drop(SqliteStore::open(&path, SqliteOptions::default()).unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(16).take(84) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert_eq!(err.code(), "storage_corrupt", "{err}");
}

#[test]
fn tampered_stream_chain_is_storage_corrupt() {
    use casebook::store::{Commit, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    let mut s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let one = |stream: &str, v: u64| Commit {
        stream: stream.into(),
        expected_version: v,
        payloads: vec!["p".into(), "q".into()],
    };
    s.append(&[one("case/a", 0), one("case/b", 0)]).unwrap();
    s.append(&[one("case/a", 2)]).unwrap();
    assert_eq!(s.read_stream("case/a").unwrap().len(), 4);
    let c = rusqlite::Connection::open(&path).unwrap();
    // Point case/a's third event at case/b's events.
    c.execute("UPDATE events SET prev = 4 WHERE position = 5", [])
        .unwrap();
    let err = s.read_stream("case/a").unwrap_err();
    assert_eq!(err.code(), "storage_corrupt", "{err}");
    assert!(err.to_string().contains("case/a"), "{err}");
    assert_eq!(
        s.rewrite("case/a", 1, "x").unwrap_err().code(),
        "storage_corrupt"
    );
    assert_eq!(s.read_stream("case/b").unwrap().len(), 2);
}
