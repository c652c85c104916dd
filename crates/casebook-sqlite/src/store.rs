//! [`SqliteStore`]: the [`Store`] contract on one SQLite file.

use std::path::{Path, PathBuf};

use casebook::store::{Commit, Store, StoreError, StoredEvent, Visit, validate_commits};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::error::{map, to_i64, to_u64};
use crate::options::{Durability, SqliteOptions};
use crate::schema;

const HEAD: &str = "SELECT coalesce(max(position), 0) FROM events";
const STREAM: &str = "SELECT version, last FROM streams WHERE name = ?1";
const NEW_STREAM: &str = "INSERT INTO streams (name, version, last) VALUES (?1, ?2, ?3)";
const SET_VERSION: &str = "UPDATE streams SET version = ?2, last = ?3 WHERE name = ?1";
const INSERT: &str =
    "INSERT INTO events (position, stream, seq, prev, payload) VALUES (?1, ?2, ?3, ?4, ?5)";
/// Rows per multi-row INSERT: fewer statement executions for large appends.
const CHUNK: usize = 16;
const INSERT_CHUNK: &str = concat!(
    "INSERT INTO events (position, stream, seq, prev, payload) VALUES ",
    "(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),",
    "(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),(?,?,?,?,?),",
    "(?,?,?,?,?),(?,?,?,?,?)"
);
const NEW_STREAMS_CHUNK: &str = concat!(
    "INSERT INTO streams (name, version, last) VALUES ",
    "(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),",
    "(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?),(?,?,?)"
);

/// One row of `events` waiting to be inserted: position, stream, seq, prev, payload.
type Row<'a> = (i64, &'a str, i64, i64, &'a str);

/// One new row of `streams`: name, version, last.
type NewStream<'a> = (&'a str, i64, i64);

