//! The persistence contract.
//!
//! A store keeps an append-only log of events, grouped in *streams* (one per case, plus a few for
//! casebook-wide configuration). Each stream has its own sequence (1, 2, 3, ...) used for optimistic
//! concurrency, and every event also gets a global *position* (1, 2, 3, ...) that orders the whole
//! log. Payloads are opaque JSON text to the store: the core serialises and deserialises them.
//!
//! [`Store::append`] writes the events of one or more commits atomically: all of them or none. A
//! commit names the stream version it expects; if another writer got there first the whole append
//! fails with [`StoreError::Conflict`] and nothing is written. When `append` returns `Ok`, the
//! events are as durable as the store promises (for SQLite in durable mode: on disk, fsync'd).

use thiserror::Error;

/// The events of one command for one stream, to be appended atomically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The stream, for example `case/0190...` or `casebook`.
    pub stream: String,
    /// The stream's version (its last sequence number) the writer saw; 0 for a new stream.
    pub expected_version: u64,
    /// The payloads; they get sequence numbers `expected_version + 1 ..`.
    pub payloads: Vec<String>,
}

/// One event as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Global position, 1-based, strictly increasing in append order.
    pub position: u64,
    /// The stream it belongs to.
    pub stream: String,
    /// Sequence within the stream, 1-based, without gaps.
    pub seq: u64,
    /// The event, as JSON text.
    pub payload: String,
}

/// A failure of a store.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer appended to the stream first. Reload and retry the command.
    #[error(
        "stream {stream} is at version {actual}, not {expected}: another writer changed it first; reload and retry"
    )]
    Conflict {
        /// The stream.
        stream: String,
        /// The version the commit expected.
        expected: u64,
        /// The version the store has.
        actual: u64,
    },
    /// The store's file or server failed (I/O, locking, connection).
    #[error("storage failed: {0}")]
    Backend(String),
    /// The stored data is not what this version of Casebook can read.
    #[error("stored data is corrupt or from an incompatible version: {0}")]
    Corrupt(String),
    /// The store does not support this operation.
    #[error("this store does not support {0}")]
    Unsupported(&'static str),
}

impl StoreError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Conflict { .. } => "conflict",
            StoreError::Backend(_) => "storage_failed",
            StoreError::Corrupt(_) => "storage_corrupt",
            StoreError::Unsupported(_) => "unsupported",
        }
    }
}

/// A visitor over stored events; returning an error stops the read and is passed on.
pub type Visit<'a> = dyn FnMut(StoredEvent) -> Result<(), StoreError> + 'a;

/// An append-only event log with per-stream optimistic concurrency and a global order.
pub trait Store: Send {
    /// Appends the commits atomically (all or none). Returns the position of the last event
    /// written (the head), or the current head when there was nothing to write.
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError>;

    /// As [`append`](Self::append), taking the commits: a store that keeps payloads in memory
    /// moves them instead of copying each one. `commits` is left empty (its capacity is kept
    /// for the caller to reuse), whether the append succeeded or not.
    fn append_taking(&mut self, commits: &mut Vec<Commit>) -> Result<u64, StoreError> {
        let head = self.append(commits);
        commits.clear();
        head
    }

    /// Visits every event with a position greater than `after`, in position order.
    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError>;

    /// The events of one stream in sequence order (empty for an unknown stream).
    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError>;

    /// The version (last sequence number) of a stream; 0 when it has no events.
    fn stream_version(&self, stream: &str) -> Result<u64, StoreError>;

    /// The position of the last event in the log; 0 when empty.
    fn head(&self) -> Result<u64, StoreError>;

    /// Replaces the payload of one stored event in place, keeping its stream, sequence and
    /// position. Used only for erasure of personal data; stores that cannot do it say so.
    fn rewrite(&mut self, _stream: &str, _seq: u64, _payload: &str) -> Result<(), StoreError> {
        Err(StoreError::Unsupported("rewriting events"))
    }

    /// Keeps `data`, a snapshot of the folded state after the event at `position`, in place of
    /// any older snapshot, atomically: a crash leaves the old snapshot or the new one, whole.
    /// Snapshots are a cache of the log, never its truth; a store that implements `rewrite`
    /// must drop them when it rewrites an event. Stores without snapshots say unsupported.
    fn save_snapshot(&mut self, _position: u64, _data: &[u8]) -> Result<(), StoreError> {
        Err(StoreError::Unsupported("snapshots"))
    }

