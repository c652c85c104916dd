//! The offline outbox: reports kept as protocol requests with stable ids until the host's server
//! has taken them.
//!
//! Every successful `report` on a [`Book`](crate::Book) adds one entry. The entry's request is the
//! full protocol request (with `"at"` fixed to the time of the report and `"id"` set to the entry's
//! id), so sending it again is idempotent on a server that remembers request ids. The host drains
//! the outbox when it is online and acknowledges what the server accepted; entries survive
//! [`save`](crate::Book::save) and [`restore`](crate::Book::restore).

use std::collections::HashSet;

use casebook::protocol::Request;
use serde::{Deserialize, Serialize};

/// One pending report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The stable id: `report:<case id>`; also the request's `"id"`.
    pub id: String,
    /// The local case's id.
    pub case: String,
    /// The local case's key, e.g. "CB-3".
    pub key: String,
    /// The protocol request to hand to the server.
    pub request: Request,
}

impl OutboxEntry {
    /// The outbox id of a case reported locally.
    pub fn id_for(case: &str) -> String {
        format!("report:{case}")
    }
}

/// The pending entries, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
    ids: HashSet<String>,
}

impl Outbox {
    /// An outbox holding these entries.
    pub fn from_entries(entries: Vec<OutboxEntry>) -> Self {
        let mut outbox = Self::default();
        for e in entries {
            outbox.push(e);
        }
        outbox
    }

    /// The pending entries, oldest first.
    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    /// Adds an entry unless one with the same id is pending.
    pub fn push(&mut self, entry: OutboxEntry) {
        if self.ids.insert(entry.id.clone()) {
            self.entries.push(entry);
        }
    }

    /// Removes the entries with these ids; unknown ids are ignored (acknowledging twice is
    /// harmless). Returns how many were removed.
    pub fn ack(&mut self, ids: &[String]) -> usize {
        let gone: HashSet<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| self.ids.contains(*id))
            .collect();
        if gone.is_empty() {
            return 0;
        }
        self.entries.retain(|e| !gone.contains(e.id.as_str()));
        self.ids.retain(|id| !gone.contains(id.as_str()));
        gone.len()
    }
}
