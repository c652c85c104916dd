//! The baseline: a hand-written plain SQLite schema, one `cases` table with the columns of a
//! case (structured parts as JSON text), plain INSERTs, an index on the reporter, and the same
//! durability pragmas as the Casebook store. It does the same operations as the engine, without
//! events, workflow rules, validation or in-memory state.

use std::path::Path;

use casebook::case::derive_subject;
use casebook::ids::{IdSource, SeededIds};
use casebook::{Actor, Report, Workflow};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cases (
    id          TEXT    PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    reporter    TEXT,
    org         TEXT,
    channel     TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    description TEXT    NOT NULL,
    diagnostics TEXT    NOT NULL,
    tags        TEXT    NOT NULL,
    priority    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    visibility  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_reporter ON cases (reporter);
";

const INSERT: &str = "INSERT INTO cases (id, number, reporter, org, channel, subject, \
    description, diagnostics, tags, priority, status, visibility, created_at, updated_at) \
    VALUES (?1, ?2, ?3, ?4, 'widget', ?5, ?6, ?7, ?8, 'normal', 'new', 'private', ?9, ?9)";

const COLUMNS: &str = "id, number, reporter, org, channel, subject, description, diagnostics, \
    tags, priority, status, visibility, created_at, updated_at";

/// One row of the plain table, read back into owned values.
#[derive(Debug)]
pub struct PlainCase {
    /// Every column but the number, in table order.
    pub text: [Option<String>; 13],
    /// The key number.
    pub number: i64,
}

/// A plain-schema case database.
pub struct Plain {
    conn: Connection,
    ids: SeededIds,
    next: i64,
    list_sql: String,
}

impl Plain {
    /// Opens a file (WAL, synchronous FULL or NORMAL, 16 MiB cache) or, without a path, memory.
    pub fn open(path: Option<&Path>, full: bool) -> rusqlite::Result<Plain> {
        let conn = match path {
            Some(p) => {
                let c = Connection::open(p)?;
                let _mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
                c
            }
            None => Connection::open_in_memory()?,
        };
        let sync = if full { "FULL" } else { "NORMAL" };
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA cache_size = -16384;"
        ))?;
        conn.execute_batch(SCHEMA)?;
        let next = conn.query_row("SELECT coalesce(max(number), 0) FROM cases", [], |r| {
            r.get::<_, i64>(0)
        })?;
        let open: Vec<String> = Workflow::default()
            .def()
            .states
            .iter()
            .filter(|s| s.category.is_open())
            .map(|s| format!("'{}'", s.id))
            .collect();
        let list_sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE reporter = ?1 AND status IN ({}) \
             ORDER BY number DESC LIMIT ?2",
            open.join(", ")
        );
        Ok(Plain {
            conn,
            ids: SeededIds::new(7),
            next,
            list_sql,
        })
    }

    /// Inserts the reports in one transaction (one fsync in FULL mode).
    pub fn insert(
        &mut self,
        reports: &[(Report, Actor)],
        now: DateTime<Utc>,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(INSERT)?;
            let stamp = now.to_rfc3339();
            for (r, a) in reports {
                self.next += 1;
                let id = self.ids.next_id(now).to_string();
                let reporter = a.id.as_ref().map(|u| format!("u:{u}"));
                let subject = r
                    .subject
                    .clone()
                    .unwrap_or_else(|| derive_subject(&r.description, 80));
                let diagnostics = serde_json::to_string(&r.diagnostics.clone().unwrap_or_default())
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                let tags = serde_json::to_string(&r.tags)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                stmt.execute(params![
                    id,
                    self.next,
                    reporter,
                    a.org,
                    subject,
                    r.description,
                    diagnostics,
                    tags,
                    stamp
                ])?;
            }
        }
        tx.commit()
    }

    /// Marks cases closed by number (the baseline's version of a withdrawal).
    pub fn close(&mut self, numbers: &[i64]) -> rusqlite::Result<()> {
        for n in numbers {
            self.conn
                .execute("UPDATE cases SET status = 'closed' WHERE number = ?1", [n])?;
        }
        Ok(())
    }

    /// A reporter's open cases, newest first.
    pub fn list_open(&self, reporter: &str, limit: i64) -> rusqlite::Result<Vec<PlainCase>> {
        let mut stmt = self.conn.prepare_cached(&self.list_sql)?;
        let rows = stmt.query_map(params![reporter, limit], row)?;
        rows.collect()
    }

    /// Every case, into memory.
    pub fn load_all(&self) -> rusqlite::Result<Vec<PlainCase>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM cases"))?;
        let rows = stmt.query_map([], row)?;
        rows.collect()
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlainCase> {
    let mut text: [Option<String>; 13] = Default::default();
    let mut k = 0;
    for i in 0..14 {
        if i == 1 {
            continue;
        }
        text[k] = r.get(i)?;
        k += 1;
    }
    Ok(PlainCase {
        text,
        number: r.get(1)?,
    })
}
