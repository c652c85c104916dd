//! Several connections on one file: stale writers get `conflict` and no update is lost.

use std::sync::{Arc, Barrier};

use casebook::store::{Commit, Store, StoreError};
use casebook_sqlite::{SqliteOptions, SqliteStore};

fn one(stream: &str, expected: u64, payload: String) -> Commit {
    Commit {
        stream: stream.into(),
        expected_version: expected,
        payloads: vec![payload],
    }
}

#[test]
fn stale_writer_on_another_connection_gets_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    let mut a = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let mut b = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let seen_by_a = a.stream_version("case/x").unwrap();
    let seen_by_b = b.stream_version("case/x").unwrap();
    a.append(&[one("case/x", seen_by_a, "from a".into())])
        .unwrap();
    let err = b
        .append(&[one("case/x", seen_by_b, "from b".into())])
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            stream: "case/x".into(),
            expected: 0,
            actual: 1
        }
    );
    // b sees a's write without reopening, and can go on from there.
    assert_eq!(b.stream_version("case/x").unwrap(), 1);
    assert_eq!(b.append(&[one("case/x", 1, "from b".into())]).unwrap(), 2);
    let evs = a.read_stream("case/x").unwrap();
    assert_eq!(evs[0].payload, "from a");
    assert_eq!(evs[1].payload, "from b");
}

/// Four threads, each with its own store on the same file, increment one counter stream with
/// read-then-append and retry on conflict. Every increment lands exactly once.
#[test]
fn racing_writers_lose_no_update() {
    const THREADS: usize = 4;
    const PER_THREAD: u64 = 40;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    drop(SqliteStore::open(&path, SqliteOptions::default()).unwrap());
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let path = path.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
                barrier.wait();
                let mut conflicts = 0u64;
                for i in 0..PER_THREAD {
                    loop {
                        let v = s.stream_version("counter").unwrap();
                        // A second stream in the same append checks multi-commit atomicity too.
                        let mine = format!("writer/{t}");
                        let mine_v = s.stream_version(&mine).unwrap();
                        let commits = [
                            one("counter", v, format!("{{\"t\":{t},\"i\":{i}}}")),
                            one(&mine, mine_v, format!("{{\"i\":{i}}}")),
                        ];
                        match s.append(&commits) {
                            Ok(_) => break,
                            Err(StoreError::Conflict { .. }) => conflicts += 1,
                            Err(e) => panic!("unexpected error: {e}"),
                        }
                    }
                }
                conflicts
            })
        })
        .collect();
    let conflicts: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let total = THREADS as u64 * PER_THREAD;
    assert_eq!(s.stream_version("counter").unwrap(), total);
    assert_eq!(s.head().unwrap(), 2 * total);
    let mut counter: Vec<String> = s
        .read_stream("counter")
        .unwrap()
        .into_iter()
        .map(|e| e.payload)
        .collect();
    counter.sort();
    counter.dedup();
    assert_eq!(
        counter.len() as u64,
        total,
        "an increment was lost or doubled"
    );
    for t in 0..THREADS {
        let evs = s.read_stream(&format!("writer/{t}")).unwrap();
        assert_eq!(evs.len() as u64, PER_THREAD);
    }
    let mut positions = Vec::new();
    s.read_all(0, &mut |e| {
        positions.push(e.position);
        Ok(())
    })
    .unwrap();
    assert_eq!(positions, (1..=2 * total).collect::<Vec<_>>());
    println!("{total} increments by {THREADS} writers, {conflicts} conflicts retried");
}

/// A writer that cannot get the lock within its busy timeout fails with `storage_failed` and a
/// message saying what to do, and succeeds once the lock is free.
#[test]
fn lock_held_past_the_busy_timeout_is_storage_failed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    let opts = SqliteOptions::default().with_busy_timeout(std::time::Duration::from_millis(50));
    let mut s = SqliteStore::open(&path, opts).unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = s.append(&[one("case/x", 0, "x".into())]).unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert!(err.to_string().contains("busy timeout"), "{err}");
    // Readers are not blocked by the writer.
    assert_eq!(s.head().unwrap(), 0);
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(s.append(&[one("case/x", 0, "x".into())]).unwrap(), 1);
}
