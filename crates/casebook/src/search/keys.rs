//! The map from a document's key to its internal id, stored as ids only: the key itself is the
//! one in the document's slot, so a bucket costs 4 bytes instead of a copy of the key and the
//! id (at a million cases, a map keyed by case id sits just past a power of two and kept ~66 B a
//! document).

use std::fmt;
use std::hash::{BuildHasher, Hash};

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use super::index::DocSlot;

/// Document ids by key, the keys read from `docs` (every id in the table is a live slot).
#[derive(Default)]
pub(super) struct DocKeys {
    table: HashTable<u32>,
    hasher: RandomState,
}

impl fmt::Debug for DocKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocKeys")
            .field("len", &self.table.len())
            .finish()
    }
}

fn key_of<K>(docs: &[Option<DocSlot<K>>], id: u32) -> Option<&K> {
    docs.get(id as usize)
        .and_then(Option::as_ref)
        .map(|d| &d.key)
}

/// The hash of the key of document `id` (every id in the table has a live slot).
fn hash_of<K: Hash>(hasher: &RandomState, docs: &[Option<DocSlot<K>>], id: u32) -> u64 {
    key_of(docs, id).map_or(0, |k| hasher.hash_one(k))
}

impl DocKeys {
    /// How many documents.
    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    /// The id of the document with this key.
    pub(super) fn get<K: Eq + Hash>(&self, docs: &[Option<DocSlot<K>>], key: &K) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |&id| key_of(docs, id) == Some(key))
            .copied()
    }

    /// Records `id` for its key; `docs[id]` must already hold the document, and no other id
    /// may have the same key.
    pub(super) fn insert<K: Eq + Hash>(&mut self, docs: &[Option<DocSlot<K>>], id: u32) {
        let Some(key) = key_of(docs, id) else {
            return;
        };
        let hasher = &self.hasher;
        let hash = hasher.hash_one(key);
        self.table
            .insert_unique(hash, id, |&other| hash_of(hasher, docs, other));
    }

    /// Forgets the document with this key (before its slot is emptied); returns its id.
    pub(super) fn remove<K: Eq + Hash>(
        &mut self,
        docs: &[Option<DocSlot<K>>],
        key: &K,
    ) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        match self
            .table
            .find_entry(hash, |&id| key_of(docs, id) == Some(key))
        {
            Ok(entry) => Some(entry.remove().0),
            Err(_) => None,
        }
    }

    /// Rebuilds the table from the live slots of `docs`.
    pub(super) fn rebuild<K: Eq + Hash>(&mut self, docs: &[Option<DocSlot<K>>]) {
        self.table.clear();
        let live = docs.iter().filter(|d| d.is_some()).count();
        self.table
            .reserve(live, |&id| hash_of(&self.hasher, docs, id));
        for id in 0..docs.len() as u32 {
            self.insert(docs, id);
        }
    }
}
