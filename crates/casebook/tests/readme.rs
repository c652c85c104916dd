//! The README's Rust example, run as a test so it cannot rot.

#[test]
fn readme_rust_example_runs() {
    use casebook::{Actor, Casebook, MemoryStore, Report, Role, SeededIds};
    let readme = include_str!("../../../README.md");
    assert!(readme.contains("let view = book.view_case(&id.to_string(), &ada).unwrap();"));
    let now = "2026-11-23T09:00:00Z".parse().unwrap();
    let mut book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
    let ada = Actor::with_id(Role::Customer, "ada");
    let id = book
        .report(
            &Report {
                description: "Export to PDF crashes".into(),
                ..Report::default()
            },
            &ada,
            now,
        )
        .unwrap();
    let view = book.view_case(&id.to_string(), &ada).unwrap();
    assert_eq!(view.key, "CB-1");
}
