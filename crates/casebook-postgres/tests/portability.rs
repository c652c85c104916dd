//! Export and import across stores: memory → SQLite → PostgreSQL, lossless (streams, sequences,
//! positions, events, timelines); erasure on PostgreSQL leaves no trace in the events table.

mod common;

use casebook::protocol;
use casebook::{Casebook, MemoryStore, SeededIds, Store};
use casebook_sqlite::{SqliteOptions, SqliteStore};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../../../tests/data/portability/scenario.jsonl");

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-05-04T10:00:00Z".parse().expect("time")
}

fn ok<S: Store>(book: &mut Casebook<S>, req: &Value) -> Value {
    let r: Value =
        serde_json::from_str(&protocol::execute_line(book, &req.to_string(), now())).expect("json");
    assert_eq!(r["ok"], true, "{req} -> {r}");
    r["result"].clone()
}

fn admin() -> Value {
    json!({"role": "admin", "id": "root"})
}

fn scenario_book() -> Casebook<MemoryStore> {
    let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(5))).expect("open");
    for line in SCENARIO.lines().filter(|l| !l.trim().is_empty()) {
        ok(&mut b, &serde_json::from_str(line).expect("scenario line"));
    }
    b
}

fn log(store: &impl Store) -> Vec<(u64, String, u64, Value)> {
    let mut out = Vec::new();
    store
        .read_all(0, &mut |e| {
            let v = serde_json::from_str(&e.payload).expect("payload json");
            out.push((e.position, e.stream, e.seq, v));
            Ok(())
        })
        .expect("read");
    out
}

fn views<S: Store>(book: &mut Casebook<S>) -> Vec<Value> {
    (1..=3)
        .map(|n| {
            ok(
                book,
                &json!({"op": "get", "as": admin(), "case": format!("HELP-{n}")}),
            )
        })
        .collect()
}

fn export<S: Store>(book: &mut Casebook<S>) -> Value {
    ok(book, &json!({"op": "export", "as": admin()}))["export"].clone()
}

#[test]
fn memory_to_sqlite_to_postgres_is_lossless() {
    let mut mem = scenario_book();
    let expected_log = log(mem.store());
    let expected_views = views(&mut mem);
    let first = export(&mut mem);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("casebook.db");
    let sqlite = SqliteStore::open(&path, SqliteOptions::default()).expect("sqlite");
    let mut lite = Casebook::open(sqlite, Box::new(SeededIds::new(6))).expect("open sqlite");
    ok(
        &mut lite,
        &json!({"op": "import", "as": admin(), "export": first}),
    );
    assert_eq!(log(lite.store()), expected_log);
    assert_eq!(views(&mut lite), expected_views);
    drop(lite);
    let reopened = SqliteStore::open(&path, SqliteOptions::default()).expect("reopen sqlite");
    let mut lite = Casebook::open(reopened, Box::new(SeededIds::new(7))).expect("replay sqlite");
    assert_eq!(
        views(&mut lite),
        expected_views,
        "the SQLite file replays to the same state"
    );
    let second = export(&mut lite);

    let pg = common::fresh_store("portability");
    let schema = pg.schema().to_string();
    let mut server = Casebook::open(pg, Box::new(SeededIds::new(8))).expect("open pg");
    ok(
        &mut server,
        &json!({"op": "import", "as": admin(), "export": second}),
    );
    assert_eq!(log(server.store()), expected_log);
    assert_eq!(views(&mut server), expected_views);
    let other = casebook_postgres::PgStore::connect_with_schema(&common::pg_url(), &schema)
        .expect("second connection");
    let mut app2 = Casebook::open(other, Box::new(SeededIds::new(9))).expect("replay pg");
    assert_eq!(
        views(&mut app2),
        expected_views,
        "another app server sees the same"
    );
    let mut third = export(&mut app2);
    let mut first_again = export(&mut mem);
    third["exported_at"] = Value::Null;
    first_again["exported_at"] = Value::Null;
    assert_eq!(
        third, first_again,
        "the export survives both hops unchanged"
    );
}

#[test]
fn erase_on_postgres_leaves_no_trace_and_replays() {
    let mut mem = scenario_book();
    let doc = export(&mut mem);
    let pg = common::fresh_store("erase");
    let schema = pg.schema().to_string();
    let mut book = Casebook::open(pg, Box::new(SeededIds::new(8))).expect("open pg");
    ok(
        &mut book,
        &json!({"op": "import", "as": admin(), "export": doc}),
    );
    let mut client = common::raw_client();
    let count = |client: &mut postgres::Client, needle: &str| -> i64 {
        client
            .query_one(
                &format!("SELECT count(*) FROM {schema}.events WHERE strpos(payload, $1) > 0"),
                &[&needle],
            )
            .expect("query")
            .get(0)
    };
    assert!(count(&mut client, "ADA-PHONE") > 0);
    let erased = ok(
        &mut book,
        &json!({"op": "erase", "as": admin(), "person": {"email": "ADA@example.org"}}),
    );
    assert!(erased["erased"]["events"].as_u64().is_some_and(|n| n > 0));
    for secret in [
        "ADA-PHONE",
        "ada@example.org",
        "Ada Lovelace",
        "ADA-SERIAL-9",
        "u:ada",
    ] {
        assert_eq!(count(&mut client, secret), 0, "{secret} is still stored");
    }
    assert!(count(&mut client, "Bob here: same for me") > 0);
    let live = views(&mut book);
    let other = casebook_postgres::PgStore::connect_with_schema(&common::pg_url(), &schema)
        .expect("second connection");
    let mut reopened = Casebook::open(other, Box::new(SeededIds::new(9))).expect("replay");
    assert_eq!(views(&mut reopened), live);
}
