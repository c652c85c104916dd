//! `casebook eval-duplicates` through the binary on the GitBugs Hadoop data.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/gitbugs-hadoop")
        .join(name)
}

fn eval(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("eval-duplicates")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_figures_meet_the_goal_on_hadoop() {
    let (bugs, pairs) = (data("hadoop_bugs.csv"), data("hadoop_bugs-combined.csv"));
    let out = eval(&[
        "--csv",
        bugs.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.trim().lines().count(), 1, "one object: {text}");
    let v: Value = serde_json::from_str(text.trim()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    for k in ["queries", "rr@1", "rr@5", "rr@10", "mrr"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["queries"], 66);
    let f = |k: &str| v[k].as_f64().unwrap();
    assert!(f("rr@1") <= f("rr@5") && f("rr@5") <= f("rr@10"));
    assert!(f("rr@5") >= 0.75, "{v}");
    assert!(f("mrr") >= 0.65, "{v}");
}

#[test]
fn table_output_and_clear_errors() {
    let (bugs, pairs) = (data("hadoop_bugs.csv"), data("hadoop_bugs-test.csv"));
    let out = eval(&[
        "--csv",
        bugs.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("24 queries"), "{text}");
    assert!(
        text.contains("casebook") && text.contains("plain BM25"),
        "{text}"
    );

    let out = eval(&[
        "--csv",
        "/nonexistent/bugs.csv",
        "--pairs",
        pairs.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/nonexistent/bugs.csv"), "{err}");

    // Pairs that name no report of the file: said plainly, not a row of zeros.
    let out = eval(&[
        "--csv",
        bugs.to_str().unwrap(),
        "--pairs",
        bugs.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
}
