//! The deadline index: for every case, the next instant at which something time-based may come
//! due (a clock at a rule's threshold or target, no agent reply for a while, a promise's date),
//! in a `BTreeMap` by instant. `tick` and `next_wakeup` read only its front, so they cost
//! O(due), not O(open cases). It is kept from events through the derived hook, and rebuilt on
//! open (the hook runs on replay) and when the SLA setup changes.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::case::{Case, PromiseState};
use crate::clocks::{SlaSetup, push_signals};
use crate::escalation::{promise_deadline, time_candidates};
use crate::event::Event;
use crate::ids::CaseId;
use crate::sla::{Signal, compute_clocks};
use crate::table::CaseTable;

type Instant = DateTime<Utc>;

/// The index.
#[derive(Debug, Default)]
pub(crate) struct Deadlines {
    setup: Arc<SlaSetup>,
    signals: HashMap<CaseId, Vec<Signal>>,
    index: BTreeSet<(Instant, CaseId)>,
    due_of: HashMap<CaseId, Instant>,
}

/// When something time-based may next come due on a case, judged at `now`.
pub fn next_deadline(
    case: &Case,
    signals: &[Signal],
    setup: &SlaSetup,
    now: Instant,
) -> Option<Instant> {
    let promises = case
        .commitments
        .iter()
        .filter(|c| c.state == PromiseState::Open)
        .filter_map(|c| c.due.and_then(promise_deadline))
        .min();
    if !setup.has_time_rules() {
        return promises;
    }
    let clocks = match &setup.policy {
        Some(p) => compute_clocks(signals, p, &setup.calendars, now).unwrap_or_default(),
        None => Vec::new(),
    };
    let rules = time_candidates(&setup.rules, case, signals, &clocks, &setup.calendars, now)
        .into_iter()
        .map(|c| c.at)
        .min();
    match (promises, rules) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Deadlines {
    /// The SLA setup in force.
    pub(crate) fn setup(&self) -> &Arc<SlaSetup> {
        &self.setup
    }

    /// The signals of a case so far.
    pub(crate) fn signals(&self, id: CaseId) -> &[Signal] {
        self.signals.get(&id).map_or(&[], Vec::as_slice)
    }

    /// After `event` was folded into `case`.
    pub(crate) fn on_case_event(&mut self, case: &Case, event: &Event) {
        let setup = Arc::clone(&self.setup);
        let category = |s: &str| setup.category(s);
        let list = self.signals.entry(case.id).or_default();
        push_signals(event, &category, list);
        self.schedule(case, event.at);
    }

    /// Recomputes the case's next deadline, judged at `now`.
    pub(crate) fn schedule(&mut self, case: &Case, now: Instant) {
        if let Some(old) = self.due_of.remove(&case.id) {
            self.index.remove(&(old, case.id));
        }
        let next = next_deadline(case, self.signals(case.id), &self.setup, now);
        if let Some(at) = next {
            self.index.insert((at, case.id));
            self.due_of.insert(case.id, at);
        }
    }

    /// Replaces the setup and recomputes every case's deadline (at its last change).
    pub(crate) fn reconfigure(&mut self, setup: SlaSetup, table: &CaseTable) {
        self.setup = Arc::new(setup);
        for case in table.iter() {
            self.schedule(case, case.updated_at);
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
