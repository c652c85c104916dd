//! The tables a PgStore keeps, their creation and the schema-version check.

use casebook::store::StoreError;
use postgres::Client;

use crate::conn::backend;

/// The schema a [`PgStore`](crate::PgStore) uses when none is named.
pub const DEFAULT_SCHEMA: &str = "casebook";

/// The version of the table layout this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Advisory lock key that serialises schema creation across app servers starting together.
const CREATE_LOCK_KEY: i64 = 0x4361_7365_626f_6f6b; // "Casebook"

/// The longest schema name accepted (keeps the notification channel name under 63 bytes).
pub(crate) const MAX_SCHEMA_LEN: usize = 40;

/// Checks that a schema name is a plain lower-case identifier, so it can be quoted safely.
pub(crate) fn validate_schema_name(name: &str) -> Result<(), StoreError> {
    let ok_first = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let ok_rest = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok_first || !ok_rest || name.len() > MAX_SCHEMA_LEN || name.starts_with("pg_") {
        return Err(StoreError::Backend(format!(
            "schema name {name:?} is not usable: use 1 to {MAX_SCHEMA_LEN} characters from a-z, 0-9 and _, starting with a letter or _, and not starting with pg_"
        )));
    }
    Ok(())
}

/// The name of the notification channel appends to this schema signal on.
pub(crate) fn channel(schema: &str) -> String {
    format!("casebook_{schema}")
}

/// Creates the schema and its tables if missing, and checks the stored layout version.
pub(crate) fn ensure(client: &mut Client, schema: &str) -> Result<(), StoreError> {
    let mut tx = client
        .transaction()
        .map_err(|e| backend("starting the schema check", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CREATE_LOCK_KEY])
        .map_err(|e| backend("locking for schema creation", e))?;
    let meta = format!("{schema}.meta");
    let exists: bool = tx
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&meta])
        .and_then(|r| r.try_get(0))
        .map_err(|e| backend("looking for the schema", e))?;
    if exists {
        // The tables are created with the meta row in one transaction: all are there. Writing
        // nothing here also lets a store open on a read-only replica.
        check_version(&mut tx, schema)?;
        return tx
            .commit()
            .map_err(|e| backend("finishing the schema check", e));
    }
    let s = schema;
    let ddl = format!(
        "CREATE SCHEMA IF NOT EXISTS {s};
         CREATE TABLE IF NOT EXISTS {s}.meta (
             key text PRIMARY KEY,
             value text NOT NULL);
         CREATE TABLE IF NOT EXISTS {s}.head (
             id smallint PRIMARY KEY CHECK (id = 1),
             position bigint NOT NULL CHECK (position >= 0));
         INSERT INTO {s}.head (id, position) VALUES (1, 0) ON CONFLICT DO NOTHING;
         CREATE TABLE IF NOT EXISTS {s}.streams (
             stream text PRIMARY KEY,
             version bigint NOT NULL CHECK (version > 0));
         CREATE TABLE IF NOT EXISTS {s}.events (
             position bigint PRIMARY KEY CHECK (position > 0),
             stream text NOT NULL,
             seq bigint NOT NULL CHECK (seq > 0),
             payload text NOT NULL,
             UNIQUE (stream, seq));
         {append}
         INSERT INTO {s}.meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}')
             ON CONFLICT DO NOTHING;",
        append = append_function(s)
    );
    tx.batch_execute(&ddl)
        .map_err(|e| backend("creating the tables", e))?;
    check_version(&mut tx, schema)?;
    tx.commit().map_err(|e| backend("committing the schema", e))
}

