//! Export, import, erase and identity merge, through the JSON protocol on memory casebooks.

use casebook::protocol;
use casebook::{Casebook, MemoryStore, SeededIds, Store};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

fn now() -> DateTime<Utc> {
    "2026-05-04T10:00:00Z".parse().expect("a valid time")
}

fn call<S: Store>(book: &mut Casebook<S>, req: Value) -> Value {
    let line = protocol::execute_line(book, &req.to_string(), now());
    serde_json::from_str(&line).expect("responses are JSON")
}

fn ok<S: Store>(book: &mut Casebook<S>, req: Value) -> Value {
    let r = call(book, req.clone());
    assert_eq!(r["ok"], true, "{req} -> {r}");
    r["result"].clone()
}

fn admin() -> Value {
    json!({"role": "admin", "id": "root"})
}

/// A casebook with two customers, an anonymous reporter, staff notes, votes and an outcome.
fn busy_book() -> Casebook<MemoryStore> {
    let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(7))).expect("open");
    ok(
        &mut b,
        json!({"op": "configure", "as": admin(), "key_prefix": "HELP", "tracking_secret": "0123456789abcdef0123"}),
    );
    let ada = json!({"role": "customer", "id": "ada", "email": "ada@example.org", "name": "Ada Lovelace"});
    let bob = json!({"role": "customer", "id": "bob", "name": "Bob"});
    let sam = json!({"role": "agent", "id": "sam", "name": "Sam"});
    ok(
        &mut b,
        json!({"op": "report", "as": ada, "at": "2026-05-01T09:00:00Z",
        "description": "Export to PDF crashes\nmy phone is +44 1234", "diagnostics": {"app_version": "5.2", "os": "iOS 18", "device_serial": "ADA-SERIAL-9"}}),
    );
    ok(
        &mut b,
        json!({"op": "report", "as": bob, "at": "2026-05-01T09:05:00Z", "description": "Sync is slow"}),
    );
    ok(
        &mut b,
        json!({"op": "report", "as": {"role": "anonymous"}, "at": "2026-05-01T09:10:00Z",
        "description": "Login loops", "email": "Anon.Person@example.net", "name": "Anon Person"}),
    );
    ok(
        &mut b,
        json!({"op": "comment", "as": sam, "at": "2026-05-01T10:00:00Z", "case": "HELP-1", "body": "Ada's account is on the legacy plan", "internal": true}),
    );
    ok(
        &mut b,
        json!({"op": "comment", "as": sam, "at": "2026-05-01T10:01:00Z", "case": "HELP-1", "body": "We can reproduce it, thanks."}),
    );
    ok(
        &mut b,
        json!({"op": "comment", "as": ada, "at": "2026-05-01T11:00:00Z", "case": "HELP-1", "body": "Call me at +44 1234, Ada"}),
    );
    ok(
        &mut b,
        json!({"op": "set_visibility", "as": sam, "at": "2026-05-01T11:30:00Z", "case": "HELP-1", "visibility": "public"}),
    );
    ok(
        &mut b,
        json!({"op": "add_participant", "as": sam, "at": "2026-05-01T11:40:00Z", "case": "HELP-1", "participant": {"id": "bob"}}),
    );
    ok(
        &mut b,
        json!({"op": "vote", "as": bob, "at": "2026-05-01T12:00:00Z", "case": "HELP-1"}),
    );
    ok(
        &mut b,
        json!({"op": "watch", "as": bob, "at": "2026-05-01T12:00:01Z", "case": "HELP-1"}),
    );
    ok(
        &mut b,
        json!({"op": "comment", "as": bob, "at": "2026-05-01T12:01:00Z", "case": "HELP-1", "body": "Bob here: same for me"}),
    );
    ok(
        &mut b,
        json!({"op": "add_participant", "as": sam, "at": "2026-05-01T12:01:30Z", "case": "HELP-2", "participant": {"id": "ada"}}),
    );
    ok(
        &mut b,
        json!({"op": "vote", "as": ada, "at": "2026-05-01T12:02:00Z", "case": "HELP-2"}),
    );
    ok(
        &mut b,
        json!({"op": "transition", "as": sam, "at": "2026-05-02T09:00:00Z", "case": "HELP-1", "to": "solved",
        "outcome": {"kind": "fixed", "version": "5.3"}}),
    );
    ok(
        &mut b,
        json!({"op": "set_priority", "as": sam, "at": "2026-05-02T09:10:00Z", "case": "HELP-2", "priority": "high"}),
    );
    b
}

