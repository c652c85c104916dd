//! The shared store contract, on a file and in memory, and persistence across reopening.

use casebook::store::{Commit, Store, conformance};
use casebook_sqlite::{Durability, SqliteOptions, SqliteStore};

fn commit(stream: &str, expected: u64, payloads: &[&str]) -> Commit {
    Commit {
        stream: stream.into(),
        expected_version: expected,
        payloads: payloads.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn file_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    conformance::run_all(|| {
        n += 1;
        SqliteStore::open(
            dir.path().join(format!("s{n}.db")),
            SqliteOptions::default(),
        )
        .unwrap()
    });
}

#[test]
fn normal_durability_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    conformance::run_all(|| {
        n += 1;
        let opts = SqliteOptions::default().with_durability(Durability::Normal);
        SqliteStore::open(dir.path().join(format!("s{n}.db")), opts).unwrap()
    });
}

#[test]
fn memory_store_conforms() {
    conformance::run_all(|| SqliteStore::open_in_memory().unwrap());
}

#[test]
fn events_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    {
        let mut s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
        s.append(&[
            commit("case/a", 0, &["a1", "a2"]),
            commit("case/b", 0, &["b1"]),
        ])
        .unwrap();
        s.rewrite("case/a", 1, "erased").unwrap();
    }
    let mut s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    assert_eq!(s.path(), Some(path.as_path()));
    assert_eq!(s.durability(), Durability::Full);
    assert_eq!(s.head().unwrap(), 3);
    assert_eq!(s.stream_version("case/a").unwrap(), 2);
    let a = s.read_stream("case/a").unwrap();
    assert_eq!(
        a.iter().map(|e| e.payload.as_str()).collect::<Vec<_>>(),
        ["erased", "a2"]
    );
    assert_eq!(s.read_stream("case/b").unwrap()[0].position, 3);
    // Appends go on after the stored head with the stored versions.
    let err = s.append(&[commit("case/b", 0, &["stale"])]).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(s.append(&[commit("case/b", 1, &["b2"])]).unwrap(), 4);
}

#[test]
fn empty_commit_checks_the_version_and_writes_nothing() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.append(&[commit("case/a", 0, &["a1"])]).unwrap();
    assert_eq!(s.append(&[commit("case/a", 1, &[])]).unwrap(), 1);
    assert_eq!(
        s.append(&[commit("case/a", 0, &[])]).unwrap_err().code(),
        "conflict"
    );
    assert_eq!(s.append(&[commit("case/new", 0, &[])]).unwrap(), 1);
    assert_eq!(s.stream_version("case/new").unwrap(), 0);
}

#[test]
fn read_all_visitor_error_stops_the_read() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.append(&[commit("case/a", 0, &["1", "2", "3"])]).unwrap();
    let mut seen = 0;
    let err = s
        .read_all(0, &mut |_| {
            seen += 1;
            if seen == 2 {
                Err(casebook::store::StoreError::Backend("stop".into()))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert_eq!(seen, 2);
    assert!(
        s.read_all(u64::MAX, &mut |_| panic!("nothing after u64::MAX"))
            .is_ok()
    );
}

#[test]
fn rewrite_of_a_missing_event_is_an_error() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.append(&[commit("case/a", 0, &["1"])]).unwrap();
    assert_eq!(
        s.rewrite("case/a", 2, "x").unwrap_err().code(),
        "storage_failed"
    );
    assert_eq!(
        s.rewrite("case/zz", 1, "x").unwrap_err().code(),
        "storage_failed"
    );
    assert_eq!(
        s.rewrite("case/a", u64::MAX, "x").unwrap_err().code(),
        "storage_failed"
    );
}

#[test]
fn large_batch_with_a_repeated_stream_is_refused_whole() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let mut batch: Vec<Commit> = (0..100)
        .map(|i| commit(&format!("case/{i}"), 0, &["x"]))
        .collect();
    assert_eq!(s.append(&batch).unwrap(), 100);
    batch = (0..100)
        .map(|i| commit(&format!("case/new{i}"), 0, &["y"]))
        .collect();
    batch.push(commit("case/new7", 1, &["z"]));
    let err = s.append(&batch).unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert!(err.to_string().contains("case/new7 appears twice"), "{err}");
    assert_eq!(s.head().unwrap(), 100);
    assert_eq!(s.stream_version("case/new0").unwrap(), 0);
}

#[test]
fn a_taken_name_in_a_large_batch_of_new_streams_is_the_conflict_reported() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    s.append(&[commit("case/23", 0, &["old"]), commit("keys", 0, &["k1"])])
        .unwrap();
    // 40 new streams (two statements of 16 rows and 8 single rows), one of them taken.
    let mut batch = vec![commit("keys", 1, &["k2"])];
    batch.extend((0..40).map(|i| commit(&format!("case/{i}"), 0, &["new"])));
    match s.append(&batch).unwrap_err() {
        casebook::StoreError::Conflict {
            stream,
            expected,
            actual,
        } => assert_eq!((stream.as_str(), expected, actual), ("case/23", 0, 1)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(s.head().unwrap(), 2, "nothing of the batch was written");
    assert_eq!(s.stream_version("keys").unwrap(), 1);
    assert_eq!(s.stream_version("case/0").unwrap(), 0);
    // The same among the single-row inserts at the end, and reported before a later stale
    // commit to an existing stream.
    batch.truncate(1);
    batch.extend((30..47).map(|i| commit(&format!("case/{i}"), 0, &["new"])));
    batch.push(commit("case/23", 0, &["again"]));
    batch.push(commit("case/23-old", 0, &["stale"]));
    s.append(&[commit("case/23-old", 0, &["v1"])]).unwrap();
    let err = s.append(&batch).unwrap_err();
    assert!(
        matches!(err, casebook::StoreError::Conflict { ref stream, expected: 0, actual: 1 } if stream == "case/23"),
        "{err:?}"
    );
    // Without the taken name the batch goes in whole, with its chains.
    batch.truncate(batch.len() - 2);
    batch.push(commit("case/23-old", 1, &["v2"]));
    assert_eq!(s.append(&batch).unwrap(), 3 + 1 + 17 + 1);
    assert_eq!(s.stream_version("keys").unwrap(), 2);
    let keys = s.read_stream("keys").unwrap();
    assert_eq!(keys.iter().map(|e| e.position).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(s.read_stream("case/46").unwrap()[0].position, 21);
    let old = s.read_stream("case/23-old").unwrap();
    assert_eq!(old.iter().map(|e| e.position).collect::<Vec<_>>(), [3, 22]);
}
