//! `casebook import-csv` end to end on a SQLite file.

use std::process::Command;

use serde_json::Value;

fn casebook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
}

#[test]
fn imports_a_jira_csv_and_a_custom_mapping_into_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let csv = dir.path().join("issues.csv");
    std::fs::write(
        &csv,
        "Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Affects Version/s,Description\n\
         Crash,1,Resolved,Blocker,Fixed,30/Sep/21 17:20,01/Oct/21 09:00,2.9.2,\"It crashes, badly\"\n\
         Slow,2,Open,Minor,,2021-10-02T08:00:00Z,,3.0,Slow\n",
    )
    .expect("write csv");
    let out = casebook()
        .args([
            "--store",
            db.to_str().expect("path"),
            "--fast",
            "import-csv",
            "--csv",
        ])
        .arg(&csv)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["created"], 2);
    assert_eq!(
        report["by_state"],
        serde_json::json!({"new": 1, "solved": 1})
    );
    let show = casebook()
        .args([
            "--store",
            db.to_str().expect("path"),
            "show",
            "--as",
            "admin",
            "CB-1",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(
        text.contains("Crash") && text.contains("urgent") && text.contains("Solved"),
        "{text}"
    );

    let mapping = dir.path().join("m.json");
    std::fs::write(&mapping, "{\"columns\": {\"subject\": \"Nope\"}}").expect("write");
    let out = casebook()
        .args(["--store", db.to_str().expect("path"), "import-csv", "--csv"])
        .arg(&csv)
        .arg("--mapping")
        .arg(&mapping)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid mapping"));
}