fn log(store: &impl Store) -> Vec<(u64, String, u64, Value)> {
    let mut out = Vec::new();
    store
        .read_all(0, &mut |e| {
            out.push((
                e.position,
                e.stream,
                e.seq,
                serde_json::from_str(&e.payload).expect("json"),
            ));
            Ok(())
        })
        .expect("read");
    out
}

fn all_views<S: Store>(book: &mut Casebook<S>) -> Value {
    let mut views = Vec::new();
    for n in 1..=3 {
        views.push(ok(
            book,
            json!({"op": "get", "as": admin(), "case": format!("HELP-{n}")}),
        ));
    }
    Value::Array(views)
}

#[test]
fn admin_export_imports_losslessly_into_an_empty_casebook() {
    let mut a = busy_book();
    let export = ok(&mut a, json!({"op": "export", "as": admin()}))["export"].clone();
    assert_eq!(export["format"], "casebook-export");
    assert_eq!(export["version"], 1);
    assert_eq!(export["scope"], "casebook");
    assert_eq!(export["key_prefix"], "HELP");
    assert_eq!(
        export["events"].as_array().map(Vec::len),
        Some(log(a.store()).len())
    );

    let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(99))).expect("open");
    let imported = ok(
        &mut b,
        json!({"op": "import", "as": admin(), "export": export}),
    )["imported"]
        .clone();
    assert_eq!(imported["cases"], 3);
    assert_eq!(
        log(a.store()),
        log(b.store()),
        "same streams, sequences, positions and events"
    );
    assert_eq!(
        all_views(&mut a),
        all_views(&mut b),
        "same cases and timelines"
    );
    // The copy is a working casebook: new reports continue the key sequence.
    let next = ok(
        &mut b,
        json!({"op": "report", "as": {"role": "customer", "id": "c"}, "description": "new"}),
    );
    assert_eq!(next["case"]["key"], "HELP-4");
    // A second import is refused: imports go into empty casebooks only, and nothing is written.
    let head = b.store().head().expect("head");
    let again = call(
        &mut b,
        json!({"op": "import", "as": admin(), "export": export}),
    );
    assert_eq!(again["error"]["code"], "import_target_not_empty");
    assert_eq!(b.store().head().expect("head"), head);
}

#[test]
fn damaged_or_foreign_exports_are_refused_before_anything_is_written() {
    let mut a = busy_book();
    let export = ok(&mut a, json!({"op": "export", "as": admin()}))["export"].clone();
    let mut cases = Vec::new();
    let mut v2 = export.clone();
    v2["version"] = json!(2);
    cases.push((v2, "export_format"));
    let mut fmt = export.clone();
    fmt["format"] = json!("other");
    cases.push((fmt, "export_format"));
    let mut gap = export.clone();
    gap["events"].as_array_mut().expect("events").remove(3);
    cases.push((gap, "export_format"));
    let events = export["events"].as_array().expect("events");
    for stream in ["case/", "keys", "casebook"] {
        let i = events
            .iter()
            .rposition(|e| e["stream"].as_str().is_some_and(|s| s.starts_with(stream)))
            .expect("an event of each kind");
        let mut bad = export.clone();
        bad["events"][i]["event"] = json!({"case": "nonsense", "seq": "x"});
        cases.push((bad, "export_format"));
    }
    let customer = ok(
        &mut a,
        json!({"op": "export", "as": {"role": "customer", "id": "bob"}}),
    )["export"]
        .clone();
    cases.push((customer, "export_format"));
    for (doc, code) in cases {
        let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open");
        let r = call(
            &mut b,
            json!({"op": "import", "as": admin(), "export": doc}),
        );
        assert_eq!(r["error"]["code"], code, "{r}");
        assert_eq!(b.store().head().expect("head"), 0);
    }
    let mut b = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open");
    let r = call(
        &mut b,
        json!({"op": "import", "as": {"role": "agent", "id": "sam"}, "export": export}),
    );
    assert_eq!(r["error"]["code"], "forbidden");
}

