//! The GitBugs Hadoop file (a Jira export, CC BY 4.0; see tests/data/gitbugs-hadoop/NOTICE)
//! and small hand-written CSVs with custom mappings.

use casebook::{Actor, Casebook, MemoryStore, Priority, SeededIds};
use casebook_import::{Mapping, import_csv};

const HADOOP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/gitbugs-hadoop/hadoop_bugs.csv"
);

fn book() -> Casebook<MemoryStore> {
    Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).expect("open")
}

fn importer() -> Actor {
    Actor::with_id(casebook::Role::System, "import")
}

#[test]
fn the_hadoop_export_becomes_cases_with_statuses_priorities_versions_and_dates() {
    let file = std::fs::File::open(HADOOP).expect("the GitBugs file is in tests/data");
    let mut b = book();
    let report = import_csv(&mut b, file, &Mapping::jira(), &importer()).expect("import");
    assert_eq!(report.rows, 2503);
    assert_eq!(report.failed, 0, "{:?}", report.failures.first());
    assert_eq!(report.created, 2503);
    // Open 684 → new; In Progress 30 + Patch Available 41 + Reopened 15 → open; Resolved → solved.
    let by: Vec<(&str, u64)> = report
        .by_state
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(by, vec![("new", 684), ("open", 86), ("solved", 1733)]);
    let case = b
        .cases()
        .iter()
        .find(|c| c.diagnostics.extra.get("external_id").map(String::as_str) == Some("13404344"))
        .expect("issue 13404344");
    assert_eq!(
        case.subject,
        "JAR in conflict with timestamp check causes AM errors"
    );
    assert_eq!(case.priority, Priority::Urgent, "Blocker");
    assert_eq!(case.diagnostics.app_version.as_deref(), Some("2.9.2"));
    assert_eq!(case.status, "solved");
    assert_eq!(case.created_at.to_rfc3339(), "2021-09-30T17:20:00+00:00");
    assert_eq!(case.updated_at.to_rfc3339(), "2022-07-20T20:51:00+00:00");
    assert_eq!(
        case.outcome().as_ref().map(|o| o.kind().as_str()),
        Some("wont_fix"),
        "a Jira duplicate names no case of this casebook: a wont_fix saying so"
    );
    let events = b.events_of(case.id).expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1].at, case.updated_at,
        "the transition is dated at the resolution"
    );
    assert!(
        case.description
            .starts_with("After an init action pulls down a new JAR")
    );
}

const SMALL: &str = "\
Key;Title;Body;State;Urgency;Opened;Closed;Why;Version
A-1;Crash on save;It crashes <script>alert(1)</script>;done;P1;2024-03-01T10:00:00Z;2024-03-02T11:00:00+01:00;fixed;7.1
A-2;Slow;;todo;P3;2024-03-03 09:30;;;
A-3;Weird state;x;limbo;P2;2024-03-04;;;
A-4;Bad date;x;todo;P2;someday;;;
A-5;Closed one;y;archived;P2;2024-03-05;2024-03-06;;
";

fn small_mapping() -> Mapping {
    Mapping::from_json(
        r#"{
        "columns": {"subject": "Title", "description": "Body", "external_id": "Key", "status": "State",
                    "priority": "Urgency", "resolution": "Why", "created": "Opened", "resolved": "Closed",
                    "version": "Version"},
        "statuses": {"todo": {"state": "new"}, "done": {"state": "solved"}, "archived": {"state": "closed"}},
        "resolutions": {"fixed": {"kind": "fixed", "version": "${Version|unknown}"}},
        "default_outcome": {"kind": "answered", "reply": "imported"},
        "priorities": {"P1": "urgent", "P3": "low"}
    }"#,
    )
    .expect("mapping")
}

#[test]
fn a_custom_mapping_with_iso_dates_and_row_failures() {
    let mut b = book();
    let report = import_csv(
        &mut b,
        csv_reader(SMALL.replace(';', ",")),
        &small_mapping(),
        &importer(),
    )
    .expect("import");
    assert_eq!((report.rows, report.created, report.failed), (5, 3, 2));
    let codes: Vec<(&str, u64)> = report
        .failures
        .iter()
        .map(|f| (f.code.as_str(), f.line))
        .collect();
    assert_eq!(codes, vec![("unmapped_status", 4), ("invalid_date", 5)]);
    assert_eq!(report.failures[0].external_id.as_deref(), Some("A-3"));
    let one = b.find("CB-1").expect("A-1");
    assert_eq!(one.status, "solved");
    assert_eq!(one.priority, Priority::Urgent);
    assert_eq!(
        one.description, "It crashes <script>alert(1)</script>",
        "stored as text"
    );
    assert_eq!(one.updated_at.to_rfc3339(), "2024-03-02T10:00:00+00:00");
    assert_eq!(
        serde_json::to_value(one.outcome().as_ref().expect("outcome")).expect("json"),
        serde_json::json!({"kind": "fixed", "version": "7.1"})
    );
    let two = b.find("CB-2").expect("A-2");
    assert_eq!((two.status.as_str(), two.priority), ("new", Priority::Low));
    assert_eq!(
        two.description, "Slow",
        "an empty description takes the subject"
    );
    let closed = b.find("CB-3").expect("A-5");
    assert_eq!(closed.status, "closed");
    assert_eq!(
        b.events_of(closed.id).expect("events").len(),
        3,
        "reported, solved, closed"
    );
}

fn csv_reader(text: String) -> std::io::Cursor<Vec<u8>> {
    std::io::Cursor::new(text.into_bytes())
}

#[test]
fn unusable_inputs_are_typed_errors() {
    let mut b = book();
    let err = import_csv(
        &mut b,
        csv_reader("a,b\n1,2\n".into()),
        &Mapping::jira(),
        &importer(),
    )
    .expect_err("no such columns");
    assert_eq!(err.code(), "invalid_csv");
    assert!(err.to_string().contains("Summary"), "{err}");
    let err = Mapping::from_json("{\"columns\": 1}").expect_err("bad mapping");
    assert_eq!(err.code(), "invalid_mapping");
    let mut bytes = b"Summary,Description,Status,Created\nok,".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b",Open,2024-01-01\nfine,text,Open,2024-01-02\n");
    let report = import_csv(
        &mut b,
        std::io::Cursor::new(bytes),
        &Mapping::jira(),
        &importer(),
    )
    .expect("import goes on");
    assert_eq!((report.created, report.failed), (1, 1));
    assert_eq!(report.failures[0].code, "invalid_row");
    let big = format!(
        "Summary,Description,Status,Created\n{},{},Open,2024-01-01\n",
        "s".repeat(1000),
        "d".repeat(100_000)
    );
    let report =
        import_csv(&mut b, csv_reader(big), &Mapping::jira(), &importer()).expect("import");
    assert_eq!((report.created, report.truncated), (1, 1));
}
