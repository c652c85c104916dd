//! Hostile input through the JSON protocol: oversized fields, deep nesting, SQL-looking text,
//! HTML and script. Every request gets a response with a stable code; text is stored and
//! returned verbatim, never interpreted.

use casebook::protocol;
use casebook::{Casebook, MemoryStore, SeededIds};
use serde_json::{Value, json};

fn book() -> Casebook<MemoryStore> {
    Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(2))).expect("open")
}

fn send(b: &mut Casebook<MemoryStore>, text: &str) -> Value {
    let now = "2026-05-04T10:00:00Z".parse().expect("time");
    serde_json::from_str(&protocol::execute_line(b, text, now)).expect("every answer is JSON")
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn oversized_fields_and_requests_are_refused_with_too_large() {
    let mut b = book();
    let limits = b.limits().clone();
    let me = json!({"role": "customer", "id": "u1"});
    let big = "x".repeat(limits.description_bytes + 1);
    let r = send(
        &mut b,
        &json!({"op": "report", "as": me, "description": big}).to_string(),
    );
    assert_eq!(code(&r), "too_large", "{r}");
    let r = send(&mut b, &json!({"op": "report", "as": me, "description": "ok", "subject": "s".repeat(limits.subject_bytes + 1)}).to_string());
    assert_eq!(code(&r), "too_large");
    let r = send(&mut b, &json!({"op": "report", "as": me, "description": "ok", "diagnostics": {"os": "o".repeat(limits.diagnostics_bytes + 1)}}).to_string());
    assert_eq!(code(&r), "too_large");
    let r = send(&mut b, &json!({"op": "report", "as": me, "description": "ok", "tags": (0..1000).map(|i| format!("t{i}")).collect::<Vec<_>>()}).to_string());
    assert_eq!(code(&r), "too_large");
    let huge = format!(
        "{{\"op\":\"report\",\"as\":{{\"role\":\"anonymous\"}},\"description\":\"{}\"}}",
        "y".repeat(limits.request_bytes)
    );
    let r = send(&mut b, &huge);
    assert_eq!(code(&r), "too_large");
    assert_eq!(b.cases().len(), 0, "nothing was stored");
    let r = send(
        &mut b,
        &json!({"op": "report", "as": me, "description": "fine"}).to_string(),
    );
    let key = r["result"]["case"]["key"].clone();
    let r = send(&mut b, &json!({"op": "comment", "as": me, "case": key, "body": "z".repeat(limits.comment_bytes + 1)}).to_string());
    assert_eq!(code(&r), "too_large");
    let r = send(
        &mut b,
        &json!({"op": "get", "as": me, "case": "C".repeat(100_000)}).to_string(),
    );
    assert_eq!(code(&r), "not_found");
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.len() < 400),
        "errors do not echo huge input"
    );
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let mut b = book();
    for depth in [200, 10_000, 200_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(code(&send(&mut b, &deep)), "malformed_json");
        let inside = format!(
            "{{\"op\":\"report\",\"as\":{{\"role\":\"anonymous\"}},\"description\":\"x\",\"diagnostics\":{}1{}}}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        );
        let r = send(&mut b, &inside);
        assert!(matches!(code(&r), "malformed_json" | "too_large"), "{r}");
    }
    let r = send(&mut b, &json!({"op": "report", "as": {"role": "anonymous"}, "description": "x", "diagnostics": {"a": {"b": 1}}}).to_string());
    assert_eq!(
        code(&r),
        "invalid_request",
        "diagnostics are flat strings: {r}"
    );
    assert_eq!(b.cases().len(), 0);
}

#[test]
fn sql_html_and_script_are_stored_and_returned_verbatim() {
    let mut b = book();
    let texts = [
        "'); DROP TABLE events; -- \" OR 1=1; SELECT * FROM streams WHERE ''='",
        "<script>alert('x')</script><img src=x onerror=\"alert(1)\"><a href=\"javascript:void(0)\">",
        "{{7*7}} ${7*7} <%= 7*7 %> \\u0000 \\n %s %n",
        "null\u{0}byte, bidi \u{202e}gnp.exe, emoji 🐛, zero\u{200b}width, CR\rLF\r\n",
    ];
    let me = json!({"role": "customer", "id": "u1", "name": "<b>Ada</b>"});
    for (i, t) in texts.iter().enumerate() {
        let r = send(&mut b, &json!({"op": "report", "as": me, "subject": format!("s{i} {}", &t[..8]), "description": t, "diagnostics": {"os": t.chars().take(100).collect::<String>()}}).to_string());
        assert_eq!(r["ok"], true, "{r}");
        let key = r["result"]["case"]["key"].clone();
        let c = send(
            &mut b,
            &json!({"op": "comment", "as": me, "case": key, "body": t}).to_string(),
        );
        assert_eq!(c["ok"], true, "{c}");
        let got = send(
            &mut b,
            &json!({"op": "get", "as": me, "case": key}).to_string(),
        );
        let case = &got["result"]["case"];
        assert_eq!(case["description"], *t);
        let bodies: Vec<&Value> = case["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .map(|e| &e["body"])
            .filter(|b| !b.is_null())
            .collect();
        assert_eq!(bodies, vec![&json!(t)]);
    }
    // The casebook still works and replays: nothing in those texts was executed anywhere.
    let copy = b.store().clone();
    let reopened = Casebook::open(copy, Box::new(SeededIds::new(3))).expect("replay");
    assert_eq!(reopened.cases().len(), texts.len());
    let r = send(
        &mut b,
        "{\"op\":\"report\",\"as\":{\"role\":\"anonymous\"},\"description\":\"\\ud800\"}",
    );
    assert!(
        matches!(code(&r), "malformed_json" | "invalid_request"),
        "{r}"
    );
}