#[test]
fn customers_export_what_they_may_see_of_their_own_cases() {
    let mut a = busy_book();
    let export = ok(
        &mut a,
        json!({"op": "export", "as": {"role": "customer", "id": "ada"}}),
    )["export"]
        .clone();
    assert_eq!(export["scope"], "customer");
    let cases = export["cases"].as_array().expect("cases");
    let keys: Vec<&Value> = cases.iter().map(|c| &c["key"]).collect();
    assert_eq!(
        keys,
        [&json!("HELP-1"), &json!("HELP-2")],
        "her case, and Bob's where she participates"
    );
    let text = export.to_string();
    assert!(text.contains("Call me at +44 1234, Ada"));
    assert!(text.contains("We can reproduce it, thanks."));
    assert!(
        !text.contains("legacy plan"),
        "internal notes stay internal"
    );
    assert!(
        !text.contains("Login loops"),
        "other people's cases are not hers"
    );
    // The same as `get` shows her.
    let got = ok(
        &mut a,
        json!({"op": "get", "as": {"role": "customer", "id": "ada"}, "case": "HELP-1"}),
    );
    assert_eq!(cases[0], got["case"]);
    let r = call(
        &mut a,
        json!({"op": "export", "as": {"role": "agent", "id": "sam"}}),
    );
    assert_eq!(r["error"]["code"], "forbidden");
    let r = call(&mut a, json!({"op": "export", "as": {"role": "anonymous"}}));
    assert_eq!(r["error"]["code"], "forbidden");
}

#[test]
fn erase_removes_a_person_and_keeps_statistics_and_others() {
    let mut a = busy_book();
    let before = ok(
        &mut a,
        json!({"op": "get", "as": admin(), "case": "HELP-1"}),
    )["case"]
        .clone();
    let erased = ok(
        &mut a,
        json!({"op": "erase", "as": admin(), "person": {"user": "ada"}}),
    )["erased"]
        .clone();
    assert!(
        erased["events"].as_u64().is_some_and(|n| n >= 3),
        "{erased}"
    );
    assert_eq!(erased["cases"], 2, "her case, and Bob's case she voted on");
    let raw: String = log(a.store()).iter().map(|e| e.3.to_string()).collect();
    for secret in [
        "ada@example.org",
        "Ada Lovelace",
        "+44 1234",
        "ADA-SERIAL-9",
        "\"ada\"",
        "u:ada",
        "iOS 18",
    ] {
        assert!(!raw.contains(secret), "{secret} is still in the log");
    }
    for kept in [
        "Bob here: same for me",
        "We can reproduce it, thanks.",
        "Sync is slow",
        "Anon.Person@example.net",
        "\"bob\"",
    ] {
        assert!(raw.contains(kept), "{kept} was lost");
    }
    let after = ok(
        &mut a,
        json!({"op": "get", "as": admin(), "case": "HELP-1"}),
    )["case"]
        .clone();
    for field in [
        "status",
        "priority",
        "channel",
        "created_at",
        "updated_at",
        "version",
        "outcome",
        "key",
        "visibility",
    ] {
        assert_eq!(before[field], after[field], "{field} changed");
    }
    assert_eq!(after["description"], "[erased]");
    let bob_case = ok(
        &mut a,
        json!({"op": "get", "as": admin(), "case": "HELP-2"}),
    )["case"]
        .clone();
    assert_eq!(
        bob_case["votes"], 1,
        "the vote still counts, without her name: {bob_case}"
    );
    // The log still replays to exactly the live state.
    let live = all_views(&mut a);
    let copy = a.store().clone();
    let mut reopened =
        Casebook::open(copy, Box::new(SeededIds::new(3))).expect("reopen after erase");
    assert_eq!(all_views(&mut reopened), live);
    // Her account no longer finds anything.
    let mine = ok(
        &mut a,
        json!({"op": "list", "as": {"role": "customer", "id": "ada"}, "filter": {"mine": true}}),
    );
    assert_eq!(mine["cases"].as_array().map(Vec::len), Some(0));
    let r = call(
        &mut a,
        json!({"op": "erase", "as": {"role": "agent", "id": "sam"}, "person": {"user": "bob"}}),
    );
    assert_eq!(r["error"]["code"], "forbidden");
    let r = call(&mut a, json!({"op": "erase", "as": admin(), "person": {}}));
    assert_eq!(r["error"]["code"], "invalid_input");
}