/// The server-side append: one statement, so an autocommit call is one round trip and the
/// head lock is held only while the server works and flushes, never while a client thinks.
///
/// Under READ COMMITTED each statement of a volatile function sees everything committed before
/// it starts, so once the head row is locked, the version checks see the previous appender's
/// commit. A conflict returns the stream and its actual version and writes nothing.
fn append_function(s: &str) -> String {
    format!(
        "CREATE FUNCTION {s}.append(
             p_streams text[], p_expected bigint[], p_counts bigint[],
             p_ev_streams text[], p_ev_seqs bigint[], p_payloads text[], p_channel text,
             OUT o_head bigint, OUT o_stream text, OUT o_expected bigint, OUT o_actual bigint)
         LANGUAGE plpgsql VOLATILE AS $fn$
         DECLARE
             v_head bigint;
             v_events bigint;
             v_rows bigint;
         BEGIN
             IF current_setting('transaction_isolation') <> 'read committed' THEN
                 RAISE EXCEPTION 'Casebook appends need READ COMMITTED isolation';
             END IF;
             SELECT h.position INTO v_head FROM {s}.head h WHERE h.id = 1 FOR UPDATE;
             SELECT i.stream, i.expected, coalesce(st.version, 0)
                 INTO o_stream, o_expected, o_actual
                 FROM unnest(p_streams, p_expected) WITH ORDINALITY AS i(stream, expected, ord)
                 LEFT JOIN {s}.streams st ON st.stream = i.stream
                 WHERE coalesce(st.version, 0) <> i.expected
                 ORDER BY i.ord LIMIT 1;
             IF FOUND THEN
                 o_head := v_head;
                 RETURN;
             END IF;
             o_stream := NULL; o_expected := NULL; o_actual := NULL;
             UPDATE {s}.streams st SET version = i.expected + i.cnt
                 FROM unnest(p_streams, p_expected, p_counts) AS i(stream, expected, cnt)
                 WHERE st.stream = i.stream AND i.expected > 0 AND i.cnt > 0
                   AND st.version = i.expected;
             GET DIAGNOSTICS v_rows = ROW_COUNT;
             INSERT INTO {s}.streams (stream, version)
                 SELECT i.stream, i.cnt
                 FROM unnest(p_streams, p_expected, p_counts) AS i(stream, expected, cnt)
                 WHERE i.expected = 0 AND i.cnt > 0;
             GET DIAGNOSTICS v_events = ROW_COUNT;
             IF v_rows + v_events <> (SELECT count(*) FROM unnest(p_counts) AS c(n) WHERE n > 0) THEN
                 RAISE EXCEPTION 'Casebook append moved fewer streams than it should';
             END IF;
             INSERT INTO {s}.events (position, stream, seq, payload)
                 SELECT v_head + e.ord, e.stream, e.seq, e.payload
                 FROM unnest(p_ev_streams, p_ev_seqs, p_payloads)
                     WITH ORDINALITY AS e(stream, seq, payload, ord);
             GET DIAGNOSTICS v_events = ROW_COUNT;
             o_head := v_head + v_events;
             IF v_events > 0 THEN
                 UPDATE {s}.head SET position = o_head WHERE id = 1;
                 PERFORM pg_notify(p_channel, o_head::text);
             END IF;
         END
         $fn$;"
    )
}

fn check_version(tx: &mut postgres::Transaction<'_>, schema: &str) -> Result<(), StoreError> {
    let sql = format!("SELECT value FROM {schema}.meta WHERE key = 'schema_version'");
    let row = tx
        .query_opt(&sql, &[])
        .map_err(|e| backend("reading the schema version", e))?;
    let Some(row) = row else {
        return Err(StoreError::Corrupt(format!(
            "schema {schema} has a meta table without a schema_version; it was not made by Casebook"
        )));
    };
    let value: String = row
        .try_get(0)
        .map_err(|e| backend("reading the schema version", e))?;
    match value.parse::<i64>() {
        Ok(SCHEMA_VERSION) => Ok(()),
        Ok(v) if v > SCHEMA_VERSION => Err(StoreError::Corrupt(format!(
            "schema {schema} has Casebook table layout version {v}, newer than the {SCHEMA_VERSION} this build reads; upgrade Casebook"
        ))),
        _ => Err(StoreError::Corrupt(format!(
            "schema {schema} has Casebook table layout version {value:?}; this build reads only version {SCHEMA_VERSION}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_checked() {
        for good in ["casebook", "tenant_42", "_x", &"a".repeat(MAX_SCHEMA_LEN)] {
            assert!(validate_schema_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Casebook",
            "1abc",
            "a-b",
            "a\"b",
            "pg_catalog",
            "a b",
            &"a".repeat(MAX_SCHEMA_LEN + 1),
        ] {
            let err = validate_schema_name(bad).unwrap_err();
            assert_eq!(err.code(), "storage_failed", "{bad}");
        }
        assert_eq!(channel("t1"), "casebook_t1");
    }
}
