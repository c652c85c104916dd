//! Snapshots of the folded state, kept in the store's own file (table `snapshots`, layout
//! version 2). One snapshot at a time, split in chunks so that no row nears SQLite's size limit
//! for one value; saving replaces the old one in one transaction, so a crash leaves the old one
//! or the new one, whole.
//!
//! The table is created by the first save, which also raises the file's layout version to 2:
//! a file that never had a snapshot stays readable by builds without snapshots, and a build
//! without them, which would not drop a snapshot when it erases events, refuses a file that
//! has one.

use casebook::store::StoreError;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::error::{map, to_i64, to_u64};
use crate::schema;

/// Bytes per row of the `snapshots` table.
const CHUNK: usize = 64 << 20;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS snapshots (
    chunk    INTEGER PRIMARY KEY,
    position INTEGER NOT NULL CHECK (position >= 0),
    data     BLOB    NOT NULL
);
";

fn has_table(conn: &Connection) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'",
        [],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
    .map_err(|e| map("looking for snapshots", e))
}

/// Replaces the snapshot with `data` at `position`, in one transaction.
/// `erasures_seen` is the erasure counter of the state being saved: the save is refused as a
/// conflict when an erasure happened since (see `erasures.rs`).
pub(crate) fn save(
    conn: &mut Connection,
    position: u64,
    data: &[u8],
    erasures_seen: Option<u64>,
) -> Result<(), StoreError> {
    let what = "saving a snapshot";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| map(what, e))?;
    crate::erasures::check_fresh(&tx, erasures_seen)?;
    tx.execute_batch(CREATE).map_err(|e| map(what, e))?;
    schema::raise_version(&tx, schema::SNAPSHOTS_VERSION)?;
    tx.execute("DELETE FROM snapshots", [])
        .map_err(|e| map(what, e))?;
    {
        let mut insert = tx
            .prepare("INSERT INTO snapshots (chunk, position, data) VALUES (?1, ?2, ?3)")
            .map_err(|e| map(what, e))?;
        let mut chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        for (i, chunk) in chunks.into_iter().enumerate() {
            insert
                .execute(params![i as i64, to_i64(position), chunk])
                .map_err(|e| map(what, e))?;
        }
    }
    tx.commit().map_err(|e| map(what, e))
}

/// The snapshot, if the file has one.
pub(crate) fn load(conn: &Connection) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let what = "reading the snapshot";
    if !has_table(conn)? {
        return Ok(None);
    }
    // One read transaction, so that a concurrent save is seen whole or not at all.
    conn.execute_batch("BEGIN").map_err(|e| map(what, e))?;
    let read = read_chunks(conn);
    conn.execute_batch("COMMIT").map_err(|e| map(what, e))?;
    read
}

fn read_chunks(conn: &Connection) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let what = "reading the snapshot";
    let mut stmt = conn
        .prepare("SELECT chunk, position, data FROM snapshots ORDER BY chunk")
        .map_err(|e| map(what, e))?;
    let mut rows = stmt.query([]).map_err(|e| map(what, e))?;
    let mut out: Option<(u64, Vec<u8>)> = None;
    let mut expected = 0i64;
    while let Some(row) = rows.next().map_err(|e| map(what, e))? {
        let chunk: i64 = row.get(0).map_err(|e| map(what, e))?;
        let position = to_u64("snapshot position", row.get(1).map_err(|e| map(what, e))?)?;
        let data = row.get_ref(2).map_err(|e| map(what, e))?;
        let bytes = data
            .as_blob()
            .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?;
        if chunk != expected || out.as_ref().is_some_and(|(p, _)| *p != position) {
            return Err(StoreError::Corrupt(format!(
                "{what}: its chunks do not follow each other"
            )));
        }
        expected += 1;
        match &mut out {
            Some((_, buf)) => buf.extend_from_slice(bytes),
            None => out = Some((position, bytes.to_vec())),
        }
    }
    Ok(out)
}

/// Drops the snapshot, inside the caller's transaction.
pub(crate) fn clear(conn: &Connection) -> Result<(), StoreError> {
    if has_table(conn)? {
        conn.execute("DELETE FROM snapshots", [])
            .map_err(|e| map("dropping the snapshot", e))?;
    }
    Ok(())
}
