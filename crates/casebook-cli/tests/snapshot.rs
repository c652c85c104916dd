//! `casebook snapshot` and the automatic snapshot after a command that leaves many events to
//! replay: the next open starts from the snapshot.

use std::io::Write;
use std::process::{Command, Stdio};

use casebook::{Casebook, Opened, SeededIds};
use casebook_sqlite::{SqliteOptions, SqliteStore};

fn casebook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
}

fn exec(store: &str, extra: &[&str], reports: usize) {
    let mut input = String::new();
    for i in 0..reports {
        input.push_str(&format!(
            "{{\"op\":\"report\",\"as\":{{\"role\":\"customer\",\"id\":\"u{i}\"}},\"description\":\"export {i} crashes\"}}\n"
        ));
    }
    let mut child = casebook()
        .args(["--store", store])
        .args(extra)
        .arg("exec")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

fn opened(path: &std::path::Path) -> Opened {
    let store = SqliteStore::open(path, SqliteOptions::default()).unwrap();
    Casebook::open(store, Box::new(SeededIds::new(1)))
        .unwrap()
        .opened()
        .clone()
}

#[test]
fn the_snapshot_command_saves_one_the_next_open_uses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let store = path.to_str().unwrap();
    exec(store, &[], 5);
    assert_eq!(
        opened(&path),
        Opened::Replayed,
        "5 reports stay below the default threshold"
    );
    let out = casebook()
        .args(["--store", store, "snapshot"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("saved a snapshot at position 10"), "{text}");
    assert_eq!(
        opened(&path),
        Opened::FromSnapshot {
            position: 10,
            tail: 0
        }
    );
    exec(store, &[], 1);
    assert_eq!(
        opened(&path),
        Opened::FromSnapshot {
            position: 10,
            tail: 2
        }
    );
}

#[test]
fn a_command_leaving_many_events_to_replay_saves_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.db");
    let store = path.to_str().unwrap();
    exec(store, &["--snapshot-every", "0"], 6);
    assert_eq!(
        opened(&path),
        Opened::Replayed,
        "0 turns the automatic snapshot off"
    );
    exec(store, &["--snapshot-every", "8"], 1);
    assert_eq!(
        opened(&path),
        Opened::FromSnapshot {
            position: 14,
            tail: 0
        }
    );
    exec(store, &["--snapshot-every", "8"], 1);
    assert_eq!(
        opened(&path),
        Opened::FromSnapshot {
            position: 14,
            tail: 2
        }
    );
}
