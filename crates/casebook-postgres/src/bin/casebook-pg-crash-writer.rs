//! Test helper for the crash test: appends multi-event commits to a PgStore as fast as it can
//! and prints one line per commit only after the append that holds it was acknowledged:
//!
//! ```text
//! ack COMMIT_ID STREAM FIRST_SEQ EVENT_COUNT
//! ```
//!
//! Usage: `CASEBOOK_PG_URL=... casebook-pg-crash-writer SCHEMA RUN_ID`. Every payload is
//! `{"c":"COMMIT_ID","i":INDEX,"n":EVENT_COUNT}`, so a reader can tell whole commits from half
//! ones. It runs until killed.

use std::io::Write;
use std::process::ExitCode;

use casebook::store::{Commit, Store, StoreError};
use casebook_postgres::PgStore;

const STREAMS: u64 = 5;

fn run(schema: &str, run_id: &str) -> Result<(), String> {
    let url = std::env::var("CASEBOOK_PG_URL")
        .map_err(|_| "CASEBOOK_PG_URL is not set; run under scripts/with-postgres".to_string())?;
    let mut store = PgStore::connect_with_schema(&url, schema).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    let mut k: u64 = 0;
    loop {
        // Two commits on two different streams, 3 and 2 events, in one append.
        let a = format!("case/{}", k % STREAMS);
        let b = format!("case/{}", (k + 1) % STREAMS);
        let mut commits = Vec::new();
        for (stream, n) in [(a, 3u64), (b, 2u64)] {
            let expected = store.stream_version(&stream).map_err(|e| e.to_string())?;
            let id = format!("{run_id}-{k}-{}", commits.len());
            let payloads = (0..n)
                .map(|i| format!(r#"{{"c":"{id}","i":{i},"n":{n}}}"#))
                .collect();
            commits.push((
                id,
                Commit {
                    stream,
                    expected_version: expected,
                    payloads,
                },
            ));
        }
        let batch: Vec<Commit> = commits.iter().map(|(_, c)| c.clone()).collect();
        match store.append(&batch) {
            Ok(_) => {
                for (id, c) in &commits {
                    writeln!(
                        out,
                        "ack {id} {} {} {}",
                        c.stream,
                        c.expected_version + 1,
                        c.payloads.len()
                    )
                    .and_then(|_| out.flush())
                    .map_err(|e| e.to_string())?;
                }
            }
            // A commit of a killed predecessor may land after our version read: retry.
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e.to_string()),
        }
        k += 1;
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(schema), Some(run_id)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: casebook-pg-crash-writer SCHEMA RUN_ID (with CASEBOOK_PG_URL set)");
        return ExitCode::from(2);
    };
    match run(schema, run_id) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("casebook-pg-crash-writer: {e}");
            ExitCode::FAILURE
        }
    }
}
