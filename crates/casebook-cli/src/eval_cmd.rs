//! `casebook eval-duplicates`: the duplicate-detection evaluation of the similar-case ranker on
//! a bug-tracker export (GitBugs CSV columns), next to a plain BM25 baseline run on the same data.

use std::path::Path;

use casebook_eval::{Config, compare, read_bugs_file, read_pairs_file};

/// Reads the reports and pairs, runs the protocol and prints the figures. With `json`, prints
/// one object for the Casebook method: `{"queries","rr@1","rr@5","rr@10","mrr"}`.
pub fn run(bugs: &Path, pairs: &Path, json: bool) -> Result<(), String> {
    let reports = read_bugs_file(bugs).map_err(|e| format!("{}: {e}", bugs.display()))?;
    let links = read_pairs_file(pairs).map_err(|e| format!("{}: {e}", pairs.display()))?;
    let c = compare(&reports, &links, &Config::default()).map_err(|e| e.to_string())?;
    if c.casebook.queries == 0 {
        return Err(format!(
            "no duplicate pair of {} names two reports of {}: check that the files belong together",
            pairs.display(),
            bugs.display()
        ));
    }
    if json {
        let line = serde_json::to_string(&c.casebook).map_err(|e| e.to_string())?;
        println!("{line}");
        return Ok(());
    }
    println!(
        "{} reports, {} duplicate pairs, {} queries (365-day window)",
        reports.len(),
        links.len(),
        c.casebook.queries
    );
    println!(
        "{:<12} {:>6} {:>6} {:>6} {:>6}",
        "ranker", "RR@1", "RR@5", "RR@10", "MRR"
    );
    for (name, e) in [("casebook", &c.casebook), ("plain BM25", &c.plain_bm25)] {
        println!(
            "{name:<12} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
            e.rr_at_1, e.rr_at_5, e.rr_at_10, e.mrr
        );
    }
    Ok(())
}
