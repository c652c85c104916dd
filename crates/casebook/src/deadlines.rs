//! The deadline index: for every case, the next instant at which something time-based may come
//! due (a clock at a rule's threshold or target, no agent reply for a while, a promise's date),
//! in a `BTreeMap` by instant. `tick` and `next_wakeup` read only its front, so they cost
//! O(due), not O(open cases). It is kept from events through the derived hook, and rebuilt on
//! open (the hook runs on replay) and when the SLA setup changes.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use foldhash::HashMap;
use serde::{Deserialize, Serialize};

use crate::case::{Case, PromiseState};
use crate::clocks::{SlaSetup, push_signals};
use crate::escalation::{promise_deadline, time_candidates};
use crate::event::Event;
use crate::ids::CaseId;
use crate::sla::{ClockState, Signal, clocks_for_rules};
use crate::table::{CaseTable, Slot};

type Instant = DateTime<Utc>;

/// The index. A snapshot keeps the signals and deadlines; the setup comes from the
/// configuration stream and the ordered index from `due_of` ([`Deadlines::restored`]).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Deadlines {
    #[serde(skip)]
    setup: Arc<SlaSetup>,
    /// Signals by table slot (a map by case id cost ~86 B a case at a million cases, a vector
    /// 24 B); slots past the end have none.
    signals: Vec<Vec<Signal>>,
    #[serde(skip)]
    index: BTreeSet<(Instant, CaseId)>,
    due_of: HashMap<CaseId, Instant>,
    /// Clocks a tick computed for its due cases, kept until it has applied their events: the
    /// hook reuses them while the case has no new signal at the same instant (clocks are a pure
    /// function of the signals and the instant), instead of computing them again.
    #[serde(skip)]
    memo: HashMap<CaseId, Memo>,
    /// Inside a batch (a tick applying the events it decided): the cases whose events were
    /// applied, with the instant of the last one. Each is scheduled once when the batch ends,
    /// as the hook would have after its last event, instead of after every event.
    #[serde(skip)]
    batch: Option<HashMap<CaseId, Instant>>,
}

#[derive(Debug)]
struct Memo {
    at: Instant,
    signals: usize,
    clocks: Vec<ClockState>,
}

/// When something time-based may next come due on a case, judged at `now`.
pub fn next_deadline(
    case: &Case,
    signals: &[Signal],
    setup: &SlaSetup,
    now: Instant,
) -> Option<Instant> {
    next_deadline_with(case, signals, setup, now, None)
}

/// The clocks escalation rules read (no `due_at`); none without a policy.
fn rule_clocks(signals: &[Signal], setup: &SlaSetup, now: Instant) -> Vec<ClockState> {
    match &setup.policy {
        Some(p) => clocks_for_rules(signals, p, &setup.calendars, now).unwrap_or_default(),
        None => Vec::new(),
    }
}