fn insert_rows(tx: &Connection, rows: &[Row<'_>]) -> Result<(), rusqlite::Error> {
    let mut chunks = rows.chunks_exact(CHUNK);
    if rows.len() >= CHUNK {
        let mut many = tx.prepare_cached(INSERT_CHUNK)?;
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(CHUNK * 5);
        for chunk in &mut chunks {
            params.clear();
            for (position, stream, seq, prev, payload) in chunk {
                params.extend([position as &dyn rusqlite::ToSql, stream, seq, prev, payload]);
            }
            many.execute(params.as_slice())?;
        }
    }
    let mut one = tx.prepare_cached(INSERT)?;
    for (position, stream, seq, prev, payload) in chunks.remainder() {
        one.execute(params![position, stream, seq, prev, payload])?;
    }
    Ok(())
}

/// Inserts the rows of new streams, 16 a statement. A name already taken breaks the primary key
/// of `streams`: the error names the first stream of `rows` that exists, with its version.
fn insert_new_streams(tx: &Connection, rows: &[NewStream<'_>]) -> Result<(), StoreError> {
    let what = "appending events";
    let taken = |e: rusqlite::Error, rows: &[NewStream<'_>]| -> StoreError {
        if !is_unique_violation(&e) {
            return map(what, e);
        }
        for (name, _, _) in rows {
            let found: Result<Option<i64>, _> = tx
                .prepare_cached(STREAM)
                .and_then(|mut s| s.query_row([name], |r| r.get(0)).optional());
            match found {
                Ok(Some(actual)) => {
                    return match to_u64("stream version", actual) {
                        Ok(actual) => StoreError::Conflict {
                            stream: (*name).to_string(),
                            expected: 0,
                            actual,
                        },
                        Err(e) => e,
                    };
                }
                Ok(None) => {}
                Err(e) => return map(what, e),
            }
        }
        map(what, e)
    };
    let mut chunks = rows.chunks_exact(CHUNK);
    if rows.len() >= CHUNK {
        let mut many = tx
            .prepare_cached(NEW_STREAMS_CHUNK)
            .map_err(|e| map(what, e))?;
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(CHUNK * 3);
        for chunk in &mut chunks {
            params.clear();
            for (name, version, last) in chunk {
                params.extend([name as &dyn rusqlite::ToSql, version, last]);
            }
            many.execute(params.as_slice())
                .map_err(|e| taken(e, chunk))?;
        }
    }
    let mut one = tx.prepare_cached(NEW_STREAM).map_err(|e| map(what, e))?;
    for row @ (name, version, last) in chunks.remainder() {
        one.execute(params![name, version, last])
            .map_err(|e| taken(e, std::slice::from_ref(row)))?;
    }
    Ok(())
}

const READ_ALL: &str =
    "SELECT position, stream, seq, payload FROM events WHERE position > ?1 ORDER BY position";
const EVENT_AT: &str = "SELECT stream, seq, prev, payload FROM events WHERE position = ?1";
const LINK_AT: &str = "SELECT stream, seq, prev, '' FROM events WHERE position = ?1";
const VERSION: &str = "SELECT version FROM streams WHERE name = ?1";
const REWRITE: &str = "UPDATE events SET payload = ?2 WHERE position = ?1";

/// The embedded default store: one SQLite file in write-ahead-log mode.
///
/// Each value holds one connection. Several `SqliteStore`s (in one process or in several) may
/// open the same file: appends take SQLite's write lock (`BEGIN IMMEDIATE`) and check the stream
/// versions under it, so a stale writer gets `conflict` and no update is lost.
pub struct SqliteStore {
    conn: Connection,
    path: Option<PathBuf>,
    durability: Durability,
    /// The erasure counter when the log was last folded from its start or a snapshot loaded
    /// (see `erasures.rs`): a snapshot of an older state is refused.
    erasures_seen: std::cell::Cell<Option<u64>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (or creates, see [`SqliteOptions::create_if_missing`]) the store at `path`.
    ///
    /// Fails with `storage_corrupt` when the file is not a Casebook store or was written by a
    /// newer Casebook, and with `storage_failed` when it cannot be opened or locked.
    pub fn open(path: impl AsRef<Path>, opts: SqliteOptions) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if opts.create_if_missing {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let what = format!("opening the store {}", path.display());
        let conn = Connection::open_with_flags(path, flags).map_err(|e| map(&what, e))?;
        conn.busy_timeout(opts.busy_timeout)
            .map_err(|e| map(&what, e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| map(&what, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!(
                "{what}: the file system does not support write-ahead logging (journal mode \
                 stayed {mode}); put the store on a local disk"
            )));
        }
        Self::configure(conn, Some(path.to_path_buf()), opts.durability)
    }

    /// A store in memory, gone when dropped; for tests and throw-away casebooks.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(|e| map("opening a memory store", e))?;
        Self::configure(conn, None, Durability::Full)
    }

    fn configure(
        mut conn: Connection,
        path: Option<PathBuf>,
        durability: Durability,
    ) -> Result<SqliteStore, StoreError> {
        // Foreign keys stay off: `append` creates a stream's row in the same transaction as its
        // events, and the check would cost a lookup per event.
        let pragmas = format!(
            "PRAGMA synchronous = {}; PRAGMA secure_delete = ON; PRAGMA foreign_keys = OFF; \
             PRAGMA cache_size = -16384;",
            durability.pragma()
        );
        conn.execute_batch(&pragmas)
            .map_err(|e| map("configuring the store", e))?;
        conn.set_prepared_statement_cache_capacity(32);
        schema::prepare(&mut conn)?;
        Ok(SqliteStore {
            conn,
            path,
            durability,
            erasures_seen: std::cell::Cell::new(None),
        })
    }

    /// The file this store is kept in; `None` for a memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The durability mode the store was opened with.
    pub fn durability(&self) -> Durability {
        self.durability
    }

    /// Copies the write-ahead log into the main file and truncates the log to zero bytes.
    /// Returns `false` when a reader in another connection kept part of the log in use (it is
    /// then copied by a later checkpoint). [`Store::rewrite`] calls this itself.
    pub fn checkpoint(&self) -> Result<bool, StoreError> {
        if self.path.is_none() {
            return Ok(true);
        }
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| map("checkpointing the store", e))?;
        Ok(busy == 0)
    }

    /// Visits a stream's events from the last to the first by following their `prev` links,
    /// checking that the chain stays in the stream and counts down to sequence 1. `sql` reads
    /// (stream, seq, prev, payload) at a position; `visit` gets (position, seq, payload) and
    /// returns false to stop early.
    fn walk(
        &self,
        stream: &str,
        sql: &str,
        visit: &mut dyn FnMut(u64, u64, String) -> bool,
    ) -> Result<(), StoreError> {
        let what = "reading a stream";
        let found: Option<(i64, i64)> = self
            .conn
            .prepare_cached(STREAM)
            .and_then(|mut s| {
                s.query_row([stream], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(|e| map(what, e))?;
        let Some((version, mut position)) = found else {
            return Ok(());
        };
        let mut at = self.conn.prepare_cached(sql).map_err(|e| map(what, e))?;
        let mut expected = version;
        while expected > 0 {
            let (same, seq, prev, payload): (bool, i64, i64, String) = at
                .query_row([position], |r| {
                    let same = r.get_ref(0)?.as_str()? == stream;
                    Ok((same, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()
                .map_err(|e| map(what, e))?
                .ok_or_else(|| broken(stream, position))?;
            if !same || seq != expected || prev >= position {
                return Err(broken(stream, position));
            }
            if !visit(
                to_u64("position", position)?,
                to_u64("sequence", seq)?,
                payload,
            ) {
                return Ok(());
            }
            expected -= 1;
            position = prev;
        }
        if position != 0 {
            return Err(broken(stream, position));
        }
        Ok(())
    }

    fn read_head(conn: &Connection) -> Result<u64, StoreError> {
        let head: i64 = conn
            .prepare_cached(HEAD)
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(|e| map("reading the head", e))?;
        to_u64("head", head)
    }
}

impl Store for SqliteStore {
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError> {
        check_distinct_streams(commits)?;
        if commits.is_empty() {
            return Self::read_head(&self.conn);
        }
        let what = "appending events";
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map(what, e))?;
        let mut position = Self::read_head(&tx)?;
        {
            let mut find = tx.prepare_cached(STREAM).map_err(|e| map(what, e))?;
            let mut bump = tx.prepare_cached(SET_VERSION).map_err(|e| map(what, e))?;
            let mut rows: Vec<Row<'_>> =
                Vec::with_capacity(commits.iter().map(|c| c.payloads.len()).sum());
            let mut new_streams: Vec<NewStream<'_>> = Vec::new();
            for c in commits {
                let stream = c.stream.as_str();
                if c.expected_version == 0 && !c.payloads.is_empty() {
                    // A new stream (every report): the primary key of `streams` is the conflict
                    // check, so its insert (16 rows a statement, below) is the only lookup.
                    let new_version = to_i64(c.payloads.len() as u64);
                    new_streams.push((stream, new_version, to_i64(position) + new_version));
                    let mut prev = 0;
                    for (i, payload) in c.payloads.iter().enumerate() {
                        position += 1;
                        let here = to_i64(position);
                        rows.push((here, stream, to_i64(i as u64 + 1), prev, payload.as_str()));
                        prev = here;
                    }
                    continue;
                }
                let found: Option<(i64, i64)> = find
                    .query_row([stream], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .map_err(|e| map(what, e))?;
                let (actual, mut prev) = match found {
                    Some((v, last)) => (to_u64("stream version", v)?, last),
                    None => (0, 0),
                };
                if actual != c.expected_version {
                    // An earlier new stream of this append may conflict too: that one is
                    // reported first. Dropping `tx` rolls back whatever was written.
                    insert_new_streams(&tx, &new_streams)?;
                    return Err(StoreError::Conflict {
                        stream: c.stream.clone(),
                        expected: c.expected_version,
                        actual,
                    });
                }
                if c.payloads.is_empty() {
                    continue;
                }
                // Here the stream exists: a missing one has version 0, handled above.
                let new_version = to_i64(actual + c.payloads.len() as u64);
                let new_last = to_i64(position + c.payloads.len() as u64);
                bump.execute(params![stream, new_version, new_last])
                    .map_err(|e| map(what, e))?;
                for (i, payload) in c.payloads.iter().enumerate() {
                    position += 1;
                    let seq = to_i64(actual + i as u64 + 1);
                    let here = to_i64(position);
                    rows.push((here, stream, seq, prev, payload.as_str()));
                    prev = here;
                }
            }
            insert_new_streams(&tx, &new_streams)?;
            insert_rows(&tx, &rows).map_err(|e| map(what, e))?;
        }
        tx.commit().map_err(|e| map(what, e))?;
        Ok(position)
    }

    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        let what = "reading the log";
        if after == 0 {
            // A fold from the start: what it sees postdates every erasure counted so far.
            self.erasures_seen
                .set(Some(crate::erasures::count(&self.conn)?));
        }
        let mut stmt = self
            .conn
            .prepare_cached(READ_ALL)
            .map_err(|e| map(what, e))?;
        let mut rows = stmt.query([to_i64(after)]).map_err(|e| map(what, e))?;
        while let Some(row) = rows.next().map_err(|e| map(what, e))? {
            let event = event_from_row(row, what)?;
            visit(event)?;
        }
        Ok(())
    }

    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let mut out = Vec::new();
        self.walk(stream, EVENT_AT, &mut |position, seq, payload| {
            out.push(StoredEvent {
                position,
                stream: stream.to_string(),
                seq,
                payload,
            });
            true
        })?;
        out.reverse();
        Ok(out)
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        let what = "reading a stream version";
        let v: Option<i64> = self
            .conn
            .prepare_cached(VERSION)
            .and_then(|mut s| s.query_row([stream], |r| r.get(0)).optional())
            .map_err(|e| map(what, e))?;
        to_u64("stream version", v.unwrap_or(0))
    }

    fn head(&self) -> Result<u64, StoreError> {
        Self::read_head(&self.conn)
    }

    /// Overwrites the payload in place. With `secure_delete` on, SQLite zeroes the old bytes in
    /// the page; the write-ahead log, which may still hold old copies of the page, is then
    /// checkpointed and truncated so the old payload is not left anywhere in the store's files.
    fn rewrite(&mut self, stream: &str, seq: u64, payload: &str) -> Result<(), StoreError> {
        let what = "rewriting an event";
        let mut target = None;
        self.walk(stream, LINK_AT, &mut |position, s, _| {
            if s == seq {
                target = Some(position);
            }
            s > seq
        })?;
        let Some(position) = target else {
            return Err(StoreError::Backend(format!(
                "no event {seq} in stream {stream}; nothing was rewritten"
            )));
        };
        // The snapshot may hold the old payload's content: it goes in the same transaction.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map(what, e))?;
        tx.prepare_cached(REWRITE)
            .and_then(|mut s| s.execute(params![to_i64(position), payload]))
            .map_err(|e| map(what, e))?;
        crate::snapshots::clear(&tx)?;
        crate::erasures::raise(&tx)?;
        tx.commit().map_err(|e| map(what, e))?;
        self.checkpoint()?;
        Ok(())
    }

    fn save_snapshot(&mut self, position: u64, data: &[u8]) -> Result<(), StoreError> {
        crate::snapshots::save(&mut self.conn, position, data, self.erasures_seen.get())
    }

    fn load_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        // Counted before the snapshot is read: an erasure in between drops the snapshot (so
        // this finds none and the log is folded from the start) or leaves the count stale
        // (so a later save is refused); neither lets erased data be saved again.
        self.erasures_seen
            .set(Some(crate::erasures::count(&self.conn)?));
        crate::snapshots::load(&self.conn)
    }

    fn clear_snapshots(&mut self) -> Result<(), StoreError> {
        let what = "dropping the snapshot";
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| map(what, e))?;
        crate::snapshots::clear(&tx)?;
        tx.commit().map_err(|e| map(what, e))
    }
}

fn event_from_row(row: &rusqlite::Row<'_>, what: &str) -> Result<StoredEvent, StoreError> {
    let position: i64 = row.get(0).map_err(|e| map(what, e))?;
    let seq: i64 = row.get(2).map_err(|e| map(what, e))?;
    Ok(StoredEvent {
        position: to_u64("position", position)?,
        stream: row.get(1).map_err(|e| map(what, e))?,
        seq: to_u64("sequence", seq)?,
        payload: row.get(3).map_err(|e| map(what, e))?,
    })
}

/// The core's `validate_commits`, without its quadratic scan on large batches: the core's
/// function is called only to word the error when a stream does appear twice.
fn check_distinct_streams(commits: &[Commit]) -> Result<(), StoreError> {
    if commits.len() < 16 {
        return validate_commits(commits);
    }
    let mut seen = std::collections::HashSet::with_capacity(commits.len());
    if commits.iter().all(|c| seen.insert(c.stream.as_str())) {
        Ok(())
    } else {
        validate_commits(commits)
    }
}

/// True for the error of an insert that broke the primary key of `streams` (a name taken).
fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

fn broken(stream: &str, position: i64) -> StoreError {
    StoreError::Corrupt(format!(
        "the chain of events of stream {stream} is broken at position {position}; restore the \
         store from a backup"
    ))
}
