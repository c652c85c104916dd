//! The shared store contract, plus PostgreSQL-specific behaviour of connecting and reading.

mod common;

use casebook::store::{Store, StoreError, conformance};
use casebook_postgres::{PgStore, SCHEMA_VERSION};
use common::{commit, fresh_schema, fresh_store, pg_url, raw_client};

#[test]
fn pg_store_conforms_each_check_on_a_fresh_schema() {
    conformance::run_all(|| fresh_store("conf"));
}

#[test]
fn reconnecting_to_an_existing_schema_keeps_the_log() {
    let schema = fresh_schema("reopen");
    let mut a = PgStore::connect_with_schema(&pg_url(), &schema).unwrap();
    a.append(&[commit("case/a", 0, &["1", "2"])]).unwrap();
    drop(a);
    let b = PgStore::connect_with_schema(&pg_url(), &schema).unwrap();
    assert_eq!(b.head().unwrap(), 2);
    assert_eq!(b.stream_version("case/a").unwrap(), 2);
    assert_eq!(b.schema(), schema);
}

#[test]
fn default_schema_is_casebook() {
    let store = PgStore::connect(&pg_url()).unwrap();
    assert_eq!(store.schema(), casebook_postgres::DEFAULT_SCHEMA);
    store.head().unwrap();
}

#[test]
fn a_newer_schema_version_is_refused() {
    let schema = fresh_schema("ver");
    PgStore::connect_with_schema(&pg_url(), &schema).unwrap();
    let mut raw = raw_client();
    raw.execute(
        &format!("UPDATE {schema}.meta SET value = $1 WHERE key = 'schema_version'"),
        &[&(SCHEMA_VERSION + 1).to_string()],
    )
    .unwrap();
    let err = PgStore::connect_with_schema(&pg_url(), &schema).unwrap_err();
    assert_eq!(err.code(), "storage_corrupt");
    assert!(err.to_string().contains("upgrade Casebook"), "{err}");
}

#[test]
fn bad_schema_names_and_urls_are_typed_errors() {
    let err = PgStore::connect_with_schema(&pg_url(), "x; DROP SCHEMA public").unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert!(err.to_string().contains("schema name"), "{err}");
    let err = PgStore::connect("host=/nonexistent/socket/dir user=nobody").unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert!(err.to_string().contains("connecting"), "{err}");
    let err = PgStore::connect("this is not = a = connection string").unwrap_err();
    assert_eq!(err.code(), "storage_failed");
}

#[test]
fn read_all_streams_in_batches_without_holding_the_connection() {
    let mut store = fresh_store("batch");
    store.set_read_batch(3);
    for i in 0..10u64 {
        store
            .append(&[commit("case/a", i, &[&format!("{i}")])])
            .unwrap();
    }
    let mut seen = Vec::new();
    let reader = &store;
    store
        .read_all(2, &mut |e| {
            // The visitor may use the store while the read goes on.
            assert_eq!(reader.head()?, 10);
            seen.push(e.position);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, (3..=10).collect::<Vec<_>>());
    let mut count = 0;
    let err = store
        .read_all(0, &mut |_| {
            count += 1;
            if count == 4 {
                Err(StoreError::Backend("visitor stops".into()))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert_eq!(err, StoreError::Backend("visitor stops".into()));
    assert_eq!(count, 4);
    let mut none = 0;
    store
        .read_all(u64::MAX, &mut |_| {
            none += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(none, 0);
}

#[test]
fn rewriting_a_missing_event_is_an_error_and_changes_nothing() {
    let mut store = fresh_store("rw");
    store.append(&[commit("case/a", 0, &["one"])]).unwrap();
    let err = store.rewrite("case/a", 2, "x").unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    let err = store.rewrite("case/none", 1, "x").unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert_eq!(store.read_stream("case/a").unwrap()[0].payload, "one");
}

#[test]
fn empty_commits_check_versions_and_write_nothing() {
    let mut store = fresh_store("empty");
    store.append(&[commit("case/a", 0, &["1"])]).unwrap();
    assert_eq!(store.append(&[commit("case/a", 1, &[])]).unwrap(), 1);
    let err = store.append(&[commit("case/a", 0, &[])]).unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            stream: "case/a".into(),
            expected: 0,
            actual: 1
        }
    );
    // An empty commit with a stale version sinks a non-empty one beside it.
    let err = store
        .append(&[commit("case/b", 0, &["b"]), commit("case/a", 3, &[])])
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(store.head().unwrap(), 1);
    assert_eq!(store.stream_version("case/b").unwrap(), 0);
    assert_eq!(
        store
            .append(&[commit("case/b", 0, &["b"]), commit("case/a", 1, &[])])
            .unwrap(),
        2
    );
}

#[test]
fn payloads_postgres_cannot_hold_are_rejected_atomically() {
    let mut store = fresh_store("nul");
    let err = store
        .append(&[commit("case/a", 0, &["ok", "bad \0 byte"])])
        .unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert_eq!(store.head().unwrap(), 0);
    assert_eq!(store.stream_version("case/a").unwrap(), 0);
    // The connection is still usable.
    assert_eq!(store.append(&[commit("case/a", 0, &["ok"])]).unwrap(), 1);
}

#[test]
fn the_store_reconnects_after_the_server_drops_its_connection() {
    let mut store = fresh_store("reconn");
    store.append(&[commit("case/a", 0, &["1"])]).unwrap();
    // Leaves a query naming the schema as the connection's last one, to find it by.
    assert_eq!(store.stream_version("case/a").unwrap(), 1);
    let mut raw = raw_client();
    let pattern = format!("%{}.%", store.schema());
    let killed = raw
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE pid <> pg_backend_pid() AND query LIKE $1",
            &[&pattern],
        )
        .unwrap();
    assert!(!killed.is_empty());
    // The first call after the drop may fail; the store then reconnects by itself.
    let mut ok = false;
    for _ in 0..3 {
        if store.stream_version("case/a").is_ok() {
            ok = true;
            break;
        }
    }
    assert!(ok, "the store did not reconnect");
    store.append(&[commit("case/a", 1, &["2"])]).unwrap();
    assert_eq!(store.head().unwrap(), 2);
}

#[test]
fn app_servers_creating_the_same_schema_at_once_all_succeed() {
    let schema = fresh_schema("together");
    let url = pg_url();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (url, schema) = (url.clone(), schema.clone());
            std::thread::spawn(move || PgStore::connect_with_schema(&url, &schema).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().expect("thread").expect("connect");
    }
}

#[test]
fn appends_refuse_sessions_that_are_not_read_committed() {
    let schema = fresh_schema("iso");
    let url = format!(
        "{} options='-c default_transaction_isolation=serializable'",
        pg_url()
    );
    let mut store = PgStore::connect_with_schema(&url, &schema).unwrap();
    let err = store.append(&[commit("case/a", 0, &["1"])]).unwrap_err();
    assert_eq!(err.code(), "storage_failed");
    assert!(err.to_string().contains("READ COMMITTED"), "{err}");
    assert_eq!(store.head().unwrap(), 0);
}
