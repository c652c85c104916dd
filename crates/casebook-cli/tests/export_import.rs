//! `casebook export` and `casebook import` end to end: an export larger than the protocol's
//! request limit round-trips through files, and the `import` request refuses it with a typed
//! error that points at the command.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn casebook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
}

fn exec(store: &str, input: &str) -> Vec<Value> {
    let mut child = casebook()
        .args(["--store", store, "--fast", "exec"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("casebook runs");
    // Written from a thread: the answers fill the output pipe while requests still arrive.
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("casebook ends");
    writer.join().expect("writer").expect("write requests");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON response"))
        .collect()
}

fn staff_list(store: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut req = json!({"op":"list","as":{"role":"admin","id":"root"},"filter":{}});
        if let Some(c) = &cursor {
            req["cursor"] = json!(c);
        }
        let r = exec(store, &format!("{req}\n")).remove(0);
        assert_eq!(r["ok"], true, "{r}");
        for c in r["result"]["cases"].as_array().expect("cases") {
            all.push(json!([
                c["key"],
                c["subject"],
                c["status"],
                c["timeline"].as_array().map(Vec::len)
            ]));
        }
        match r["result"]["next"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => return all,
        }
    }
}

#[test]
fn an_export_over_the_request_limit_round_trips_through_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("src.db");
    let dst = dir.path().join("dst.db");
    let file = dir.path().join("export.json");
    let src = src.to_str().expect("path");
    let dst = dst.to_str().expect("path");

    // 700 cases of about 2 KB of text each: the export is well over the 1 MiB request limit.
    let mut input = String::new();
    for i in 0..700 {
        let body = format!(
            "Case {i}: the sync stops at 99% <script>alert({i})</script> {}",
            "details ".repeat(250)
        );
        input.push_str(&json!({"op":"report","as":{"role":"customer","id":format!("u{}", i % 37)},"description": body}).to_string());
        input.push('\n');
        if i % 5 == 0 {
            input.push_str(&json!({"op":"comment","as":{"role":"agent","id":"a1"},"case":format!("CB-{}", i + 1),"body":"Looking into it","internal": i % 2 == 0}).to_string());
            input.push('\n');
        }
    }
    let answers = exec(src, &input);
    assert!(answers.iter().all(|r| r["ok"] == true));

    let out = casebook()
        .args(["--store", src, "export", "--out"])
        .arg(&file)
        .output()
        .expect("export runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).expect("export file");
    assert!(text.len() > 1024 * 1024, "export is {} bytes", text.len());
    let doc: Value = serde_json::from_str(&text).expect("the export is one JSON document");
    assert_eq!(doc["format"], "casebook-export");
    assert_eq!(doc["scope"], "casebook");
    let events = doc["events"].as_array().expect("events");
    assert_eq!(doc["head"], json!(events.len()));

    // Through the protocol the same document is one request line: refused, typed.
    let req = format!(
        "{}\n",
        json!({"op":"import","as":{"role":"admin","id":"root"},"export": doc})
    );
    let refused = exec(dst, &req).remove(0);
    assert_eq!(refused["error"]["code"], "too_large", "{refused}");

    // The command takes it, and the new casebook holds the same cases and timelines.
    let out = casebook()
        .args(["--store", dst, "import"])
        .arg(&file)
        .output()
        .expect("import runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("summary");
    assert_eq!(summary["events"], json!(events.len()));
    assert_eq!(summary["cases"], 700);
    assert_eq!(staff_list(src), staff_list(dst));

    // A second import into the now non-empty casebook is refused and changes nothing.
    let again = casebook()
        .args(["--store", dst, "import"])
        .arg(&file)
        .output()
        .expect("import runs");
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("import failed"), "{err}");
    assert_eq!(staff_list(src), staff_list(dst));

    // A damaged file is refused with a message, nothing written.
    let empty = dir.path().join("empty.db");
    std::fs::write(&file, &text[..text.len() / 2]).expect("truncate");
    let bad = casebook()
        .args(["--store", empty.to_str().expect("path"), "import"])
        .arg(&file)
        .output()
        .expect("import runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not parse"));
    assert!(staff_list(empty.to_str().expect("path")).is_empty());
}
