//! One connection with the statements a PgStore prepares on it, and error mapping.

use casebook::store::{StoreError, StoredEvent};
use postgres::{Client, NoTls, Row, Statement};

/// Turns a driver error into a [`StoreError::Backend`] that says what was being done.
pub(crate) fn backend(doing: &str, e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let detail = db.detail().map(|d| format!(" ({d})")).unwrap_or_default();
        return StoreError::Backend(format!(
            "PostgreSQL failed while {doing}: {} [SQLSTATE {}]{detail}",
            db.message(),
            db.code().code()
        ));
    }
    let cause = std::error::Error::source(&e)
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    StoreError::Backend(format!("PostgreSQL failed while {doing}: {e}{cause}"))
}

/// Opens a plain connection (no TLS: the server is expected on a socket or a private network).
pub(crate) fn open(url: &str) -> Result<Client, StoreError> {
    Client::connect(url, NoTls).map_err(|e| backend("connecting", e))
}

/// Converts a stored integer to the `u64` the contract speaks.
pub(crate) fn to_u64(what: &str, v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative {what} {v} in the store")))
}

/// Converts a caller's `u64` to PostgreSQL's `bigint`.
pub(crate) fn to_i64(what: &str, v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| {
        StoreError::Backend(format!(
            "{what} {v} is larger than PostgreSQL's bigint allows ({})",
            i64::MAX
        ))
    })
}

/// Reads an event row `(position, stream, seq, payload)`.
pub(crate) fn event(row: &Row) -> Result<StoredEvent, StoreError> {
    let get = |e| backend("reading an event row", e);
    Ok(StoredEvent {
        position: to_u64("position", row.try_get(0).map_err(get)?)?,
        stream: row.try_get(1).map_err(get)?,
        seq: to_u64("sequence", row.try_get(2).map_err(get)?)?,
        payload: row.try_get(3).map_err(get)?,
    })
}

/// The prepared statements of one connection.
pub(crate) struct Stmts {
    pub head: Statement,
    pub write: Statement,
    pub versions: Statement,
    pub version: Statement,
    pub read_after: Statement,
    pub read_stream: Statement,
    pub rewrite: Statement,
}

/// A live connection and its statements.
pub(crate) struct Conn {
    pub client: Client,
    pub stmts: Stmts,
}

impl Conn {
    /// Connects and prepares the statements for `schema` (whose tables must exist).
    pub(crate) fn open(url: &str, schema: &str) -> Result<Conn, StoreError> {
        let mut client = open(url)?;
        let stmts = prepare(&mut client, schema)?;
        Ok(Conn { client, stmts })
    }
}

fn prepare(c: &mut Client, s: &str) -> Result<Stmts, StoreError> {
    let mut p = |sql: String| {
        c.prepare(&sql)
            .map_err(|e| backend("preparing statements", e))
    };
    Ok(Stmts {
        head: p(format!("SELECT position FROM {s}.head WHERE id = 1"))?,
        write: p(format!(
            "SELECT o_head, o_stream, o_expected, o_actual
             FROM {s}.append($1, $2, $3, $4, $5, $6, $7)"
        ))?,
        versions: p(format!(
            "SELECT stream, version FROM {s}.streams WHERE stream = ANY($1::text[])"
        ))?,
        version: p(format!("SELECT version FROM {s}.streams WHERE stream = $1"))?,
        read_after: p(format!(
            "SELECT position, stream, seq, payload FROM {s}.events
             WHERE position > $1 ORDER BY position LIMIT $2"
        ))?,
        read_stream: p(format!(
            "SELECT position, stream, seq, payload FROM {s}.events
             WHERE stream = $1 ORDER BY seq"
        ))?,
        rewrite: p(format!(
            "UPDATE {s}.events SET payload = $3 WHERE stream = $1 AND seq = $2"
        ))?,
    })
}
