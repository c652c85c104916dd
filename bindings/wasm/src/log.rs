//! The saved event log: a versioned JSON document holding every stored event (in global order),
//! the outbox and how many ids were drawn, so a page can keep a casebook in localStorage or
//! IndexedDB and restore it after a reload.
//!
//! ```json
//! {"format":"casebook-event-log","version":1,"ids_drawn":3,
//!  "events":[{"stream":"keys","seq":1,"payload":"{...}"}, ...],
//!  "outbox":[{"id":"report:...","case":"...","key":"CB-1","request":{...}}]}
//! ```
//!
//! Payloads are the stored event texts, byte for byte. Restoring appends them to a fresh
//! in-memory store one by one with per-stream version checks, so a log with a gap, a duplicate or
//! a reordered event is refused (`storage_corrupt`) instead of producing a different casebook.

use casebook::ErrorCode;
use casebook::protocol::ProtocolError;
use casebook::store::{Commit, Store, StoredEvent};
use serde::{Deserialize, Serialize};

use crate::outbox::OutboxEntry;

/// The `format` value of a saved log.
pub const LOG_FORMAT: &str = "casebook-event-log";
/// The version this module writes; it reads this version and none newer.
pub const LOG_VERSION: u32 = 1;

/// One saved event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedEvent {
    /// The stream ("case/<id>", "keys", "config").
    pub stream: String,
    /// The event's number in its stream, from 1.
    pub seq: u64,
    /// The stored event, as stored.
    pub payload: String,
}

/// A saved log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedLog {
    /// Always [`LOG_FORMAT`].
    pub format: String,
    /// The format version.
    pub version: u32,
    /// Ids drawn from the id source so far (a seeded source skips them on restore).
    #[serde(default)]
    pub ids_drawn: u64,
    /// Every event, in global order.
    pub events: Vec<SavedEvent>,
    /// Pending outbox entries.
    #[serde(default)]
    pub outbox: Vec<OutboxEntry>,
}

fn corrupt(msg: impl Into<String>) -> ProtocolError {
    ProtocolError {
        code: ErrorCode::StorageCorrupt,
        message: msg.into(),
    }
}

impl SavedLog {
    /// Reads every event of a store.
    pub fn capture(
        store: &dyn Store,
        outbox: &[OutboxEntry],
        ids_drawn: u64,
    ) -> Result<Self, ProtocolError> {
        let mut events = Vec::new();
        store
            .read_all(0, &mut |e: StoredEvent| {
                events.push(SavedEvent {
                    stream: e.stream,
                    seq: e.seq,
                    payload: e.payload,
                });
                Ok(())
            })
            .map_err(|e| ProtocolError {
                code: casebook::Error::from(e).code(),
                message: "the event log could not be read".into(),
            })?;
        Ok(Self {
            format: LOG_FORMAT.into(),
            version: LOG_VERSION,
            ids_drawn,
            events,
            outbox: outbox.to_vec(),
        })
    }

    /// Parses and checks a saved log's text.
    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        let head: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| corrupt(format!("the saved log is not valid JSON: {e}")))?;
        if head.get("format").and_then(|f| f.as_str()) != Some(LOG_FORMAT) {
            return Err(corrupt(format!(
                "this is not a saved Casebook log (its \"format\" is not \"{LOG_FORMAT}\")"
            )));
        }
        match head.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(LOG_VERSION) => {}
            Some(v) if v > u64::from(LOG_VERSION) => {
                return Err(ProtocolError {
                    code: ErrorCode::Unsupported,
                    message: format!(
                        "the saved log has version {v}, newer than this module reads ({LOG_VERSION}); update the module"
                    ),
                });
            }
            other => {
                return Err(corrupt(format!(
                    "the saved log's version {other:?} is not one this module reads ({LOG_VERSION})"
                )));
            }
        }
        // Read again from the text (not from `head`): the events' types are read from text
        // everywhere else, so the module keeps one reader of each.
        serde_json::from_str(text)
            .map_err(|e| corrupt(format!("the saved log is not well-formed: {e}")))
    }

    /// Appends every event to an empty store, checking the per-stream order.
    pub fn replay_into(&self, store: &mut dyn Store) -> Result<(), ProtocolError> {
        for (i, e) in self.events.iter().enumerate() {
            let commit = Commit {
                stream: e.stream.clone(),
                expected_version: e.seq.saturating_sub(1),
                payloads: vec![e.payload.clone()],
            };
            store.append(&[commit]).map_err(|err| {
                corrupt(format!(
                    "saved event {} (stream {}, seq {}) does not follow the log: {err}",
                    i + 1,
                    e.stream,
                    e.seq
                ))
            })?;
        }
        Ok(())
    }
}
