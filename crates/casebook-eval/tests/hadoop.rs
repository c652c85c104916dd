//! Duplicate detection on real Hadoop bug reports (GitBugs, CC BY 4.0; see tests/data/gitbugs-hadoop/NOTICE).

use std::path::PathBuf;

use casebook_eval::{Config, compare, read_bugs_file, read_pairs_file};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/gitbugs-hadoop")
        .join(name)
}

#[test]
fn casebook_beats_plain_bm25_on_hadoop_duplicates() {
    let bugs = read_bugs_file(&data("hadoop_bugs.csv")).unwrap();
    let pairs = read_pairs_file(&data("hadoop_bugs-combined.csv")).unwrap();
    assert_eq!(bugs.len(), 2503);
    let c = compare(&bugs, &pairs, &Config::default());
    println!("{}", serde_json::to_string_pretty(&c).unwrap());
    assert_eq!(c.casebook.queries, c.plain_bm25.queries);
}
