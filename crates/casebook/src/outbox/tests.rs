use serde_json::json;

use crate::release::testkit::*;

const T0: &str = "2026-11-02T09:00:00Z";

#[test]
fn replies_are_delivered_once_retried_until_acked_and_never_leak_notes() {
    let mut b = book();
    let a = report(&mut b, &customer("ada"), "Sync stops at 99%", json!({}), T0);
    ok(
        &mut b,
        json!({"op": "comment", "as": staff(), "case": a, "internal": true, "body": "secret note"}),
        "2026-11-02T09:05:00Z",
    );
    ok(
        &mut b,
        json!({"op": "comment", "as": staff(), "case": a, "body": "We are on it"}),
        "2026-11-02T09:06:00Z",
    );
    let n = drain(&mut b, "2026-11-02T09:07:00Z");
    assert_eq!(n.len(), 1, "{n:#?}");
    assert_eq!(n[0]["kind"], "reply");
    assert_eq!(n[0]["recipient"], "u:ada");
    assert_eq!(n[0]["case"], a);
    assert_eq!(n[0]["data"]["body"], "We are on it");
    assert_eq!(n[0]["attempt"], 1);
    assert!(!n[0].to_string().contains("secret"));
    // Dispatched and unacked: not again before the retry delay, then again.
    assert!(drain(&mut b, "2026-11-02T09:12:00Z").is_empty());
    let retry = drain(&mut b, "2026-11-02T09:17:00Z");
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0]["attempt"], 2);
    assert_eq!(retry[0]["id"], n[0]["id"]);
    let acked = ok(
        &mut b,
        json!({"op": "ack", "as": system(), "ids": [n[0]["id"]]}),
        "2026-11-02T09:18:00Z",
    );
    assert_eq!(acked["acked"], 1);
    assert!(drain(&mut b, "2026-11-03T00:00:00Z").is_empty());
    // A second ack changes nothing; unknown ids and non-system callers are refused.
    assert_eq!(
        ok(
            &mut b,
            json!({"op": "ack", "as": system(), "ids": [n[0]["id"]]}),
            T0
        )["acked"],
        0
    );
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "ack", "as": system(), "ids": ["nope"]}),
            T0
        ),
        "unknown_notification"
    );
    assert_eq!(
        fails(&mut b, json!({"op": "notifications", "as": staff()}), T0),
        "forbidden"
    );
}

#[test]
fn the_delivery_state_survives_a_reopen_of_the_log() {
    let mut b = book();
    let a = report(&mut b, &customer("ada"), "Sync stops at 99%", json!({}), T0);
    ok(
        &mut b,
        json!({"op": "comment", "as": staff(), "case": a, "body": "On it"}),
        T0,
    );
    let n = drain(&mut b, "2026-11-02T09:07:00Z");
    ok(
        &mut b,
        json!({"op": "ack", "as": system(), "ids": [n[0]["id"]]}),
        "2026-11-02T09:08:00Z",
    );
    let store = std::mem::replace(b.store_mut(), crate::store::MemoryStore::new());
    let mut again =
        crate::engine::Casebook::open(store, Box::new(crate::ids::SeededIds::new(2))).unwrap();
    assert!(drain(&mut again, "2026-11-09T00:00:00Z").is_empty());
}

#[test]
fn recipients_only_get_what_they_may_see_and_solves_carry_a_rating_link() {
    let mut b = book();
    let a = report(
        &mut b,
        &customer("ada"),
        "Calendar invites are sent twice",
        json!({}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "set_visibility", "as": staff(), "case": a, "visibility": "public"}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "watch", "as": customer("bo"), "case": a}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "transition", "as": staff(), "case": a, "to": "solved",
        "outcome": {"kind": "workaround", "text": "send once from the web"}}),
        "2026-11-02T10:00:00Z",
    );
    let n = drain(&mut b, "2026-11-02T10:01:00Z");
    let to_ada = n.iter().find(|x| x["recipient"] == "u:ada").unwrap();
    let to_bo = n.iter().find(|x| x["recipient"] == "u:bo").unwrap();
    assert_eq!(to_ada["kind"], "status_changed");
    assert!(
        to_ada["data"]["rating_token"]
            .as_str()
            .unwrap()
            .starts_with("cbr1_")
    );
    assert!(
        to_bo["data"].get("rating_token").is_none(),
        "only the reporter rates"
    );
    // The case turns private before the next reply goes out: bo may no longer see it.
    ok(
        &mut b,
        json!({"op": "transition", "as": customer("ada"), "case": a, "to": "open"}),
        "2026-11-02T11:00:00Z",
    );
    ok(
        &mut b,
        json!({"op": "set_visibility", "as": staff(), "case": a, "visibility": "private"}),
        "2026-11-02T11:01:00Z",
    );
    let n = drain(&mut b, "2026-11-02T11:02:00Z");
    assert!(n.iter().all(|x| x["recipient"] != "u:bo"), "{n:#?}");
}

