//! A memory store that keeps one snapshot, shared by the snapshot tests.

use casebook::MemoryStore;
use casebook::store::{Commit, Store, StoreError, StoredEvent, Visit};

/// A memory store that keeps one snapshot, as the SQLite store does.
#[derive(Clone, Default)]
pub struct SnapStore {
    pub log: MemoryStore,
    pub snapshot: Option<(u64, Vec<u8>)>,
}

impl Store for SnapStore {
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError> {
        self.log.append(commits)
    }
    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        self.log.read_all(after, visit)
    }
    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.log.read_stream(stream)
    }
    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        self.log.stream_version(stream)
    }
    fn head(&self) -> Result<u64, StoreError> {
        self.log.head()
    }
    fn rewrite(&mut self, stream: &str, seq: u64, payload: &str) -> Result<(), StoreError> {
        self.snapshot = None;
        self.log.rewrite(stream, seq, payload)
    }
    fn save_snapshot(&mut self, position: u64, data: &[u8]) -> Result<(), StoreError> {
        self.snapshot = Some((position, data.to_vec()));
        Ok(())
    }
    fn load_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(self.snapshot.clone())
    }
    fn clear_snapshots(&mut self) -> Result<(), StoreError> {
        self.snapshot = None;
        Ok(())
    }
}
