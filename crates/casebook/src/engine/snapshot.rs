//! The engine's side of snapshots (see [`crate::snapshot`]): what of its folded state goes into
//! one, saving it, and opening from it with a fall back to the full replay.

use std::thread::{Scope, ScopedJoinHandle};

use serde::{Deserialize, Serialize};

use super::{Casebook, State};
use crate::config::ConfigEvent;
use crate::derived::Derived;
use crate::error::{Error, Result};
use crate::event::CONFIG_STREAM;
use crate::intake::Intake;
use crate::knowledge::Knowledge;
use crate::outbox::Outbox;
use crate::release::Releases;
use crate::similar::SimilarIndex;
use crate::snapshot::{self, Anchor, Opened, SnapshotError};
use crate::store::{Store, StoreError, StoredEvent};
use crate::table::CaseTable;

mod cases;
mod signals;

/// The sections of a snapshot's body, in order: the small projections (serde), the case table
/// in two halves (decoded side by side), the SLA signals and deadlines, the similar-case index.
const SECTIONS: usize = 5;

/// The small projections and counters, as written (section 0).
#[derive(Serialize)]
struct RestRef<'a> {
    head: u64,
    keys_version: u64,
    next_number: u64,
    config_version: u64,
    outbox: &'a Outbox,
    releases: &'a Releases,
    intake: &'a Intake,
    knowledge: &'a Knowledge,
}

/// The small projections and counters, as read.
#[derive(Deserialize)]
struct Rest {
    head: u64,
    keys_version: u64,
    next_number: u64,
    config_version: u64,
    outbox: Outbox,
    releases: Releases,
    intake: Intake,
    knowledge: Knowledge,
}

/// Work on another thread of a scope, or already done where the host gives no threads.
enum Task<'s, T> {
    Thread(ScopedJoinHandle<'s, T>),
    Done(T),
}

impl<'s, T: Send + 's> Task<'s, T> {
    /// Runs `f` on a thread of `scope`, or right here when no thread can be started (the
    /// result is the same either way: the sections are independent).
    fn start<'e, F>(scope: &'s Scope<'s, 'e>, f: &'e F) -> Self
    where
        F: Fn() -> T + Sync + 'e,
        'e: 's,
    {
        match std::thread::Builder::new()
            .name("casebook-snapshot".into())
            .spawn_scoped(scope, f)
        {
            Ok(handle) => Task::Thread(handle),
            Err(_) => Task::Done(f()),
        }
    }

    /// The result; `lost` when the thread did not finish.
    fn join(self, lost: impl FnOnce() -> T) -> T {
        match self {
            Task::Thread(h) => h.join().unwrap_or_else(|_| lost()),
            Task::Done(t) => t,
        }
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
        let derived = &state.derived;
        let rest = RestRef {
            head: state.head,
            keys_version: state.keys_version,
            next_number: state.next_number,
            config_version: state.config_version,
            outbox: &derived.outbox,
            releases: &derived.releases,
            intake: &derived.intake,
            knowledge: &derived.knowledge,
        };
        let half = state.table.len() / 2;
        let write_first = || cases::write(&state.table, 0..half);
        let write_second = || cases::write(&state.table, half..state.table.len());
        let write_similar = || derived.similar.write_snapshot();
        let lost = || Err(Error::Internal("encoding a snapshot section failed".into()));
        let (rest, first, second, signals, similar) = std::thread::scope(|s| {
            let first = Task::start(s, &write_first);
            let similar = Task::start(s, &write_similar);
            let rest = snapshot::pack_serde(&rest);
            let signals = signals::write(&derived.deadlines);
            let second = write_second();
            (
                rest,
                first.join(lost),
                second,
                signals,
                similar.join(Vec::new),
            )
        });
        let data = snapshot::encode(
            state.head,
            &anchor,
            &[rest?, first?, second?, signals, similar],
        );
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
        let parts = snapshot::sections(body, SECTIONS)?;
        let read_first = || cases::read(parts[1]);
        let read_second = || cases::read(parts[2]);
        let read_similar = || SimilarIndex::read_snapshot(parts[4]);
        let lost = || SnapshotError::Corrupt("decoding a section failed".into());
        let (rest, table, deadlines, similar) = std::thread::scope(|s| {
            let first = Task::start(s, &read_first);
            let second = Task::start(s, &read_second);
            let similar = Task::start(s, &read_similar);
            let rest = snapshot::unpack_serde::<Rest>(parts[0]);
            let deadlines = signals::read(parts[3]);
            // The table is filled here while the second half may still be decoding.
            let table = (|| -> std::result::Result<CaseTable, SnapshotError> {
                let first = first.join(|| Err(lost()))?;
                let mut table = CaseTable::default();
                // Room as growing by doubling would have left, so the tail and the next reports do
                // not double a list sized exactly.
                table.reserve((first.len() * 2 + 1).next_power_of_two());
                cases::fill(&mut table, first)?;
                cases::fill(&mut table, second.join(|| Err(lost()))?)?;
                Ok(table)
            })();
            (rest, table, deadlines, similar.join(|| Err(lost())))
        });
        let (rest, table, deadlines, similar) = (rest?, table?, deadlines?, similar?);
        drop(data);
        if rest.head != position {
            return Err(SnapshotError::Corrupt(format!(
                "its state is at position {}, not {position}",
                rest.head
            )));
        }
        let mut state = State::empty(self.token_key.is_some());
        let mismatch = |what: String| SnapshotError::Mismatch(what);
        for e in self.store.read_stream(CONFIG_STREAM)? {
            if e.seq > rest.config_version {
                break;
            }
            let event: ConfigEvent = serde_json::from_str(&e.payload)
                .map_err(|err| mismatch(format!("configuration event {}: {err}", e.seq)))?;
            state
                .apply_config(&event.change)
                .map_err(|err| mismatch(format!("configuration event {}: {err}", e.seq)))?;
            state.config_version = e.seq;
        }
        if state.config_version != rest.config_version {
            return Err(mismatch(format!(
                "it has {} configuration events, the log {}",
                rest.config_version, state.config_version
            )));
        }
        let setup = state.derived.deadlines.setup().clone();
        state.derived = Derived {
            deadlines,
            outbox: rest.outbox,
            releases: rest.releases,
            intake: rest.intake,
            knowledge: rest.knowledge,
            similar,
        };
        state.derived.deadlines.restored(setup);
        state.derived.knowledge.restored();
        state.table = table;
        state.keys_version = rest.keys_version;
        state.next_number = rest.next_number;
        state.head = position;
        Ok(Some(state))
    }
}
