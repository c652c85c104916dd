//! The answer to a report shows the new case with its timeline built from the events the report
//! just wrote (not read back from the store): it must be exactly the view a read of the stored
//! events gives, for every kind of report, and must fall back to the store once a rule wrote more
//! to the case.

use casebook::{Actor, Casebook, MemoryStore, Report, Role, SeededIds, protocol};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

type Book = Casebook<MemoryStore>;

fn book() -> Book {
    Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(3))).unwrap()
}

fn at() -> DateTime<Utc> {
    "2026-03-02T09:00:00.123456789Z".parse().unwrap()
}

fn actor(v: Value) -> Actor {
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_written_events_make_the_same_view_as_the_stored_ones() {
    let cases: Vec<(Value, Value)> = vec![
        (
            json!({"role": "customer", "id": "u1", "org": "acme"}),
            json!({"description": "Export to PDF fails with \"ERR_42\"\nsecond line"}),
        ),
        (
            json!({"role": "customer", "id": "u2"}),
            json!({"description": "Crash on start", "subject": "Crash", "tags": ["crash", "start"],
                   "diagnostics": {"app_version": "5.2.1", "os": "Windows 11", "locale": "de-DE",
                                   "tier": "gold", "gpu": "none"},
                   "attachments": [{"name": "log.txt", "type": "text/plain", "size": 12,
                                    "reference": "blob-1"}]}),
        ),
        (
            json!({"role": "agent", "id": "a1", "name": "Sam"}),
            json!({"description": "Customer called: sync stuck at 90%", "channel": "agent_on_behalf",
                   "on_behalf_of": {"email": "pat@example.com", "name": "Pat"},
                   "priority": "high", "visibility": "organization"}),
        ),
        (
            json!({"role": "anonymous"}),
            json!({"description": "Ünïcödé and emoji 🚀 in a report", "email": "anon@example.com",
                   "name": "Anon"}),
        ),
    ];
    let mut b = book();
    for (who, report) in cases {
        let who = actor(who);
        let report: Report = serde_json::from_value(report).unwrap();
        let (id, written) = b.report_with_events(&report, &who, at()).unwrap();
        assert!(!written.is_empty());
        let fast = b.view_reported_with(id, &who, Some(&written)).unwrap();
        let stored = b.view_reported(id, &who).unwrap();
        assert_eq!(fast, stored, "{report:?}");
        assert!(fast.timeline.as_ref().is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn events_that_are_not_the_whole_history_are_not_used() {
    let mut b = book();
    let who = Actor::with_id(Role::Customer, "u1");
    let report = Report {
        description: "Export fails".into(),
        ..Report::default()
    };
    let (first, written) = b.report_with_events(&report, &who, at()).unwrap();
    let (second, _) = b.report_with_events(&report, &who, at()).unwrap();
    // Another case's events: the view is read from the store.
    let view = b.view_reported_with(second, &who, Some(&written)).unwrap();
    assert_eq!(view, b.view_reported(second, &who).unwrap());
    assert_ne!(view.id, first.to_string());
    // A part of the history only (as if a rule had written more): read from the store.
    let view = b
        .view_reported_with(first, &who, Some(&written[..0]))
        .unwrap();
    assert_eq!(view, b.view_reported(first, &who).unwrap());
}

#[test]
fn a_rule_that_fires_on_the_report_shows_in_the_answer() {
    let mut b = book();
    let now = at();
    let mut call = |req: Value| -> Value {
        let out = protocol::execute_line(&mut b, &req.to_string(), now);
        let out: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(out["ok"], true, "{req}\n{out:#}");
        out["result"].clone()
    };
    call(
        json!({"op": "configure", "as": {"role": "admin", "id": "root"},
        "rules": [{"name": "triage", "trigger": {"kind": "event", "event": "reported"},
                   "actions": [{"kind": "add_tag", "tag": "triage"}]}]}),
    );
    // An agent's own report: they see the rule's events in the timeline.
    let me = json!({"role": "agent", "id": "a1"});
    let answer = call(json!({"op": "report", "as": me, "description": "Export fails"}));
    let case = &answer["case"];
    let got = call(json!({"op": "get", "as": me, "case": case["key"]}));
    assert_eq!(case["timeline"], got["case"]["timeline"]);
    assert_eq!(case["tags"], json!(["triage"]), "{case:#}");
    assert!(case["timeline"].as_array().unwrap().len() > 1, "{case:#}");
}
