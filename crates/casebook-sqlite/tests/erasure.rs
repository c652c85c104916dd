//! `rewrite` really removes the old payload from the store's files.

use casebook::store::{Commit, Store};
use casebook_sqlite::{SqliteOptions, SqliteStore};

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if bytes.windows(needle.len()).any(|w| w == needle) {
            hits.push(path.display().to_string());
        }
    }
    hits
}

#[test]
fn rewritten_payload_leaves_no_trace_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.db");
    let mut s = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let secret = "jane.doe@example.com-SECRET-4111111111111111";
    let big_secret = format!("{{\"body\":\"{}\"}}", "LONGSECRET-".repeat(2000));
    let filler: Vec<String> = (0..200).map(|i| format!("{{\"filler\":{i}}}")).collect();
    s.append(&[Commit {
        stream: "case/a".into(),
        expected_version: 0,
        payloads: vec![format!("{{\"email\":\"{secret}\"}}"), big_secret.clone()],
    }])
    .unwrap();
    s.append(&[Commit {
        stream: "case/b".into(),
        expected_version: 0,
        payloads: filler,
    }])
    .unwrap();
    s.checkpoint().unwrap();
    assert!(!files_contain(dir.path(), secret.as_bytes()).is_empty());
    // Rewrite the same event twice so old copies sit in the log as well as the main file.
    s.rewrite("case/a", 1, "{\"email\":\"[erased-1]\"}")
        .unwrap();
    s.rewrite("case/a", 1, "{\"email\":\"[erased]\"}").unwrap();
    s.rewrite("case/a", 2, "{\"body\":\"[erased]\"}").unwrap();
    assert_eq!(
        files_contain(dir.path(), secret.as_bytes()),
        Vec::<String>::new()
    );
    assert_eq!(
        files_contain(dir.path(), b"LONGSECRET-"),
        Vec::<String>::new()
    );
    assert_eq!(
        files_contain(dir.path(), b"[erased-1]"),
        Vec::<String>::new()
    );
    let evs = s.read_stream("case/a").unwrap();
    assert_eq!(evs[0].payload, "{\"email\":\"[erased]\"}");
    assert_eq!(evs[1].payload, "{\"body\":\"[erased]\"}");
    assert_eq!(s.read_stream("case/b").unwrap().len(), 200);
}
