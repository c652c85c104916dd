//! Duplicate detection on real Hadoop bug reports (GitBugs, Patil, arXiv 2504.09651, CC BY 4.0;
//! see tests/data/gitbugs-hadoop/NOTICE).

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
    let c = compare(&bugs, &pairs, &Config::default()).unwrap();
    println!("{}", serde_json::to_string_pretty(&c).unwrap());
    let (base, ours) = (c.plain_bm25, c.casebook);
    assert_eq!(base.queries, 66);
    assert_eq!(ours.queries, 66);
    // Measured: plain BM25 0.485 / 0.697 / 0.758 / MRR 0.575;
    // Casebook 0.591 / 0.773 / 0.788 / MRR 0.672. Thresholds sit slightly below.
    assert!(
        base.rr_at_5 >= 0.68 && base.mrr >= 0.56,
        "baseline drifted: {base:?}"
    );
    assert!(ours.rr_at_1 >= 0.57, "{ours:?}");
    assert!(ours.rr_at_5 >= 0.75, "{ours:?}");
    assert!(ours.rr_at_10 >= 0.77, "{ours:?}");
    assert!(ours.mrr >= 0.65, "{ours:?}");
    assert!(ours.rr_at_1 > base.rr_at_1 && ours.rr_at_5 > base.rr_at_5 && ours.mrr > base.mrr);
}

#[test]
fn missing_file_is_a_typed_error() {
    let err = read_bugs_file(&data("no-such-file.csv")).unwrap_err();
    assert_eq!(err.code(), "io");
    assert!(err.to_string().contains("no-such-file.csv"));
}
