//! The engine's side of snapshots (see [`crate::snapshot`]): what of its folded state goes into
//! one, saving it, and opening from it with a fall back to the full replay.

use serde::{Deserialize, Serialize};

use super::{Casebook, State};
use crate::case::Case;
use crate::config::ConfigEvent;
use crate::derived::Derived;
use crate::error::{Error, Result};
use crate::event::CONFIG_STREAM;
use crate::snapshot::{self, Anchor, Opened, SnapshotError};
use crate::store::{Store, StoreError, StoredEvent};
use crate::table::CaseTable;

/// The cases of the table, in slot (replay) order; the table's indexes are rebuilt on load.
struct Cases<'a>(&'a CaseTable);

impl Serialize for Cases<'_> {
    fn serialize<Se: serde::Serializer>(&self, s: Se) -> std::result::Result<Se::Ok, Se::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// The body of a snapshot, as written.
#[derive(Serialize)]
struct ImageRef<'a> {
    head: u64,
    keys_version: u64,
    next_number: u64,
    config_version: u64,
    cases: Cases<'a>,
    derived: &'a Derived,
}

/// The body of a snapshot, as read.
#[derive(Deserialize)]
struct Image {
    head: u64,
    keys_version: u64,
    next_number: u64,
    config_version: u64,
    cases: Table,
    derived: Derived,
}

/// The case table, filled case by case as they are decoded (no intermediate list).
struct Table(CaseTable);

impl<'de> Deserialize<'de> for Table {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Cases;
        impl<'de> serde::de::Visitor<'de> for Cases {
            type Value = Table;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of cases")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Table, A::Error> {
                let mut table = CaseTable::default();
                while let Some(case) = seq.next_element::<Case>()? {
                    table.put(case);
                }
                Ok(Table(table))
            }
        }
        d.deserialize_seq(Cases)
    }
}

/// The event at `position`, read with `read_all` (stopped after the first event).
fn event_at<S: Store>(
    store: &S,
    position: u64,
) -> std::result::Result<Option<StoredEvent>, StoreError> {
    if position == 0 {
        return Ok(None);
    }
    let mut found = None;
    let read = store.read_all(position - 1, &mut |e| {
        found = Some(e);
        Err(StoreError::Unsupported("reading on after the first event"))
    });
    match (found, read) {
        (Some(e), _) if e.position == position => Ok(Some(e)),
        (Some(_), _) | (None, Ok(())) => Ok(None),
        (None, Err(e)) => Err(e),
    }
}

fn anchor_at<S: Store>(store: &S, position: u64) -> std::result::Result<Anchor, SnapshotError> {
    match event_at(store, position)? {
        Some(e) => Ok(Anchor::of(&e)),
        None if position == 0 => Ok(Anchor::default()),
        None => Err(SnapshotError::Mismatch(format!(
            "the log has no event at position {position}"
        ))),
    }
}

impl<S: Store> Casebook<S> {
    /// Saves a snapshot of the folded state (after catching up with the log), so that opening
    /// the casebook later replays only the events appended after it. Returns the snapshot's log
    /// position. The snapshot replaces the store's previous one; stores without snapshots
    /// answer `unsupported`. It costs a full encoding of the state (seconds, and about 200 MB
    /// compressed, at a million cases): see docs/storage.md for when to take one.
    pub fn save_snapshot(&mut self) -> Result<u64> {
        self.sync()?;
        let state = &self.state;
        let anchor = anchor_at(&self.store, state.head)
            .map_err(|e| Error::Internal(format!("taking a snapshot: {e}")))?;
        let image = ImageRef {
            head: state.head,
            keys_version: state.keys_version,
            next_number: state.next_number,
            config_version: state.config_version,
            cases: Cases(&state.table),
            derived: &state.derived,
        };
        let data = snapshot::encode(state.head, &anchor, &image)?;
        self.store.save_snapshot(state.head, &data)?;
        Ok(state.head)
    }

    /// Opens from the store's snapshot when it has a usable one, then replays the tail. Returns
    /// false (with the state left empty) when the whole log must be replayed instead.
    pub(super) fn resume_from_snapshot(&mut self) -> bool {
        match self.load_snapshot() {
            Ok(None) => false,
            Ok(Some(state)) => {
                let position = state.head;
                self.state = state;
                match self.sync() {
                    Ok(()) => {
                        self.opened = Opened::FromSnapshot {
                            position,
                            tail: self.state.head - position,
                        };
                        true
                    }
                    Err(e) => {
                        self.state = State::empty(self.token_key.is_some());
                        self.opened = Opened::ReplayedIgnoring(SnapshotError::Mismatch(format!(
                            "the log after it does not apply: {e}"
                        )));
                        false
                    }
                }
            }
            Err(e) => {
                if matches!(e, SnapshotError::Ahead { .. }) {
                    // Ahead of the log: it would look valid once the log grows past it.
                    let _ = self.store.clear_snapshots();
                }
                self.opened = Opened::ReplayedIgnoring(e);
                false
            }
        }
    }

    /// The state the store's snapshot holds, checked against the log; the configuration is
    /// folded again from its stream.
    fn load_snapshot(&self) -> std::result::Result<Option<State>, SnapshotError> {
        let Some((position, data)) = self.store.load_snapshot()? else {
            return Ok(None);
        };
        let head = self.store.head()?;
        if position > head {
            return Err(SnapshotError::Ahead { position, head });
        }
        let (header, body) = snapshot::open(&data, position)?;
        if anchor_at(&self.store, position)? != header.anchor {
            return Err(SnapshotError::Mismatch(format!(
                "the event at position {position} is not the one it was taken after"
            )));
        }
        let image: Image = snapshot::decode(body)?;
        drop(data);
        if image.head != position {
            return Err(SnapshotError::Corrupt(format!(
                "its state is at position {}, not {position}",
                image.head
            )));
        }
        let mut state = State::empty(self.token_key.is_some());
        let mismatch = |what: String| SnapshotError::Mismatch(what);
        for e in self.store.read_stream(CONFIG_STREAM)? {
            if e.seq > image.config_version {
                break;
            }
            let event: ConfigEvent = serde_json::from_str(&e.payload)
                .map_err(|err| mismatch(format!("configuration event {}: {err}", e.seq)))?;
            state
                .apply_config(&event.change)
                .map_err(|err| mismatch(format!("configuration event {}: {err}", e.seq)))?;
            state.config_version = e.seq;
        }
        if state.config_version != image.config_version {
            return Err(mismatch(format!(
                "it has {} configuration events, the log {}",
                image.config_version, state.config_version
            )));
        }
        let setup = state.derived.deadlines.setup().clone();
        state.derived = image.derived;
        state.derived.deadlines.restored(setup);
        state
            .derived
            .similar
            .restored()
            .map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
        state.table = image.cases.0;
        state.keys_version = image.keys_version;
        state.next_number = image.next_number;
        state.head = position;
        Ok(Some(state))
    }
}
