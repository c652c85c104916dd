//! Helpers for the tests of releases, the outbox, ratings and stats.

use serde_json::{Value, json};

use crate::engine::Casebook;
use crate::ids::SeededIds;
use crate::protocol;
use crate::store::MemoryStore;

pub(crate) type Book = Casebook<MemoryStore>;

pub(crate) fn book() -> Book {
    let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
    call(
        &mut b,
        json!({"op": "configure", "as": {"role": "admin"}, "tracking_secret": "a test secret of 16+ bytes"}),
        "2026-11-01T08:00:00Z",
    );
    b
}

/// Runs a request at a time and returns the whole response.
pub(crate) fn call(book: &mut Book, mut req: Value, at: &str) -> Value {
    req["at"] = json!(at);
    let now = at.parse().unwrap();
    serde_json::from_str(&protocol::execute_line(book, &req.to_string(), now)).unwrap()
}

/// Runs a request that must succeed and returns its result.
pub(crate) fn ok(book: &mut Book, req: Value, at: &str) -> Value {
    let r = call(book, req.clone(), at);
    assert_eq!(r["ok"], true, "{req} -> {r:#}");
    r["result"].clone()
}

/// Runs a request that must fail and returns its error code.
pub(crate) fn fails(book: &mut Book, req: Value, at: &str) -> String {
    let r = call(book, req.clone(), at);
    assert_eq!(r["ok"], false, "{req} -> {r:#}");
    r["error"]["code"].as_str().unwrap().to_string()
}

/// Reports a case and returns its key.
pub(crate) fn report(book: &mut Book, who: &Value, text: &str, extra: Value, at: &str) -> String {
    let mut req = json!({"op": "report", "as": who, "description": text});
    if let Value::Object(m) = extra {
        for (k, v) in m {
            req[k] = v;
        }
    }
    ok(book, req, at)["case"]["key"]
        .as_str()
        .unwrap()
        .to_string()
}

pub(crate) fn staff() -> Value {
    json!({"role": "agent", "id": "sam", "name": "Sam"})
}

pub(crate) fn system() -> Value {
    json!({"role": "system"})
}

pub(crate) fn customer(id: &str) -> Value {
    json!({"role": "customer", "id": id})
}

/// Drains the outbox and returns the notifications.
pub(crate) fn drain(book: &mut Book, at: &str) -> Vec<Value> {
    ok(book, json!({"op": "notifications", "as": system()}), at)["notifications"]
        .as_array()
        .unwrap()
        .clone()
}