/// [`next_deadline`], with the case's clocks at `now` when they are already known.
fn next_deadline_with(
    case: &Case,
    signals: &[Signal],
    setup: &SlaSetup,
    now: Instant,
    known: Option<&[ClockState]>,
) -> Option<Instant> {
    let promises = case
        .commitments()
        .iter()
        .filter(|c| c.state == PromiseState::Open)
        .filter_map(|c| c.due.and_then(promise_deadline))
        .min();
    if !setup.has_time_rules() {
        return promises;
    }
    let computed;
    let clocks = match known {
        Some(c) => c,
        None => {
            computed = rule_clocks(signals, setup, now);
            &computed
        }
    };
    let rules = time_candidates(&setup.rules, case, signals, clocks, &setup.calendars, now)
        .into_iter()
        .map(|c| c.at)
        .min();
    match (promises, rules) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Up to this many signals, a case's list grows to exactly what it holds: most cases have a few
/// signals for life, and a doubling vector would keep room for four after the first (~150 B a
/// case at a million cases). Longer lists grow by doubling, so a busy case stays linear.
const EXACT_SIGNALS: usize = 16;

/// Makes room for `more` signals in `list`, exactly while it is short.
fn reserve_few(list: &mut Vec<Signal>, more: usize) {
    if list.capacity() - list.len() >= more {
        return;
    }
    if list.len() + more <= EXACT_SIGNALS {
        list.reserve_exact(more);
    } else {
        list.reserve(more.max(list.len()));
    }
}

impl Deadlines {
    /// The SLA setup in force.
    pub(crate) fn setup(&self) -> &Arc<SlaSetup> {
        &self.setup
    }

    /// After loading from a snapshot: takes the setup rebuilt from the configuration and
    /// rebuilds the ordered index from the deadlines (without recomputing any of them).
    #[cfg_attr(not(feature = "snapshots"), allow(dead_code))]
    pub(crate) fn restored(&mut self, setup: Arc<SlaSetup>) {
        self.setup = setup;
        self.index = self.due_of.iter().map(|(id, at)| (*at, *id)).collect();
    }

    /// What a snapshot keeps: the signals by slot and the deadlines by case.
    #[cfg_attr(not(feature = "snapshots"), allow(dead_code))]
    pub(crate) fn parts(&self) -> (&[Vec<Signal>], &HashMap<CaseId, Instant>) {
        (&self.signals, &self.due_of)
    }

    /// The index a snapshot's parts make ([`Deadlines::parts`]), before
    /// [`Deadlines::restored`] gives it its setup and ordered index.
    #[cfg_attr(not(feature = "snapshots"), allow(dead_code))]
    pub(crate) fn from_parts(signals: Vec<Vec<Signal>>, due_of: HashMap<CaseId, Instant>) -> Self {
        Deadlines {
            signals,
            due_of,
            ..Deadlines::default()
        }
    }

    /// The signals so far of the case in table slot `slot` (none for a slot without a case).
    pub(crate) fn signals(&self, slot: Slot) -> &[Signal] {
        self.signals.get(slot as usize).map_or(&[], Vec::as_slice)
    }

    /// After `event` was folded into `case`, which is (or is about to be) in table slot `slot`.
    pub(crate) fn on_case_event(&mut self, slot: Slot, case: &Case, event: &Event) {
        let setup = Arc::clone(&self.setup);
        let category = |s: &str| setup.category(s);
        let mut fresh = Vec::new();
        push_signals(event, &category, &mut fresh);
        if !fresh.is_empty() {
            let at = slot as usize;
            if self.signals.len() <= at {
                self.signals.resize_with(at + 1, Vec::new);
            }
            let list = &mut self.signals[at];
            reserve_few(list, fresh.len());
            list.append(&mut fresh);
        }
        match &mut self.batch {
            Some(dirty) => {
                dirty.insert(case.id, event.at);
            }
            None => self.schedule(slot, case, event.at),
        }
    }

    /// Starts a batch: until [`Deadlines::end_batch`], applied events only mark their case.
    pub(crate) fn begin_batch(&mut self) {
        self.batch = Some(HashMap::default());
    }

    /// Ends a batch: schedules every case it touched (at its last event) and forgets the
    /// remembered clocks.
    pub(crate) fn end_batch(&mut self, table: &CaseTable) {
        if let Some(dirty) = self.batch.take() {
            for (id, at) in dirty {
                if let Some(slot) = table.slot_of(id) {
                    self.schedule(slot, table.at(slot), at);
                }
            }
        }
        self.memo.clear();
    }

    /// Recomputes the case's next deadline, judged at `now`.
    pub(crate) fn schedule(&mut self, slot: Slot, case: &Case, now: Instant) {
        let signals = self.signals(slot);
        let known = self
            .memo
            .get(&case.id)
            .filter(|m| m.at == now && m.signals == signals.len())
            .map(|m| m.clocks.as_slice());
        let next = next_deadline_with(case, signals, &self.setup, now, known);
        let old = self.due_of.get(&case.id).copied();
        if old == next {
            return;
        }
        if let Some(old) = old {
            self.index.remove(&(old, case.id));
            self.due_of.remove(&case.id);
        }
        if let Some(at) = next {
            self.index.insert((at, case.id));
            self.due_of.insert(case.id, at);
        }
    }

    /// Replaces the setup and recomputes every case's deadline (at its last change).
    pub(crate) fn reconfigure(&mut self, setup: SlaSetup, table: &CaseTable) {
        self.memo.clear();
        if let Some(dirty) = &mut self.batch {
            // Every case is scheduled now; only later events need scheduling again.
            dirty.clear();
        }
        self.setup = Arc::new(setup);
        for (slot, case) in table.iter().enumerate() {
            self.schedule(slot as Slot, case, case.updated_at);
        }
    }

    /// Computes the clocks of a case at `now` as escalation rules read them (no `due_at`) and
    /// remembers them until [`Deadlines::forget_clocks`], so that scheduling the case again at
    /// the same instant, with no new signal, does not compute them twice.
    pub(crate) fn remember_clocks(&mut self, slot: Slot, id: CaseId, now: Instant) {
        let signals = self.signals(slot);
        let fresh = self
            .memo
            .get(&id)
            .is_some_and(|m| m.at == now && m.signals == signals.len());
        if !fresh {
            let memo = Memo {
                at: now,
                signals: signals.len(),
                clocks: rule_clocks(signals, &self.setup, now),
            };
            self.memo.insert(id, memo);
        }
    }

    /// The clocks of a case at `now` as escalation rules read them: the remembered ones when
    /// they are still valid, else computed.
    pub(crate) fn clocks_at(&self, slot: Slot, id: CaseId, now: Instant) -> Cow<'_, [ClockState]> {
        let signals = self.signals(slot);
        match self
            .memo
            .get(&id)
            .filter(|m| m.at == now && m.signals == signals.len())
        {
            Some(m) => Cow::Borrowed(m.clocks.as_slice()),
            None => Cow::Owned(rule_clocks(signals, &self.setup, now)),
        }
    }

    /// The cases with a deadline at or before `now`, earliest first.
    pub(crate) fn due(&self, now: Instant) -> Vec<CaseId> {
        self.index
            .iter()
            .take_while(|(at, _)| *at <= now)
            .map(|(_, id)| *id)
            .collect()
    }

    /// The earliest deadline.
    pub(crate) fn next_wakeup(&self) -> Option<Instant> {
        self.index.first().map(|(at, _)| *at)
    }

    /// The deadline of one case.
    pub(crate) fn deadline_of(&self, id: CaseId) -> Option<Instant> {
        self.due_of.get(&id).copied()
    }
}
