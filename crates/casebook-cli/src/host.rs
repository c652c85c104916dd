//! The host side of the CLI: the store, the clock and the id source the core needs.

use std::hash::{BuildHasher, Hasher};

use casebook::{Casebook, MemoryStore, SeededIds, Store};
use casebook_sqlite::{Durability, SqliteOptions, SqliteStore};
use chrono::{DateTime, Utc};

/// The casebook type of the CLI: any store, chosen at run time.
pub type Book = Casebook<Box<dyn Store>>;

/// A random seed from the process's hash randomness (no extra dependency, fresh per process).
pub fn random_seed() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// Opens a casebook: `:memory:` for an ephemeral one, else a SQLite file.
pub fn open(path: &str, durable: bool, seed: Option<u64>) -> Result<Book, String> {
    let store: Box<dyn Store> = if path == ":memory:" {
        Box::new(MemoryStore::new())
    } else {
        let durability = if durable {
            Durability::Full
        } else {
            Durability::Normal
        };
        let opts = SqliteOptions::default().with_durability(durability);
        Box::new(
            SqliteStore::open(path, opts)
                .map_err(|e| format!("cannot open the casebook {path}: {e}"))?,
        )
    };
    let ids = SeededIds::new(seed.unwrap_or_else(random_seed));
    Casebook::open(store, Box::new(ids))
        .map_err(|e| format!("cannot load the casebook {path}: {e}"))
}

/// The host's clock.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}
