//! Batches of reports as the core appends them: one commit of the key claim on the `keys`
//! stream, then one commit per report opening its case stream with the report's event. The
//! payloads are the core's own: each batch is produced by a `Casebook` on a `MemoryStore` and
//! read back from it, so their size and shape are those of real reports.

use casebook::store::{Commit, Store};
use casebook::{Casebook, MemoryStore, SeededIds};
use chrono::{DateTime, Duration, Utc};

/// Reports per batch.
pub const REPORTS: usize = 1000;

// The engine bench's reports: a two-line description and three diagnostics, from one of
// 100,000 customers.
#[allow(dead_code)]
#[path = "../../../casebook-cli/benches/common/fixtures.rs"]
mod fixtures;

/// Makes batches of [`REPORTS`] reports, each one millisecond after the previous one (so the
/// case ids, UUID v7, grow as they do in production), or all at one time (as the engine bench
/// does: the ids are then random within that millisecond, and new names land anywhere in the
/// store's index of names).
pub struct Reports {
    book: Casebook<MemoryStore>,
    start: DateTime<Utc>,
    made: u64,
    /// Whether each batch is one millisecond after the previous one.
    advance: bool,
    /// The position of the last event already turned into commits.
    read: u64,
    /// The version of the `keys` stream in the store the batches go to.
    keys_version: u64,
}

impl Reports {
    pub fn new(seed: u64, advance: bool) -> Reports {
        let book = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(seed)))
            .expect("a memory casebook");
        let start = DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
            .expect("a fixed time")
            .with_timezone(&Utc);
        Reports {
            book,
            start,
            made: 0,
            advance,
            read: 0,
            keys_version: 0,
        }
    }

    /// The commits of the next batch, for a store that got every earlier batch.
    pub fn next_batch(&mut self) -> Vec<Commit> {
        let ms = if self.advance {
            self.made / REPORTS as u64
        } else {
            0
        };
        let now = self.start + Duration::milliseconds(ms as i64);
        let batch = fixtures::pairs(self.made, REPORTS);
        self.made += REPORTS as u64;
        for r in self.book.report_batch(&batch, now).expect("a batch") {
            r.expect("a report");
        }
        let mut commits: Vec<Commit> = Vec::with_capacity(REPORTS + 1);
        let mut last = self.read;
        let keys_version = self.keys_version;
        self.book
            .store()
            .read_all(self.read, &mut |e| {
                last = e.position;
                match commits.last_mut() {
                    Some(c) if c.stream == e.stream => c.payloads.push(e.payload),
                    _ => commits.push(Commit {
                        expected_version: if e.stream == "keys" { keys_version } else { 0 },
                        stream: e.stream,
                        payloads: vec![e.payload],
                    }),
                }
                Ok(())
            })
            .expect("the batch's events");
        self.read = last;
        self.keys_version += 1;
        assert_eq!(
            commits.len(),
            REPORTS + 1,
            "one key claim and one case per report"
        );
        commits
    }
}
