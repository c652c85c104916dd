//! The on-disk layout of a Casebook SQLite store, and the checks made when a file is opened.
//!
//! A Casebook file is marked by SQLite's `application_id` header field ([`APPLICATION_ID`]) and
//! carries its layout version in `user_version` ([`SCHEMA_VERSION`]). A file without the mark
//! that holds tables is somebody else's database and is refused; a file with a newer version
//! was written by a newer Casebook and is refused too, before anything is changed.

use casebook::store::StoreError;
use rusqlite::{Connection, TransactionBehavior};

use crate::error::map;

/// The `application_id` of every Casebook store file ("CBK1").
pub const APPLICATION_ID: i32 = 0x4342_4B31;

/// The newest layout version this build reads and the one it writes. Files of versions 1 and 2
/// are migrated to it when opened ([`migrate`]).
pub const SCHEMA_VERSION: i32 = 3;

/// The layout version that adds the `snapshots` table (see `snapshots.rs`). A file of the
/// current layout may hold the table or not; older builds refuse it either way.
pub const SNAPSHOTS_VERSION: i32 = 2;

/// The tables of layout version 3.
///
/// `streams` holds each stream's current version and the position of its last event, keyed by
/// the stream's name (WITHOUT ROWID: one b-tree, so a new stream is one insert and the conflict
/// check of an append is one lookup). `events` is keyed by the global position (SQLite's rowid):
/// appends only ever write at the right edge of that one b-tree, and reading the log in order
/// is a scan of it that needs no join, since each event carries its stream's name. A stream's
/// events are chained backwards through `prev` (the position of the stream's previous event, 0
/// for the first) instead of a (stream, seq) index: such an index would dirty one page per
/// stream touched by every append, several times the write volume of the events themselves.
///
/// Layouts 1 and 2 had `streams (id INTEGER PRIMARY KEY, name TEXT UNIQUE, ...)` and events
/// keyed to it by `stream_id`: three b-trees written per new stream instead of two.
macro_rules! create_tables {
    () => {
        "
CREATE TABLE streams (
    name    TEXT    PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 0),
    last    INTEGER NOT NULL CHECK (last >= 0)
) WITHOUT ROWID;
CREATE TABLE events (
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL, -- streams.name
    seq      INTEGER NOT NULL CHECK (seq >= 1),
    prev     INTEGER NOT NULL CHECK (prev >= 0 AND prev < position),
    payload  TEXT    NOT NULL
);
"
    };
}
const CREATE: &str = create_tables!();

/// Layouts 1 and 2 to 3, inside the caller's transaction: the same rows, each event now naming
/// its stream. The old tables are dropped (with `secure_delete` on, their pages are zeroed).
const MIGRATE_FROM_V1: &str = concat!(
    "
ALTER TABLE streams RENAME TO streams_v1;
ALTER TABLE events RENAME TO events_v1;
",
    create_tables!(),
    "INSERT INTO streams (name, version, last)
    SELECT name, version, last FROM streams_v1 ORDER BY name;
INSERT INTO events (position, stream, seq, prev, payload)
    SELECT e.position, s.name, e.seq, e.prev, e.payload
    FROM events_v1 AS e CROSS JOIN streams_v1 AS s ON s.id = e.stream_id
    ORDER BY e.position;
DROP TABLE events_v1;
DROP TABLE streams_v1;
"
);

/// Events of a version 1 or 2 file whose stream is missing (a damaged file: the migration
/// would drop them).
const ORPHANS_V1: &str = "SELECT count(*) FROM events AS e \
    WHERE NOT EXISTS (SELECT 1 FROM streams AS s WHERE s.id = e.stream_id)";

fn header(conn: &Connection) -> Result<(i32, i32), StoreError> {
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| map("reading the store header", e))?;
    let ver: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| map("reading the store header", e))?;
    Ok((app, ver))
}

/// Checks the header of an existing store, or creates the tables in an empty file.
pub(crate) fn prepare(conn: &mut Connection) -> Result<(), StoreError> {
    let (app, ver) = header(conn)?;
    if app == 0 && ver == 0 {
        create(conn)?;
    }
    let (app, ver) = header(conn)?;
    check(app, ver)?;
    if ver < SCHEMA_VERSION {
        migrate(conn)?;
    }
    Ok(())
}

/// Rewrites a file of layout 1 or 2 to the current layout, in one transaction under the write
/// lock (a crash leaves the old layout, whole), unless another process did it first. Snapshots
/// and the erasure counter are kept as they are.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let what = "migrating the store to the current layout";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| map(what, e))?;
    let (app, ver) = header(&tx)?;
    check(app, ver)?;
    if ver >= SCHEMA_VERSION {
        return Ok(()); // another process migrated it meanwhile
    }
    let orphans: i64 = tx
        .query_row(ORPHANS_V1, [], |r| r.get(0))
        .map_err(|e| map(what, e))?;
    if orphans > 0 {
        return Err(StoreError::Corrupt(format!(
            "{what}: {orphans} events belong to no stream; restore the store from a backup"
        )));
    }
    tx.execute_batch(MIGRATE_FROM_V1)
        .map_err(|e| map(what, e))?;
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))
        .map_err(|e| map(what, e))?;
    tx.commit().map_err(|e| map(what, e))
}

fn check(app: i32, ver: i32) -> Result<(), StoreError> {
    if app != APPLICATION_ID {
        return Err(StoreError::Corrupt(format!(
            "the file is a SQLite database but not a Casebook store (application id {app:#x}); \
             open the right file or start a new store in an empty path"
        )));
    }
    if ver > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "the store was written by a newer Casebook (layout version {ver}, this build reads up \
             to {SCHEMA_VERSION}); upgrade Casebook to open it"
        )));
    }
    if ver < 1 {
        return Err(StoreError::Corrupt(format!(
            "the store has an unknown layout version {ver}; it was not written by Casebook"
        )));
    }
    Ok(())
}

/// Raises the file's layout version to `version` (never lowers it), inside the caller's
/// transaction.
pub(crate) fn raise_version(conn: &Connection, version: i32) -> Result<(), StoreError> {
    let (_, ver) = header(conn)?;
    if ver < version {
        conn.execute_batch(&format!("PRAGMA user_version = {version};"))
            .map_err(|e| map("raising the store's layout version", e))?;
    }
    Ok(())
}

/// Creates the tables, unless another process did it first (checked under the write lock).
fn create(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| map("creating the store", e))?;
    let (app, ver) = header(&tx)?;
    if app != 0 || ver != 0 {
        return Ok(()); // another process created it meanwhile; dropping rolls back nothing
    }
    let objects: i64 = tx
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(|e| map("creating the store", e))?;
    if objects > 0 {
        return Err(StoreError::Corrupt(
            "the file is a SQLite database with other tables, not a Casebook store; open the right \
             file or start a new store in an empty path"
                .into(),
        ));
    }
    tx.execute_batch(CREATE)
        .map_err(|e| map("creating the store tables", e))?;
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
    ))
    .map_err(|e| map("marking the store", e))?;
    tx.commit().map_err(|e| map("creating the store", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks_name_the_problem() {
        assert!(check(APPLICATION_ID, SCHEMA_VERSION).is_ok());
        let e = check(7, 1).unwrap_err();
        assert_eq!(e.code(), "storage_corrupt");
        assert!(e.to_string().contains("not a Casebook store"));
        let e = check(APPLICATION_ID, SCHEMA_VERSION + 1).unwrap_err();
        assert!(e.to_string().contains("newer Casebook"));
        let e = check(APPLICATION_ID, 0).unwrap_err();
        assert!(e.to_string().contains("unknown layout version"));
    }
}
