//! The PostgreSQL implementation of the Casebook store contract.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use casebook::store::{Commit, Store, StoreError, StoredEvent, Visit, validate_commits};

use crate::conn::{self, Conn, backend, to_i64, to_u64};
use crate::follow::Listener;
use crate::schema;

/// How many events `read_all` fetches per query.
const DEFAULT_READ_BATCH: usize = 1000;

/// How often `wait_for_change` re-reads the head when no notification arrives.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// A [`Store`] on a PostgreSQL server; several app servers may share one schema.
///
/// It holds one connection for reads and appends (re-opened on the next call after the server
/// drops it) and, once [`PgStore::wait_for_change`] is first called, a second one that listens
/// for notifications.
pub struct PgStore {
    url: String,
    schema: String,
    pub(crate) conn: Mutex<Option<Conn>>,
    pub(crate) listener: Mutex<Option<Listener>>,
    read_batch: usize,
    pub(crate) poll_interval: Duration,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The connection string may hold a password: never print it.
        f.debug_struct("PgStore")
            .field("schema", &self.schema)
            .field("read_batch", &self.read_batch)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves at worst a connection mid-transaction, which the
    // next use detects; the data itself stays on the server.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl PgStore {
    /// Connects to the server at `url` (a connection string such as
    /// `host=/run/postgresql user=casebook dbname=casebook` or `postgresql://...`) and uses the
    /// schema [`DEFAULT_SCHEMA`](crate::DEFAULT_SCHEMA), creating its tables if missing.
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        Self::connect_with_schema(url, schema::DEFAULT_SCHEMA)
    }

    /// Like [`PgStore::connect`] with a schema of its own: one casebook (one tenant) per schema.
    /// The name is 1 to 40 characters of `a-z`, `0-9` and `_`. Fails with
    /// [`StoreError::Corrupt`] if the schema holds tables of a newer or unknown layout.
    pub fn connect_with_schema(url: &str, schema_name: &str) -> Result<PgStore, StoreError> {
        schema::validate_schema_name(schema_name)?;
        let mut client = conn::open(url)?;
        schema::ensure(&mut client, schema_name)?;
        drop(client);
        let conn = Conn::open(url, schema_name)?;
        Ok(PgStore {
            url: url.to_string(),
            schema: schema_name.to_string(),
            conn: Mutex::new(Some(conn)),
            listener: Mutex::new(None),
            read_batch: DEFAULT_READ_BATCH,
            poll_interval: DEFAULT_POLL_INTERVAL,
        })
    }

    /// The schema this store uses.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Sets how many events `read_all` fetches per query (at least 1).
    pub fn set_read_batch(&mut self, events: usize) {
        self.read_batch = events.max(1);
    }

    /// Sets how often [`PgStore::wait_for_change`] re-reads the head when no notification
    /// arrives (at least 1 ms).
    pub fn set_poll_interval(&mut self, every: Duration) {
        self.poll_interval = every.max(Duration::from_millis(1));
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Runs `f` on the connection, re-opening it first if the server dropped it.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = lock(&self.conn);
        if guard.as_ref().is_none_or(|c| c.client.is_closed()) {
            *guard = None;
            *guard = Some(Conn::open(&self.url, &self.schema)?);
        }
        let Some(c) = guard.as_mut() else {
            return Err(StoreError::Backend("no PostgreSQL connection".into()));
        };
        let out = f(c);
        if c.client.is_closed() {
            *guard = None;
        }
        out
    }

    /// Reads the versions of `streams` (0 for unknown ones) outside any lock.
    fn versions(c: &mut Conn, streams: &[&str]) -> Result<HashMap<String, u64>, StoreError> {
        let rows = c
            .client
            .query(&c.stmts.versions, &[&streams])
            .map_err(|e| backend("reading stream versions", e))?;
        let mut out = HashMap::new();
        for row in rows {
            let get = |e| backend("reading stream versions", e);
            let stream: String = row.try_get(0).map_err(get)?;
            let version = to_u64("version", row.try_get(1).map_err(get)?)?;
            out.insert(stream, version);
        }
        Ok(out)
    }

    /// The first commit whose expected version is not the stored one, as a `Conflict`.
    fn find_conflict(c: &mut Conn, commits: &[Commit]) -> Result<Option<StoreError>, StoreError> {
        let names: Vec<&str> = commits.iter().map(|c| c.stream.as_str()).collect();
        let versions = Self::versions(c, &names)?;
        Ok(commits.iter().find_map(|cm| {
            let actual = versions.get(&cm.stream).copied().unwrap_or(0);
            (actual != cm.expected_version).then(|| StoreError::Conflict {
                stream: cm.stream.clone(),
                expected: cm.expected_version,
                actual,
            })
        }))
    }

    fn append_in(&self, c: &mut Conn, commits: &[Commit]) -> Result<u64, StoreError> {
        let n: usize = commits.iter().map(|c| c.payloads.len()).sum();
        let (mut names, mut expected, mut counts) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ev_streams, mut ev_seqs, mut payloads) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for cm in commits {
            let len = cm.payloads.len() as u64;
            names.push(cm.stream.as_str());
            expected.push(to_i64("expected version", cm.expected_version)?);
            counts.push(to_i64("event count", len)?);
            to_i64("stream version", cm.expected_version.saturating_add(len))?;
            for (i, p) in cm.payloads.iter().enumerate() {
                ev_streams.push(cm.stream.as_str());
                ev_seqs.push(to_i64("sequence", cm.expected_version + i as u64 + 1)?);
                payloads.push(p.as_str());
            }
        }
        let channel = schema::channel(&self.schema);
        // One autocommit statement: the server function locks the head row, checks versions,
        // writes and notifies; the reply comes after the commit is flushed.
        let res = c.client.query_one(
            &c.stmts.write,
            &[
                &names,
                &expected,
                &counts,
                &ev_streams,
                &ev_seqs,
                &payloads,
                &channel,
            ],
        );
        let row = match res {
            Ok(row) => row,
            Err(e) => {
                let err = backend("appending", e);
                // A unique constraint (the last line of defence) or anything else that
                // aborted the append: report a conflict if there is one, else the failure.
                if c.client.is_closed() {
                    return Err(err);
                }
                return Err(Self::find_conflict(c, commits)?.unwrap_or(err));
            }
        };
        let get = |e| backend("reading the append's result", e);
        let head: i64 = row.try_get(0).map_err(get)?;
        let stream: Option<String> = row.try_get(1).map_err(get)?;
        match stream {
            None => to_u64("head", head),
            Some(stream) => {
                let expected: Option<i64> = row.try_get(2).map_err(get)?;
                let actual: Option<i64> = row.try_get(3).map_err(get)?;
                Err(StoreError::Conflict {
                    stream,
                    expected: to_u64("version", expected.unwrap_or(0))?,
                    actual: to_u64("version", actual.unwrap_or(0))?,
                })
            }
        }
    }

    fn head_in(c: &mut Conn) -> Result<u64, StoreError> {
        let v: i64 = c
            .client
            .query_one(&c.stmts.head, &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| backend("reading the head", e))?;
        to_u64("head", v)
    }
}

