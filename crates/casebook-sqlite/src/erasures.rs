//! The erasure counter: a number that every rewrite of an event (erasure of personal data)
//! raises in the same transaction. A snapshot may only be saved from a state folded *after* the
//! last erasure: a process that read the log before another process erased someone would
//! otherwise write the erased data back to disk inside its snapshot. The store remembers the
//! counter it saw when the log was folded from its start (or a snapshot was loaded), and a save
//! refuses, as a conflict, when the counter has moved since.
//!
//! The table is created by the first erasure. Builds that do not know it ignore it (they keep no
//! snapshots), so it does not change the file's layout version.

use casebook::store::StoreError;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{map, to_u64};

/// The name a refused save gives as the conflicting stream.
pub(crate) const NAME: &str = "casebook/erasures";

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS erasures (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL CHECK (count >= 0)
);
";

/// The number of erasures so far (0 in a file that never had one).
pub(crate) fn count(conn: &Connection) -> Result<u64, StoreError> {
    let what = "reading the erasure counter";
    let exists = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'erasures'",
            [],
            |_| Ok(()),
        )
        .optional()
        .map_err(|e| map(what, e))?
        .is_some();
    if !exists {
        return Ok(0);
    }
    let n: Option<i64> = conn
        .query_row("SELECT count FROM erasures WHERE id = 1", [], |r| r.get(0))
        .optional()
        .map_err(|e| map(what, e))?;
    n.map_or(Ok(0), |n| to_u64("erasure counter", n))
}

/// Raises the counter, inside the caller's (rewriting) transaction.
pub(crate) fn raise(conn: &Connection) -> Result<(), StoreError> {
    let what = "counting an erasure";
    conn.execute_batch(CREATE).map_err(|e| map(what, e))?;
    conn.execute(
        "INSERT INTO erasures (id, count) VALUES (1, 1)
         ON CONFLICT (id) DO UPDATE SET count = count + 1",
        [],
    )
    .map_err(|e| map(what, e))?;
    Ok(())
}

/// Refuses a save when the state to be saved was folded before an erasure that happened since.
/// `seen` is the counter when the log was last folded from its start; `None` when this store
/// never folded one (nothing stale can be saved then).
pub(crate) fn check_fresh(conn: &Connection, seen: Option<u64>) -> Result<(), StoreError> {
    let now = count(conn)?;
    match seen {
        Some(seen) if seen != now => Err(StoreError::Conflict {
            stream: NAME.into(),
            expected: seen,
            actual: now,
        }),
        _ => Ok(()),
    }
}