    /// The newest snapshot as `(position, data)`; `None` when there is none (always, for
    /// stores without snapshots). The core checks it against the log before trusting it.
    fn load_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(None)
    }

    /// Drops every snapshot (after an erasure, or anything else that replays from scratch).
    fn clear_snapshots(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Checks commits for the common mistakes before a store touches anything.
pub fn validate_commits(commits: &[Commit]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::with_capacity(commits.len());
    for c in commits {
        if !seen.insert(c.stream.as_str()) {
            return Err(StoreError::Backend(format!(
                "stream {} appears twice in one append; merge its commits into one",
                c.stream
            )));
        }
    }
    Ok(())
}

mod memory;
pub use memory::MemoryStore;

/// A conformance suite every [`Store`] implementation runs in its own tests, so memory, SQLite
/// and PostgreSQL stores keep exactly the same contract. Each function panics on a violation.
#[cfg(any(test, feature = "store-conformance"))]
pub mod conformance {
    use super::*;

    fn commit(stream: &str, expected: u64, payloads: &[&str]) -> Commit {
        Commit {
            stream: stream.into(),
            expected_version: expected,
            payloads: payloads.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn all(store: &dyn Store, after: u64) -> Vec<StoredEvent> {
        let mut out = Vec::new();
        store
            .read_all(after, &mut |e| {
                out.push(e);
                Ok(())
            })
            .expect("read_all");
        out
    }

    /// Runs every check on a fresh, empty store made by `make`.
    pub fn run_all<S: Store>(mut make: impl FnMut() -> S) {
        append_and_read(&mut make());
        conflict_writes_nothing(&mut make());
        multi_commit_is_atomic(&mut make());
        append_taking_moves_commits(&mut make());
        global_order_and_read_after(&mut make());
        rewrite_keeps_positions(&mut make());
        snapshots_replace_and_clear(&mut make());
        rewrite_drops_snapshots(&mut make());
    }

    /// Appends and reads back streams and the global log.
    pub fn append_and_read(store: &mut dyn Store) {
        assert_eq!(store.head().unwrap(), 0);
        assert_eq!(store.stream_version("case/a").unwrap(), 0);
        assert_eq!(store.append(&[]).unwrap(), 0);
        let head = store
            .append(&[commit("case/a", 0, &[r#"{"n":1}"#, r#"{"n":2}"#])])
            .unwrap();
        assert_eq!(head, 2);
        assert_eq!(store.stream_version("case/a").unwrap(), 2);
        let evs = store.read_stream("case/a").unwrap();
        assert_eq!(evs.len(), 2);
        assert_eq!((evs[0].seq, evs[0].position), (1, 1));
        assert_eq!((evs[1].seq, evs[1].position), (2, 2));
        assert_eq!(evs[1].payload, r#"{"n":2}"#);
        assert!(store.read_stream("case/none").unwrap().is_empty());
        let text = "unicode ✓ 'quotes' \"dq\" ; DROP TABLE events; --";
        let payload = serde_json::json!({ "t": text }).to_string();
        store
            .append(&[commit("case/a", 2, &[payload.as_str()])])
            .unwrap();
        assert_eq!(store.read_stream("case/a").unwrap()[2].payload, payload);
    }

    /// A commit with a stale expected version fails with `Conflict` and writes nothing.
    pub fn conflict_writes_nothing(store: &mut dyn Store) {
        store.append(&[commit("case/a", 0, &["1"])]).unwrap();
        let err = store.append(&[commit("case/a", 0, &["x"])]).unwrap_err();
        assert_eq!(
            err,
            StoreError::Conflict {
                stream: "case/a".into(),
                expected: 0,
                actual: 1
            }
        );
        assert_eq!(err.code(), "conflict");
        let err = store.append(&[commit("case/a", 5, &["x"])]).unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert_eq!(store.head().unwrap(), 1);
        assert_eq!(store.stream_version("case/a").unwrap(), 1);
    }

    /// Several commits in one append: one conflict and none of them is written.
    pub fn multi_commit_is_atomic(store: &mut dyn Store) {
        store.append(&[commit("case/b", 0, &["b1"])]).unwrap();
        let err = store
            .append(&[
                commit("case/a", 0, &["a1", "a2"]),
                commit("case/b", 0, &["b-stale"]),
            ])
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert_eq!(store.stream_version("case/a").unwrap(), 0);
        assert_eq!(store.head().unwrap(), 1);
        let head = store
            .append(&[
                commit("case/a", 0, &["a1", "a2"]),
                commit("case/b", 1, &["b2"]),
            ])
            .unwrap();
        assert_eq!(head, 4);
        assert!(
            store
                .append(&[commit("case/c", 0, &["c"]), commit("case/c", 1, &["c2"])])
                .is_err()
        );
        assert_eq!(store.head().unwrap(), 4);
    }

    /// `append_taking` writes what `append` writes, all or nothing, and empties the commits.
    pub fn append_taking_moves_commits(store: &mut dyn Store) {
        let mut commits = vec![
            commit("case/a", 0, &["a1", "a2"]),
            commit("keys", 0, &[]),
            commit("case/b", 0, &["b1"]),
        ];
        assert_eq!(store.append_taking(&mut commits).unwrap(), 3);
        assert!(commits.is_empty());
        let evs = all(store, 0);
        let got: Vec<(&str, u64, &str)> = evs
            .iter()
            .map(|e| (e.stream.as_str(), e.seq, e.payload.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("case/a", 1, "a1"),
                ("case/a", 2, "a2"),
                ("case/b", 1, "b1")
            ]
        );
        assert_eq!(store.stream_version("keys").unwrap(), 0);
        let mut stale = vec![commit("case/c", 0, &["c1"]), commit("case/a", 1, &["x"])];
        assert_eq!(
            store.append_taking(&mut stale).unwrap_err().code(),
            "conflict"
        );
        assert!(stale.is_empty());
        assert_eq!(store.head().unwrap(), 3);
        assert_eq!(store.stream_version("case/c").unwrap(), 0);
        let mut next = vec![commit("case/a", 2, &["a3"])];
        assert_eq!(store.append_taking(&mut next).unwrap(), 4);
        assert_eq!(store.read_stream("case/a").unwrap()[2].payload, "a3");
    }

    /// Positions are gapless and `read_all(after)` resumes exactly after a position.
    pub fn global_order_and_read_after(store: &mut dyn Store) {
        for i in 0..50u64 {
            let s = format!("case/{}", i % 7);
            let v = store.stream_version(&s).unwrap();
            store
                .append(&[commit(&s, v, &[&format!("{{\"i\":{i}}}")])])
                .unwrap();
        }
        let evs = all(store, 0);
        assert_eq!(evs.len(), 50);
        for (i, e) in evs.iter().enumerate() {
            assert_eq!(e.position, i as u64 + 1);
            assert_eq!(e.payload, format!("{{\"i\":{i}}}"));
        }
        let tail = all(store, 45);
        assert_eq!(
            tail.iter().map(|e| e.position).collect::<Vec<_>>(),
            vec![46, 47, 48, 49, 50]
        );
        assert!(all(store, 50).is_empty());
        for s in 0..7 {
            let evs = store.read_stream(&format!("case/{s}")).unwrap();
            for (i, e) in evs.iter().enumerate() {
                assert_eq!(e.seq, i as u64 + 1);
            }
        }
    }

    /// A store with snapshots keeps the newest one only, whole, and forgets it on
    /// `clear_snapshots`. A store without them says unsupported on save and never returns one.
    pub fn snapshots_replace_and_clear(store: &mut dyn Store) {
        store
            .append(&[commit("case/a", 0, &["1", "2", "3"])])
            .unwrap();
        assert_eq!(store.load_snapshot().unwrap(), None);
        match store.save_snapshot(2, b"at two") {
            Ok(()) => {
                assert_eq!(
                    store.load_snapshot().unwrap(),
                    Some((2, b"at two".to_vec()))
                );
                let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
                store.save_snapshot(3, &big).unwrap();
                assert_eq!(store.load_snapshot().unwrap(), Some((3, big)));
                store.save_snapshot(1, b"").unwrap();
                assert_eq!(store.load_snapshot().unwrap(), Some((1, Vec::new())));
                store.clear_snapshots().unwrap();
                assert_eq!(store.load_snapshot().unwrap(), None);
            }
            Err(e) => {
                assert_eq!(e.code(), "unsupported");
                assert_eq!(store.load_snapshot().unwrap(), None);
                store.clear_snapshots().unwrap();
            }
        }
    }

    /// Rewriting an event drops the snapshots, which may hold its old content.
    pub fn rewrite_drops_snapshots(store: &mut dyn Store) {
        store
            .append(&[commit("case/a", 0, &["one", "two"])])
            .unwrap();
        if store.save_snapshot(2, b"state").is_err() {
            return;
        }
        if store.rewrite("case/a", 1, "erased").is_ok() {
            assert_eq!(store.load_snapshot().unwrap(), None);
        }
    }

    /// Rewriting a payload (erasure) keeps the stream, sequence and position.
    pub fn rewrite_keeps_positions(store: &mut dyn Store) {
        store
            .append(&[commit("case/a", 0, &["one", "two"])])
            .unwrap();
        match store.rewrite("case/a", 2, "erased") {
            Ok(()) => {
                let evs = store.read_stream("case/a").unwrap();
                assert_eq!(evs[1].payload, "erased");
                assert_eq!((evs[1].seq, evs[1].position), (2, 2));
                assert_eq!(evs[0].payload, "one");
            }
            Err(e) => assert_eq!(e.code(), "unsupported"),
        }
    }
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError> {
        (**self).append(commits)
    }
    fn append_taking(&mut self, commits: &mut Vec<Commit>) -> Result<u64, StoreError> {
        (**self).append_taking(commits)
    }
    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        (**self).read_all(after, visit)
    }
    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        (**self).read_stream(stream)
    }
    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        (**self).stream_version(stream)
    }
    fn head(&self) -> Result<u64, StoreError> {
        (**self).head()
    }
    fn rewrite(&mut self, stream: &str, seq: u64, payload: &str) -> Result<(), StoreError> {
        (**self).rewrite(stream, seq, payload)
    }
    fn save_snapshot(&mut self, position: u64, data: &[u8]) -> Result<(), StoreError> {
        (**self).save_snapshot(position, data)
    }
    fn load_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        (**self).load_snapshot()
    }
    fn clear_snapshots(&mut self) -> Result<(), StoreError> {
        (**self).clear_snapshots()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_store_conforms() {
        super::conformance::run_all(super::MemoryStore::new);
    }
}
