//! A writer for Casebook's crash test: appends commits to a SQLite store in a loop until it is
//! killed, and prints one line per acknowledged commit, flushed, after `append` has returned:
//!
//! ```text
//! <position of the commit's first event> <run> <commit number>
//! ```
//!
//! Each append holds 1 to 3 commits on different streams; each commit holds
//! [`EVENTS_PER_COMMIT`] events whose payloads are `{"r":run,"c":commit,"i":index,"n":3}`.
//!
//! Usage: `casebook-sqlite-crash-writer <store path> <run number> <full|normal>`

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use casebook::store::{Commit, Store, StoreError};
use casebook_sqlite::{Durability, SqliteOptions, SqliteStore};

const EVENTS_PER_COMMIT: u64 = 3;
const STREAMS: u64 = 7;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("casebook-sqlite-crash-writer: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, run, mode] = args.as_slice() else {
        return Err("usage: casebook-sqlite-crash-writer <store path> <run> <full|normal>".into());
    };
    let run: u64 = run
        .parse()
        .map_err(|_| format!("run must be a whole number, not {run:?}"))?;
    let durability = match mode.as_str() {
        "full" => Durability::Full,
        "normal" => Durability::Normal,
        other => return Err(format!("mode must be full or normal, not {other:?}")),
    };
    let opts = SqliteOptions::default().with_durability(durability);
    let mut store = SqliteStore::open(path, opts).map_err(|e| e.to_string())?;
    let mut versions: HashMap<String, u64> = HashMap::new();
    let mut out = std::io::stdout().lock();
    let mut commit_no = 0u64;
    for k in 0u64.. {
        let count = 1 + k % 3;
        let mut commits = Vec::new();
        for j in 0..count {
            let stream = format!("crash/{}", (k + j) % STREAMS);
            let expected = match versions.get(&stream) {
                Some(v) => *v,
                None => store.stream_version(&stream).map_err(|e| e.to_string())?,
            };
            let c = commit_no + j;
            let payloads = (0..EVENTS_PER_COMMIT)
                .map(|i| format!("{{\"r\":{run},\"c\":{c},\"i\":{i},\"n\":{EVENTS_PER_COMMIT}}}"))
                .collect();
            commits.push(Commit {
                stream,
                expected_version: expected,
                payloads,
            });
        }
        let head = match store.append(&commits) {
            Ok(head) => head,
            Err(StoreError::Conflict { .. }) => {
                versions.clear();
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        let mut first = head + 1 - count * EVENTS_PER_COMMIT;
        for (j, c) in commits.iter().enumerate() {
            versions.insert(c.stream.clone(), c.expected_version + EVENTS_PER_COMMIT);
            writeln!(out, "{first} {run} {}", commit_no + j as u64).map_err(|e| e.to_string())?;
            first += EVENTS_PER_COMMIT;
        }
        out.flush().map_err(|e| e.to_string())?;
        commit_no += count;
    }
    Ok(())
}
