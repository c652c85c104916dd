//! The host side of the CLI: the store, the clock and the id source the core needs.

use std::hash::{BuildHasher, Hasher};

use casebook::{Casebook, MemoryStore, Opened, SeededIds, Store};
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

/// Events the next open would replay before the CLI saves a snapshot on its own, when none
/// is given with `--snapshot-every`: about a second of replay, for well under a second of
/// encoding at small scale (see docs/storage.md, "Snapshots").
pub const SNAPSHOT_EVERY: u64 = 10_000;

/// How many events the next open would replay: those after the snapshot this casebook was
/// opened from, or the whole log.
pub fn unsnapshotted(book: &Book) -> Result<u64, String> {
    let head = book
        .store()
        .head()
        .map_err(|e| format!("cannot read the log: {e}"))?;
    let from = match book.opened() {
        Opened::FromSnapshot { position, .. } => *position,
        _ => 0,
    };
    Ok(head.saturating_sub(from))
}

/// After a command: saves a snapshot when the next open would otherwise replay `every` events
/// or more (0: never). A snapshot is a cache, so failing to save one only warns.
pub fn settle(book: &mut Book, every: u64) {
    if every == 0 || !matches!(unsnapshotted(book), Ok(n) if n >= every) {
        return;
    }
    if let Err(e) = book.save_snapshot()
        && e.code().as_str() != "unsupported"
    {
        eprintln!("casebook: warning: no snapshot saved ({e}); the next open replays the log");
    }
}

/// `casebook snapshot`: saves one now and says what the next open will replay.
pub fn snapshot(book: &mut Book) -> Result<String, String> {
    let before = match book.opened() {
        Opened::FromSnapshot { position, tail } => {
            format!("opened from the snapshot at position {position} and {tail} later events")
        }
        Opened::ReplayedIgnoring(e) => {
            format!("opened by a full replay, ignoring the snapshot: {e}")
        }
        _ => "opened by a full replay".into(),
    };
    let at = book
        .save_snapshot()
        .map_err(|e| format!("cannot save a snapshot: {e}"))?;
    Ok(format!(
        "{before}; saved a snapshot at position {at}: the next open replays only later events"
    ))
}
