//! The `casebook` command end to end: the JSON Lines stream, SQLite persistence, two writers on
//! one file, and acknowledged reports surviving SIGKILL.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use casebook::{Actor, CaseCommand, Casebook, Role, SeededIds, Store};
use casebook_sqlite::{SqliteOptions, SqliteStore};
use serde_json::Value;

fn casebook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
}

fn exec(store: &str, input: &str) -> Vec<Value> {
    let mut child = casebook()
        .args(["--store", store, "exec"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn exec_answers_every_line_and_goes_on_after_bad_ones() {
    let mut input = String::new();
    input.push_str(
        r#"{"op":"report","as":{"role":"customer","id":"u1"},"description":"Sync stalls at 99%"}"#,
    );
    input.push('\n');
    input.push_str("{broken\n\n");
    input.push_str(&format!("{{\"op\":\"report\",\"as\":{{\"role\":\"customer\",\"id\":\"u1\"}},\"description\":\"{}\"}}\n", "x".repeat(2 * 1024 * 1024)));
    input.push_str("[1,2]\n");
    input.push_str(r#"{"op":"get","as":{"role":"customer","id":"u1"},"case":"CB-1"}"#);
    input.push('\n');
    let responses = exec(":memory:", &input);
    let codes: Vec<&str> = responses
        .iter()
        .map(|r| r["error"]["code"].as_str().unwrap_or("ok"))
        .collect();
    assert_eq!(
        codes,
        ["ok", "malformed_json", "too_large", "invalid_request", "ok"]
    );
    assert_eq!(
        responses[4]["result"]["case"]["subject"],
        "Sync stalls at 99%"
    );
}

#[test]
fn exec_survives_invalid_utf8() {
    let mut child = casebook()
        .args(["--store", ":memory:", "exec"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"{\"op\":\"get\",\"case\":\"\xff\xfe\"}\n{\"op\":\"list\",\"as\":{\"role\":\"agent\"}}\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["error"]["code"], "malformed_json");
    assert_eq!(lines[1]["ok"], true);
}

#[test]
fn a_file_casebook_reopens_with_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let db = db.to_str().unwrap();
    let first = exec(
        db,
        concat!(
            r#"{"op":"configure","as":{"role":"admin"},"key_prefix":"ACME"}"#,
            "\n",
            r#"{"op":"report","as":{"role":"customer","id":"u1"},"description":"Crash on save"}"#,
            "\n",
            r#"{"op":"comment","as":{"role":"agent","id":"a1"},"case":"ACME-1","body":"internal","internal":true}"#,
            "\n",
        ),
    );
    assert!(first.iter().all(|r| r["ok"] == true), "{first:?}");
    let again = exec(
        db,
        concat!(
            r#"{"op":"get","as":{"role":"agent","id":"a1"},"case":"ACME-1"}"#,
            "\n"
        ),
    );
    let case = &again[0]["result"]["case"];
    assert_eq!(case["key"], "ACME-1");
    assert_eq!(case["timeline"].as_array().unwrap().len(), 2);
    let out = casebook()
        .args(["--store", db, "show", "--as", "customer:u1", "ACME-1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Crash on save") && !text.contains("internal"),
        "{text}"
    );
}

#[test]
fn two_writers_on_one_file_lose_nothing_and_never_share_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let open = |seed| {
        Casebook::open(
            SqliteStore::open(&path, SqliteOptions::default()).unwrap(),
            Box::new(SeededIds::new(seed)),
        )
        .unwrap()
    };
    let mut a = open(1);
    let mut b = open(2);
    let now = "2026-06-01T10:00:00Z".parse().unwrap();
    let u1 = Actor::with_id(Role::Customer, "u1");
    let agent = Actor::with_id(Role::Agent, "a1");
    let report = |d: &str| casebook::Report {
        description: d.into(),
        ..Default::default()
    };
    // Both report without seeing each other: keys must still be distinct.
    let ida = a.report(&report("from server A"), &u1, now).unwrap();
    let idb = b.report(&report("from server B"), &u1, now).unwrap();
    let ka = a.key_of(a.cases().get(ida).unwrap());
    let kb = b.key_of(b.cases().get(idb).unwrap());
    assert_ne!(ka, kb);
    // Both comment on the same case from stale state: both comments land, in order.
    let comment = |t: &str| CaseCommand::Comment {
        body: t.into(),
        internal: false,
    };
    a.execute(&ka, &comment("A's reply"), &agent, now).unwrap();
    b.execute(&ka, &comment("B's reply"), &agent, now).unwrap();
    let mut c = open(3);
    c.sync().unwrap();
    let case = c.find(&ka).unwrap();
    assert_eq!(case.version, 3);
    assert_eq!(case.comments, 2);
    assert_eq!(c.cases().len(), 2);
    a.sync().unwrap();
    assert_eq!(a.find(&ka).unwrap(), case);
    assert_eq!(c.store().stream_version("keys").unwrap(), 2);
}

/// Starts `casebook exec` on a file, streams reports, and kills it with SIGKILL at a random
/// moment; every report it acknowledged must be in the file afterwards, and the file must open.
#[test]
fn acknowledged_reports_survive_sigkill() {
    let rounds: usize = std::env::var("CASEBOOK_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let db = db.to_str().unwrap().to_string();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut seed = 0x9E37_79B9_u64;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait_for = 1 + (seed % 40) as usize;
        let mut child = casebook()
            .args(["--store", &db, "exec"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            for i in 0..10_000 {
                let line = format!(
                    "{{\"op\":\"report\",\"as\":{{\"role\":\"customer\",\"id\":\"u{round}\"}},\"description\":\"round {round} report {i}\"}}\n"
                );
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut seen = 0;
        let mut line = String::new();
        while seen < wait_for {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let v: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["ok"], true, "{line}");
            acknowledged.push(v["result"]["case"]["key"].as_str().unwrap().to_string());
            seen += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let _ = writer.join();
        // The file opens cleanly and holds every acknowledged report.
        let book = Casebook::open(
            SqliteStore::open(&db, SqliteOptions::default()).unwrap(),
            Box::new(SeededIds::new(0)),
        )
        .unwrap();
        for key in &acknowledged {
            assert!(
                book.find(key).is_some(),
                "round {round}: acknowledged {key} is missing"
            );
        }
    }
    println!(
        "{rounds} SIGKILL rounds, {} acknowledged reports all present",
        acknowledged.len()
    );
}