#[test]
fn an_anonymous_reporter_merges_into_their_account() {
    let mut a = busy_book();
    let anon_email = "anon.person@EXAMPLE.net";
    // Someone else cannot claim that email.
    let r = call(
        &mut a,
        json!({"op": "merge_identity", "as": {"role": "customer", "id": "mallory", "email": "m@example.org"},
        "from": {"email": anon_email}, "into": "mallory"}),
    );
    assert_eq!(r["error"]["code"], "forbidden");
    let r = call(
        &mut a,
        json!({"op": "merge_identity", "as": {"role": "customer", "id": "mallory", "email": anon_email},
        "from": {"email": anon_email}, "into": "someone-else"}),
    );
    assert_eq!(r["error"]["code"], "forbidden");
    let me =
        json!({"role": "customer", "id": "anon-account", "email": anon_email, "name": "A. Person"});
    let merged = ok(&mut a, json!({"op": "merge_identity", "as": me, "from": {"email": anon_email}, "into": "anon-account"}))["merged"].clone();
    assert_eq!(merged["cases"], json!(["HELP-3"]));
    let mine = ok(
        &mut a,
        json!({"op": "list", "as": {"role": "customer", "id": "anon-account"}, "filter": {"mine": true}}),
    );
    assert_eq!(mine["cases"][0]["key"], "HELP-3");
    let case = ok(
        &mut a,
        json!({"op": "get", "as": {"role": "customer", "id": "anon-account"}, "case": "HELP-3"}),
    )["case"]
        .clone();
    let kinds: Vec<&str> = case["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds.last(), Some(&"reporter_merged"));
    // It is an event: a reopened casebook agrees.
    let reopened = Casebook::open(a.store().clone(), Box::new(SeededIds::new(3))).expect("reopen");
    let c = reopened.find("HELP-3").expect("case");
    assert_eq!(c.reporter.user.as_deref(), Some("anon-account"));
    // Merging again moves nothing.
    let again = ok(&mut a, json!({"op": "merge_identity", "as": me, "from": {"email": anon_email}, "into": "anon-account"}))["merged"].clone();
    assert_eq!(again["cases"], json!([]));
}

#[test]
fn a_tracking_token_merges_its_case() {
    let mut a = busy_book();
    let r = ok(
        &mut a,
        json!({"op": "report", "as": {"role": "anonymous"}, "description": "no email given"}),
    );
    let token = r["case"]["tracking_token"]
        .as_str()
        .expect("a token for anonymous reports")
        .to_string();
    let key = r["case"]["key"].clone();
    let merged = ok(
        &mut a,
        json!({"op": "merge_identity", "as": {"role": "customer", "id": "zoe"},
        "from": {"token": token}, "into": "zoe"}),
    )["merged"]
        .clone();
    assert_eq!(merged["cases"], json!([key]));
    let r = call(
        &mut a,
        json!({"op": "merge_identity", "as": {"role": "customer", "id": "zoe"},
        "from": {"token": "cbt_forged_token"}, "into": "zoe"}),
    );
    assert_eq!(r["error"]["code"], "invalid_token");
}