impl Store for PgStore {
    fn append(&mut self, commits: &[Commit]) -> Result<u64, StoreError> {
        validate_commits(commits)?;
        if commits.is_empty() {
            return self.head();
        }
        self.with_conn(|c| self.append_in(c, commits))
    }

    fn read_all(&self, after: u64, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        let limit = to_i64("batch size", self.read_batch as u64)?;
        let mut after = i64::try_from(after).unwrap_or(i64::MAX);
        loop {
            // Fetch a batch under the connection lock, then visit it without the lock so the
            // visitor may use the store.
            let batch = self.with_conn(|c| {
                let rows = c
                    .client
                    .query(&c.stmts.read_after, &[&after, &limit])
                    .map_err(|e| backend("reading events", e))?;
                rows.iter().map(conn::event).collect::<Result<Vec<_>, _>>()
            })?;
            let full = batch.len() == self.read_batch;
            for e in batch {
                after = to_i64("position", e.position)?;
                visit(e)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn read_stream(&self, stream: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.with_conn(|c| {
            let rows = c
                .client
                .query(&c.stmts.read_stream, &[&stream])
                .map_err(|e| backend("reading a stream", e))?;
            rows.iter().map(conn::event).collect()
        })
    }

    fn stream_version(&self, stream: &str) -> Result<u64, StoreError> {
        self.with_conn(|c| {
            let row = c
                .client
                .query_opt(&c.stmts.version, &[&stream])
                .map_err(|e| backend("reading a stream version", e))?;
            match row {
                None => Ok(0),
                Some(r) => to_u64(
                    "version",
                    r.try_get(0)
                        .map_err(|e| backend("reading a stream version", e))?,
                ),
            }
        })
    }

    fn head(&self) -> Result<u64, StoreError> {
        self.with_conn(Self::head_in)
    }

    fn rewrite(&mut self, stream: &str, seq: u64, payload: &str) -> Result<(), StoreError> {
        let seq_i = to_i64("sequence", seq)?;
        let n = self.with_conn(|c| {
            c.client
                .execute(&c.stmts.rewrite, &[&stream, &seq_i, &payload])
                .map_err(|e| backend("rewriting an event", e))
        })?;
        if n == 0 {
            return Err(StoreError::Backend(format!(
                "no event {seq} in stream {stream}; nothing was rewritten"
            )));
        }
        Ok(())
    }
}
