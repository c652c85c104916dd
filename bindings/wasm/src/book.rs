//! The casebook a page holds: the core over an in-memory store, a saved-log round trip and the
//! offline outbox. Plain Rust, so it is tested on the host; the JS class is a thin layer on it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use casebook::protocol::{self, Op, OpResult, ProtocolError, Request, Response};
use casebook::{Casebook, IdSource, MemoryStore, SeededIds};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::log::SavedLog;
use crate::outbox::{Outbox, OutboxEntry};

/// A seeded id source that counts what it hands out, so a restored casebook with the same seed
/// continues the sequence instead of repeating it.
struct CountingIds {
    inner: SeededIds,
    drawn: Arc<AtomicU64>,
}

impl IdSource for CountingIds {
    fn next_id(&mut self, now: DateTime<Utc>) -> Uuid {
        self.drawn.fetch_add(1, Ordering::Relaxed);
        self.inner.next_id(now)
    }
}

/// A casebook in memory with its outbox.
pub struct Book {
    book: Casebook<MemoryStore>,
    outbox: Outbox,
    drawn: Arc<AtomicU64>,
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book")
            .field("book", &self.book)
            .field("outbox", &self.outbox.entries().len())
            .finish()
    }
}

fn ids(seed: u64, skip: u64) -> (Box<dyn IdSource>, Arc<AtomicU64>) {
    let mut inner = SeededIds::new(seed);
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    for _ in 0..skip {
        inner.next_id(epoch);
    }
    let drawn = Arc::new(AtomicU64::new(skip));
    let source = CountingIds {
        inner,
        drawn: Arc::clone(&drawn),
    };
    (Box::new(source), drawn)
}

impl Book {
    /// An empty casebook whose ids come from `seed`.
    pub fn new(seed: u64) -> Result<Self, ProtocolError> {
        let (source, drawn) = ids(seed, 0);
        let book = Casebook::open(MemoryStore::new(), source)?;
        Ok(Self {
            book,
            outbox: Outbox::default(),
            drawn,
        })
    }

    /// A casebook rebuilt from a saved log (see [`crate::log`]). With the seed it was created
    /// with, it continues that id sequence.
    pub fn restore(saved: &str, seed: u64) -> Result<Self, ProtocolError> {
        let log = SavedLog::parse(saved)?;
        let mut store = MemoryStore::new();
        log.replay_into(&mut store)?;
        let (source, drawn) = ids(seed, log.ids_drawn);
        let book = Casebook::open(store, source)?;
        Ok(Self {
            book,
            outbox: Outbox::from_entries(log.outbox),
            drawn,
        })
    }

    /// The saved log as JSON text.
    pub fn save(&self) -> Result<String, ProtocolError> {
        let log = SavedLog::capture(
            self.book.store(),
            self.outbox.entries(),
            self.drawn.load(Ordering::Relaxed),
        )?;
        serde_json::to_string(&log).map_err(|e| ProtocolError {
            code: casebook::ErrorCode::Internal,
            message: format!("the log could not be written: {e}"),
        })
    }

    /// The core casebook (read-only).
    pub fn casebook(&self) -> &Casebook<MemoryStore> {
        &self.book
    }

    /// Runs one request given as JSON text; the response is exactly the core protocol's.
    pub fn execute_text(&mut self, text: &str, now: DateTime<Utc>) -> Response {
        let max = self.book.limits().request_bytes;
        match protocol::parse(text, max) {
            Err((id, e)) => Response {
                ok: false,
                id,
                result: None,
                error: Some(e.body()),
            },
            Ok(request) => match self.handle(&request, now) {
                Ok(result) => Response {
                    ok: true,
                    id: request.id.clone(),
                    result: Some(result),
                    error: None,
                },
                Err(e) => Response {
                    ok: false,
                    id: request.id.clone(),
                    result: None,
                    error: Some(e.body()),
                },
            },
        }
    }

    /// Runs a parsed request; a successful report is also put into the outbox.
    pub fn handle(
        &mut self,
        request: &Request,
        now: DateTime<Utc>,
    ) -> Result<OpResult, ProtocolError> {
        let result = protocol::handle(&mut self.book, request, now)?;
        if let (Op::Report(report), OpResult::Case { case }) = (&request.op, &result) {
            let id = OutboxEntry::id_for(&case.id);
            // Only the report is copied: a whole `Request`'s clone would bring every operation's
            // copying code into the module.
            let pending = Request {
                actor: request.actor.clone(),
                at: Some(request.at.unwrap_or(now)),
                id: Some(id.clone()),
                op: Op::Report(report.clone()),
            };
            self.outbox.push(OutboxEntry {
                id,
                case: case.id.clone(),
                key: case.key.clone(),
                request: pending,
            });
        }
        Ok(result)
    }

    /// The pending outbox entries, oldest first.
    pub fn outbox(&self) -> &[OutboxEntry] {
        self.outbox.entries()
    }

    /// Removes acknowledged entries; returns how many were pending.
    pub fn ack_outbox(&mut self, ids: &[String]) -> usize {
        self.outbox.ack(ids)
    }
}

#[cfg(test)]
#[path = "book_tests.rs"]
mod tests;