#[test]
fn tag_subscribers_hear_of_new_cases_they_may_see() {
    let mut b = book();
    ok(
        &mut b,
        json!({"op": "subscribe", "as": customer("bo"), "tag": "billing"}),
        T0,
    );
    let private = report(
        &mut b,
        &customer("ada"),
        "Invoice total is wrong",
        json!({"tags": ["billing"]}),
        T0,
    );
    let public = report(
        &mut b,
        &customer("cy"),
        "VAT missing on invoices",
        json!({"tags": ["billing"]}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "set_visibility", "as": staff(), "case": public, "visibility": "public"}),
        T0,
    );
    let n = drain(&mut b, "2026-11-02T09:01:00Z");
    let bo: Vec<_> = n.iter().filter(|x| x["recipient"] == "u:bo").collect();
    assert_eq!(bo.len(), 1, "{n:#?}");
    assert_eq!(bo[0]["kind"], "new_case_tagged");
    assert_eq!(bo[0]["case"], public);
    assert_ne!(bo[0]["case"], private);
    assert_eq!(
        fails(&mut b, json!({"op": "subscribe", "as": customer("bo")}), T0),
        "invalid_input"
    );
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "subscribe", "as": {"role": "anonymous"}, "tag": "x"}),
            T0
        ),
        "forbidden"
    );
}

#[test]
fn broadcasts_reach_subscribers_and_open_reporters_once_and_feed_atom() {
    let mut b = book();
    ok(
        &mut b,
        json!({"op": "subscribe", "as": customer("cy"), "component": "sync"}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "subscribe", "as": customer("ada"), "component": "sync"}),
        T0,
    );
    report(
        &mut b,
        &customer("ada"),
        "Sync is slow",
        json!({"tags": ["sync"]}),
        T0,
    );
    report(
        &mut b,
        &customer("ada"),
        "Sync fails on Wi-Fi",
        json!({"diagnostics": {"component": "sync"}}),
        T0,
    );
    let solved = report(
        &mut b,
        &customer("bo"),
        "Sync icon wrong",
        json!({"tags": ["sync"]}),
        T0,
    );
    ok(
        &mut b,
        json!({"op": "transition", "as": staff(), "case": solved, "to": "solved",
        "outcome": {"kind": "answered", "reply": "fixed by a restart"}}),
        T0,
    );
    let _ = drain(&mut b, "2026-11-02T09:01:00Z");
    let msg = "Sync is down <for some> & \"all\" users; it's being fixed";
    let r = ok(
        &mut b,
        json!({"op": "broadcast", "as": staff(), "component": "sync", "message": msg}),
        "2026-11-02T10:00:00Z",
    );
    let mut rec: Vec<&str> = r["broadcast"]["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    rec.sort();
    assert_eq!(rec, ["u:ada", "u:cy"]);
    ok(
        &mut b,
        json!({"op": "broadcast", "as": staff(), "component": "sync", "message": "internal only", "public": false}),
        "2026-11-02T10:05:00Z",
    );
    let n = drain(&mut b, "2026-11-02T10:06:00Z");
    assert_eq!(n.iter().filter(|x| x["data"]["message"] == msg).count(), 2);
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "broadcast", "as": customer("ada"), "component": "sync", "message": "x"}),
            T0
        ),
        "forbidden"
    );
    assert_eq!(
        fails(
            &mut b,
            json!({"op": "broadcast", "as": staff(), "component": " ", "message": "x"}),
            T0
        ),
        "invalid_input"
    );
    let atom = ok(
        &mut b,
        json!({"op": "atom_feed", "as": {"role": "anonymous"}}),
        T0,
    )["atom"]
        .as_str()
        .unwrap()
        .to_string();
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 1, "the non-public broadcast stays out");
    let content = entries[0]
        .children()
        .find(|c| c.has_tag_name("content"))
        .unwrap();
    assert_eq!(content.text(), Some(msg));
    let title = entries[0]
        .children()
        .find(|c| c.has_tag_name("title"))
        .unwrap();
    assert!(
        title
            .text()
            .unwrap()
            .starts_with("sync: Sync is down <for some>")
    );
    let empty = ok(
        &mut b,
        json!({"op": "atom_feed", "as": {"role": "anonymous"}, "component": "billing"}),
        T0,
    );
    assert!(roxmltree::Document::parse(empty["atom"].as_str().unwrap()).is_ok());
}
