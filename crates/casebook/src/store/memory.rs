//! [`MemoryStore`]: the event log in memory, for tests, WebAssembly pages and `:memory:`
//! casebooks.
//!
//! Kept lean because an in-memory casebook holds its whole log: each stream name is stored once
//! (shared by the name index and the stream's entry), an event is its payload, its sequence and
//! two 32-bit links (its stream, and the previous event of that stream), so a stream's events
//! are found by walking back from its last one without a list per stream.

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::fast::RandomState;

use super::{Commit, Store, StoreError, StoredEvent, Visit, validate_commits};

/// One stored event.
#[derive(Debug, Clone)]
struct Entry {
    payload: Box<str>,
    seq: u64,
    /// Index of its stream in `streams`.
    stream: u32,
    /// 1 + index of the previous event of the same stream; 0 for the stream's first.
    prev: u32,
}

/// One stream: its name, its version and 1 + the index of its last event.
#[derive(Debug, Clone)]
struct Stream {
    name: Arc<str>,
    version: u64,
    last: u32,
}

/// A store in memory: for tests, for WebAssembly pages and for `:memory:` casebooks.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    events: Vec<Entry>,
    streams: Vec<Stream>,
    by_name: HashMap<Arc<str>, u32, RandomState>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many events it holds.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when it holds no events.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    fn stored(&self, index: usize) -> StoredEvent {
        let e = &self.events[index];
        StoredEvent {
            position: index as u64 + 1,
            stream: self.streams[e.stream as usize].name.to_string(),
            seq: e.seq,
            payload: e.payload.to_string(),
        }
    }

    /// Indexes of a stream's events, last first.
    fn walk_back(&self, stream: &str) -> impl Iterator<Item = usize> + '_ {
        let mut next = self
            .by_name
            .get(stream)
            .map_or(0, |&s| self.streams[s as usize].last);
        std::iter::from_fn(move || {
            let i = next.checked_sub(1)? as usize;
            next = self.events[i].prev;
            Some(i)
        })
    }
}

impl MemoryStore {
    /// Checks the commits' expected versions and the store's room; returns how many events
    /// they add.
    fn check(&self, commits: &[Commit]) -> Result<usize, StoreError> {
        validate_commits(commits)?;
        let mut adding = 0usize;
        for c in commits {
            let actual = self
                .by_name
                .get(c.stream.as_str())
                .map_or(0, |&s| self.streams[s as usize].version);
            if actual != c.expected_version {
                return Err(StoreError::Conflict {
                    stream: c.stream.clone(),
                    expected: c.expected_version,
                    actual,
                });
            }
            adding += c.payloads.len();
        }
        if self.events.len() + adding >= u32::MAX as usize
            || self.streams.len() + commits.len() >= u32::MAX as usize
        {
            return Err(StoreError::Backend(
                "the in-memory store is full (4 billion events); use a file store".into(),
            ));
        }
        Ok(adding)
    }

    /// The index of a stream, created when new.
    fn stream_index(&mut self, name: &str) -> u32 {
        match self.by_name.get(name) {
            Some(&s) => s,
            None => {
                let s = self.streams.len() as u32;
                let name: Arc<str> = Arc::from(name);
                self.streams.push(Stream {
                    name: Arc::clone(&name),
                    version: 0,
                    last: 0,
                });
                self.by_name.insert(name, s);
                s
            }
        }
    }

    /// Appends one checked payload to stream `s`.
    fn push(&mut self, s: u32, payload: Box<str>) {
        let stream = &mut self.streams[s as usize];
        stream.version += 1;
        self.events.push(Entry {
            payload,
            seq: stream.version,
            stream: s,
            prev: stream.last,
        });
        stream.last = self.events.len() as u32;
    }
}

impl Store for MemoryStore {
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError> {
        let adding = self.check(commits)?;
        self.events.reserve(adding);
        for c in commits.iter().filter(|c| !c.payloads.is_empty()) {
            let s = self.stream_index(&c.stream);
            for payload in &c.payloads {
                self.push(s, payload.as_str().into());
            }
        }
        Ok(self.events.len() as u64)
    }

    /// Moves the payloads into the log (a report's JSON is not copied again).
    fn append_taking(&mut self, commits: &mut Vec<Commit>) -> Result<u64, StoreError> {
        let adding = match self.check(commits) {
            Ok(n) => n,
            Err(e) => {
                commits.clear();
                return Err(e);
            }
        };
        self.events.reserve(adding);
        for c in commits.drain(..).filter(|c| !c.payloads.is_empty()) {
            let s = self.stream_index(&c.stream);
            for payload in c.payloads {
                self.push(s, payload.into_boxed_str());
            }
        }
        Ok(self.events.len() as u64)
    }

    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        let from = usize::try_from(after).unwrap_or(usize::MAX);
        for i in from..self.events.len() {
            visit(self.stored(i))?;
        }
        Ok(())
    }

    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let mut idx: Vec<usize> = self.walk_back(stream).collect();
        idx.reverse();
        Ok(idx.into_iter().map(|i| self.stored(i)).collect())
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        Ok(self
            .by_name
            .get(stream)
            .map_or(0, |&s| self.streams[s as usize].version))
    }

    fn head(&self) -> Result<u64, StoreError> {
        Ok(self.events.len() as u64)
    }

    fn rewrite(&mut self, stream: &str, seq: u64, payload: &str) -> Result<(), StoreError> {
        let idx = self
            .walk_back(stream)
            .find(|&i| self.events[i].seq == seq)
            .ok_or_else(|| StoreError::Backend(format!("no event {seq} in stream {stream}")))?;
        self.events[idx].payload = payload.into();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(stream: &str, expected: u64, payloads: &[&str]) -> Commit {
        Commit {
            stream: stream.into(),
            expected_version: expected,
            payloads: payloads.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn interleaved_streams_read_back_in_order() {
        let mut store = MemoryStore::new();
        for i in 0..30u64 {
            let s = format!("case/{}", i % 4);
            let v = store.stream_version(&s).unwrap();
            store.append(&[commit(&s, v, &[&i.to_string()])]).unwrap();
        }
        let evs = store.read_stream("case/1").unwrap();
        let got: Vec<&str> = evs.iter().map(|e| e.payload.as_str()).collect();
        assert_eq!(got, ["1", "5", "9", "13", "17", "21", "25", "29"]);
        assert!(evs.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1));
        assert!(evs.iter().all(|e| e.stream == "case/1"));
        assert_eq!(evs[2].position, 10);
        store.rewrite("case/1", 3, "erased").unwrap();
        assert_eq!(store.read_stream("case/1").unwrap()[2].payload, "erased");
        assert_eq!(
            store.rewrite("case/1", 9, "x").unwrap_err().code(),
            "storage_failed"
        );
        assert_eq!(
            store.rewrite("case/none", 1, "x").unwrap_err().code(),
            "storage_failed"
        );
    }

    #[test]
    fn an_empty_commit_creates_no_stream() {
        let mut store = MemoryStore::new();
        assert_eq!(store.append(&[commit("keys", 0, &[])]).unwrap(), 0);
        assert_eq!(store.stream_version("keys").unwrap(), 0);
        assert!(store.read_stream("keys").unwrap().is_empty());
        assert!(store.is_empty());
    }

    #[test]
    fn a_clone_is_independent() {
        let mut a = MemoryStore::new();
        a.append(&[commit("s", 0, &["1"])]).unwrap();
        let b = a.clone();
        a.append(&[commit("s", 1, &["2"])]).unwrap();
        assert_eq!((a.len(), b.len()), (2, 1));
        assert_eq!(b.stream_version("s").unwrap(), 1);
    }
}
