use super::*;
use casebook::ErrorCode;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("test time")
}

const REPORT: &str =
    r#"{"op":"report","as":{"role":"customer","id":"u1"},"description":"Export to PDF crashes"}"#;

fn mine(book: &mut Book) -> serde_json::Value {
    let r = book.execute_text(
        r#"{"op":"list","as":{"role":"customer","id":"u1"},"filter":{"mine":true}}"#,
        t("2026-01-02T00:00:00Z"),
    );
    serde_json::to_value(r).expect("response")
}

#[test]
fn responses_are_the_core_protocols() {
    let now = t("2026-01-01T00:00:00Z");
    let mut book = Book::new(1).unwrap();
    let mut core = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
    for line in [
        REPORT,
        r#"{"op":"comment","as":{"role":"agent","id":"a1"},"case":"CB-1","body":"On it"}"#,
        r#"{"op":"get","as":{"role":"customer","id":"u1"},"case":"CB-1","id":"r9"}"#,
        r#"{"op":"nope","as":{"role":"customer"}}"#,
        "{not json",
    ] {
        let ours = serde_json::to_string(&book.execute_text(line, now)).unwrap();
        assert_eq!(ours, protocol::execute_line(&mut core, line, now), "{line}");
    }
}

#[test]
fn save_and_restore_keep_cases_outbox_and_the_id_sequence() {
    let now = t("2026-01-01T00:00:00Z");
    let mut book = Book::new(7).unwrap();
    assert!(book.execute_text(REPORT, now).ok);
    let saved = book.save().unwrap();
    let mut again = Book::restore(&saved, 7).unwrap();
    assert_eq!(mine(&mut again), mine(&mut book));
    assert_eq!(again.outbox(), book.outbox());
    // Same seed, same time: the restored book does not repeat the id it already gave out.
    let a = book.execute_text(REPORT, now);
    let b = again.execute_text(REPORT, now);
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&b).unwrap()
    );
    let ids: Vec<String> = again.outbox().iter().map(|e| e.case.clone()).collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    assert_eq!(again.save().unwrap(), book.save().unwrap());
}

#[test]
fn outbox_holds_reports_as_requests_with_stable_ids() {
    let now = t("2026-01-01T00:00:00Z");
    let mut book = Book::new(1).unwrap();
    let r = book.execute_text(REPORT, now);
    assert!(r.ok);
    book.execute_text(
        r#"{"op":"comment","as":{"role":"customer","id":"u1"},"case":"CB-1","body":"more"}"#,
        now,
    );
    book.execute_text(
        r#"{"op":"report","as":{"role":"customer"},"description":""}"#,
        now,
    );
    let out = book.outbox().to_vec();
    assert_eq!(out.len(), 1, "only the successful report is pending");
    let e = &out[0];
    assert_eq!(e.key, "CB-1");
    assert_eq!(e.id, format!("report:{}", e.case));
    assert_eq!(e.request.id.as_deref(), Some(e.id.as_str()));
    assert_eq!(e.request.at, Some(now));
    // The pending request is a complete protocol request: a server casebook accepts it.
    let mut server = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(99))).unwrap();
    let line = serde_json::to_string(&e.request).unwrap();
    let resp: serde_json::Value = serde_json::from_str(&protocol::execute_line(
        &mut server,
        &line,
        t("2026-02-01T00:00:00Z"),
    ))
    .unwrap();
    assert_eq!(resp["ok"], true);
    assert_eq!(resp["id"], e.id.as_str());
    assert_eq!(resp["result"]["case"]["created_at"], "2026-01-01T00:00:00Z");
    assert_eq!(book.ack_outbox(&[e.id.clone(), "report:unknown".into()]), 1);
    assert_eq!(
        book.ack_outbox(std::slice::from_ref(&e.id)),
        0,
        "acknowledging twice is harmless"
    );
    assert!(book.outbox().is_empty());
}

#[test]
fn damaged_logs_are_refused_with_codes() {
    let now = t("2026-01-01T00:00:00Z");
    let mut book = Book::new(1).unwrap();
    book.execute_text(REPORT, now);
    let saved = book.save().unwrap();
    let code = |s: &str| Book::restore(s, 1).unwrap_err().code;
    assert_eq!(code("nope"), ErrorCode::StorageCorrupt);
    assert_eq!(
        code(r#"{"format":"other","version":1,"events":[]}"#),
        ErrorCode::StorageCorrupt
    );
    assert_eq!(
        code(r#"{"format":"casebook-event-log","version":2,"events":[]}"#),
        ErrorCode::Unsupported
    );
    let mut log: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let events = log["events"].as_array_mut().unwrap();
    let dup = events[events.len() - 1].clone();
    events.push(dup);
    assert_eq!(
        code(&log.to_string()),
        ErrorCode::StorageCorrupt,
        "a repeated event"
    );
    let mut log: serde_json::Value = serde_json::from_str(&saved).unwrap();
    log["events"][0]["seq"] = 2.into();
    assert_eq!(
        code(&log.to_string()),
        ErrorCode::StorageCorrupt,
        "a gap in a stream"
    );
    let mut log: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let last = log["events"].as_array().unwrap().len() - 1;
    log["events"][last]["payload"] = "{broken".into();
    assert_eq!(
        code(&log.to_string()),
        ErrorCode::StorageCorrupt,
        "a broken payload"
    );
}
