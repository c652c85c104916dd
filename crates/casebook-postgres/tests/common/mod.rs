//! Shared helpers for the tests that run against a real PostgreSQL server.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use casebook::store::Commit;
use casebook_postgres::PgStore;

/// The server's connection string; the tests fail (not skip) without it.
pub fn pg_url() -> String {
    match std::env::var("CASEBOOK_PG_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "CASEBOOK_PG_URL is not set: these tests need a PostgreSQL server. Run them as \
             `scripts/with-postgres cargo test -p casebook-postgres`, which starts a throwaway \
             server and sets CASEBOOK_PG_URL."
        ),
    }
}

/// A schema name no other test or run uses.
pub fn fresh_schema(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "t_{tag}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A store on a fresh schema.
pub fn fresh_store(tag: &str) -> PgStore {
    let schema = fresh_schema(tag);
    PgStore::connect_with_schema(&pg_url(), &schema).expect("connect to the test server")
}

/// A plain driver connection, for checks behind the store's back.
pub fn raw_client() -> postgres::Client {
    postgres::Client::connect(&pg_url(), postgres::NoTls).expect("connect to the test server")
}

pub fn commit(stream: &str, expected: u64, payloads: &[&str]) -> Commit {
    Commit {
        stream: stream.into(),
        expected_version: expected,
        payloads: payloads.iter().map(|p| p.to_string()).collect(),
    }
}
