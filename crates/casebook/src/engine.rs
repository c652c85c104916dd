//! The engine: a casebook over a store. It decides, persists, then applies, so a command is
//! acknowledged only once its events are stored; opening a casebook replays the log.

use chrono::{DateTime, Utc};
use foldhash::HashMap;

use crate::actor::{Actor, Role};
use crate::case::Case;
use crate::command::{CaseCommand, Report};
use crate::config::{ConfigChange, ConfigEvent};
use crate::decide::{self, Context};
use crate::error::{Error, Result};
use crate::event::{CONFIG_STREAM, Event, KEYS_STREAM, KeyClaim, case_stream};
use crate::ids::{CaseId, IdSource};
use crate::limits::Limits;
use crate::policy::Policy;
use crate::store::{Commit, Store, StoreError, StoredEvent};
use crate::table::CaseTable;
use crate::token::TokenKey;
use crate::workflow::Workflow;

mod scratch;
#[cfg(feature = "snapshots")]
mod snapshot;

use scratch::Scratch;

const RETRIES: usize = 3;

/// Makes commits on other streams from the events of a command, appended atomically with them.
/// Events on those streams are applied by the derived hook when the engine catches up.
pub(crate) type Extra<'a> = &'a dyn Fn(&crate::derived::Derived, &[Event]) -> Result<Vec<Commit>>;

/// A casebook: configuration, the case table and its store.
pub struct Casebook<S: Store> {
    store: S,
    ids: Box<dyn IdSource>,
    token_key: Option<TokenKey>,
    state: State,
    opened: crate::snapshot::Opened,
    scratch: Scratch,
}

/// Everything folded from the log.
struct State {
    derived: crate::derived::Derived,
    workflow: Workflow,
    policy: Policy,
    tokens: bool,
    limits: Limits,
    key_prefix: String,
    table: CaseTable,
    keys_version: u64,
    next_number: u64,
    config_version: u64,
    head: u64,
}

impl<S: Store> std::fmt::Debug for Casebook<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Casebook")
            .field("cases", &self.state.table.len())
            .field("head", &self.state.head)
            .finish()
    }
}

/// An event as JSON text, written into a buffer sized for a typical event (growing a small
/// buffer several times per event showed in profiles; a report's event is ~600 bytes). The
/// in-memory store keeps the text as it is, trimmed to its length.
fn to_json(event: &Event) -> Result<String> {
    let mut buf = Vec::with_capacity(1024);
    serde_json::to_writer(&mut buf, event).map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(buf).map_err(|e| Error::Internal(e.to_string()))
}

fn corrupt(e: &StoredEvent, err: impl std::fmt::Display) -> Error {
    Error::Store(StoreError::Corrupt(format!(
        "event {} (stream {}, seq {}): {err}",
        e.position, e.stream, e.seq
    )))
}

impl State {
    /// The state of an empty casebook: defaults, nothing folded yet.
    fn empty(tokens: bool) -> Self {
        State {
            derived: crate::derived::Derived::default(),
            workflow: Workflow::default(),
            policy: Policy::default(),
            tokens,
            limits: Limits::default(),
            key_prefix: "CB".into(),
            table: CaseTable::default(),
            keys_version: 0,
            next_number: 1,
            config_version: 0,
            head: 0,
        }
    }

    fn find(&self, reference: &str) -> Option<&Case> {
        let r = reference.trim();
        if let Some(id) = CaseId::parse(r) {
            return self.table.get(id);
        }
        let (prefix, number) = r.rsplit_once('-')?;
        if !prefix.eq_ignore_ascii_case(&self.key_prefix) {
            return None;
        }
        let n: u64 = number.parse().ok()?;
        self.table.slot_of_number(n).map(|s| self.table.at(s))
    }

    fn find_visible(&self, reference: &str, viewer: &Actor) -> Result<&Case> {
        self.find(reference)
            .filter(|c| self.policy.can_view(c, viewer))
            .ok_or_else(|| Error::NotFound {
                reference: reference.chars().take(100).collect(),
            })
    }

    fn context<'a>(&'a self, lookup: &'a dyn Fn(&str) -> Option<&'a Case>) -> Context<'a> {
        Context {
            workflow: &self.workflow,
            limits: &self.limits,
            key_prefix: &self.key_prefix,
            lookup,
            policy: &self.policy,
            tokens: self.tokens,
        }
    }

    /// Applies one stored event. Idempotent: events already applied (our own, applied right after
    /// their append) are skipped, so catching up after a concurrent writer is always safe.
    fn apply_stored(&mut self, e: &StoredEvent) -> Result<()> {
        if e.stream.starts_with("case/") {
            let event: Event = serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
            if self
                .table
                .get(event.case)
                .is_none_or(|c| c.version < event.seq)
            {
                self.apply_owned(event)?;
            }
        } else if e.stream == KEYS_STREAM {
            if e.seq > self.keys_version {
                let claim: KeyClaim =
                    serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
                self.next_number = self.next_number.max(claim.first + claim.count);
                self.keys_version = e.seq;
            }
        } else if e.stream == CONFIG_STREAM && e.seq > self.config_version {
            let event: ConfigEvent =
                serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err))?;
            self.apply_config(&event.change)?;
            self.config_version = e.seq;
        } else if e.stream != CONFIG_STREAM {
            self.derived.on_stream_event(e)?;
        }
        self.head = self.head.max(e.position);
        Ok(())
    }

    /// As [`apply_event`](Self::apply_event), for an event that is not needed afterwards: a
    /// report's text, reporter and organisation move into the new case instead of being copied
    /// (the derived hooks read them from the case, which is what they are given).
    fn apply_owned(&mut self, mut event: Event) -> Result<()> {
        if self.table.slot_of(event.case).is_some() {
            return self.apply_event(&event);
        }
        let case = crate::fold::start_taking(&mut event)?;
        let slot = self.table.len() as crate::table::Slot;
        self.derived.on_case_event(slot, &case, &event)?;
        self.table.put_new(case);
        Ok(())
    }

    /// Folds one case event into the table and the derived projections. Most events change no
    /// indexed field and are folded into the table's case in place; the others (state,
    /// assignee, tags, reporter) fold into a copy that replaces it, so the indexes see both.
    fn apply_event(&mut self, event: &Event) -> Result<()> {
        let derived = &mut self.derived;
        match self.table.slot_of(event.case) {
            None => {
                let case = crate::fold::start(event)?;
                let slot = self.table.len() as crate::table::Slot;
                derived.on_case_event(slot, &case, event)?;
                self.table.put(case);
            }
            Some(slot) if !crate::fold::touches_indexes(&event.change) => {
                self.table.modify_unindexed(slot, |case| {
                    crate::fold::apply_to(case, event)?;
                    derived.on_case_event(slot, case, event)
                })?;
            }
            Some(slot) => {
                let mut case = self.table.at(slot).clone();
                crate::fold::apply_to(&mut case, event)?;
                derived.on_case_event(slot, &case, event)?;
                self.table.put(case);
            }
        }
        Ok(())
    }

    /// The commits of case events: one per case, in the order of each case's first event, with
    /// its payloads in event order. The version a commit expects is the one its first event was
    /// decided on (its sequence number minus one), so an event decided on a stale case is a
    /// conflict rather than a gap. Each event is encoded once; a case's commit is found through
    /// a map, not by comparing stream names (a tick commits to a hundred cases). `spare` leaves
    /// room for that many more commits.
    fn case_commits(&self, events: &[Event], spare: usize) -> Result<Vec<Commit>> {
        let mut commits: Vec<Commit> = Vec::with_capacity(events.len() + spare);
        let mut of_case: HashMap<CaseId, usize> = HashMap::default();
        of_case.reserve(events.len());
        for e in events {
            let payload = to_json(e)?;
            let at = *of_case.entry(e.case).or_insert_with(|| {
                commits.push(Commit {
                    stream: case_stream(e.case),
                    expected_version: e.seq.saturating_sub(1),
                    payloads: Vec::with_capacity(2),
                });
                commits.len() - 1
            });
            commits[at].payloads.push(payload);
        }
        Ok(commits)
    }

    fn apply_config(&mut self, change: &ConfigChange) -> Result<()> {
        if let Some(def) = &change.workflow {
            self.workflow = Workflow::new(def.clone())?;
        }
        if let Some(p) = &change.key_prefix {
            self.key_prefix = p.clone();
        }
        if let Some(l) = &change.limits {
            self.limits = l.clone();
        }
        if let Some(p) = &change.policy {
            p.validate()?;
            self.policy = p.clone();
        }
        crate::tick::apply_config(&mut self.derived, change, &self.workflow, &self.table)?;
        if let Some(e) = &change.email_intake {
            self.derived.intake.config = e.clone();
        }
        Ok(())
    }
}

impl<S: Store> Casebook<S> {
    /// Opens a casebook on a store: from its snapshot and the log after it when the store has
    /// a usable one, else by replaying everything the log holds.
    pub fn open(store: S, ids: Box<dyn IdSource>) -> Result<Self> {
        let state = State::empty(false);
        let mut book = Self {
            store,
            ids,
            token_key: None,
            state,
            opened: crate::snapshot::Opened::Replayed,
            scratch: Scratch::default(),
        };
        #[cfg(feature = "snapshots")]
        if book.resume_from_snapshot() {
            return Ok(book);
        }
        book.sync()?;
        Ok(book)
    }

    /// How this casebook was opened: from a snapshot, or by replaying the whole log (and why).
    pub fn opened(&self) -> &crate::snapshot::Opened {
        &self.opened
    }

    /// Reads and applies what other writers appended since this casebook last looked.
    pub fn sync(&mut self) -> Result<()> {
        let state = &mut self.state;
        let mut failure = None;
        let read = self.store.read_all(state.head, &mut |e| {
            state.apply_stored(&e).map_err(|err| {
                let msg = err.to_string();
                failure = Some(err);
                StoreError::Corrupt(msg)
            })
        });
        match (read, failure) {
            (_, Some(err)) => Err(err),
            (Err(e), None) => Err(e.into()),
            (Ok(()), None) => Ok(()),
        }
    }

    /// After an append that ended at `head`: our events are applied; catch up if others wrote too.
    fn after_append(&mut self, head: u64, written: u64) -> Result<()> {
        if head == self.state.head + written {
            self.state.head = head;
            Ok(())
        } else {
            self.sync()
        }
    }

    /// The visibility policy in force.
    pub fn policy(&self) -> &Policy {
        &self.state.policy
    }

    /// Sets the host's secret for tracking tokens. It is kept in memory only, never in the store:
    /// the host passes it again each time it opens the casebook.
    pub fn set_token_secret(&mut self, secret: &[u8]) -> Result<()> {
        self.token_key = Some(TokenKey::new(secret)?);
        self.state.tokens = true;
        Ok(())
    }

    /// The active tracking token of a case, when tokens are enabled and one was issued.
    pub fn tracking_token(&self, id: CaseId) -> Option<String> {
        let key = self.token_key.as_ref()?;
        let case = self.state.table.get(id)?;
        let (nonce, _) = case.tokens().iter().rev().find(|(_, revoked)| !revoked)?;
        Some(key.issue(id, nonce))
    }

    /// Checks an actor's tracking token, if it has one, and returns the actor with the case the
    /// token grants. Actors without a token are returned as they are.
    pub fn authenticate(&self, actor: &Actor) -> Result<Actor> {
        let Some(token) = &actor.token else {
            return Ok(actor.clone());
        };
        let key = self.token_key.as_ref().ok_or_else(|| {
            Error::InvalidToken("tracking tokens are not enabled in this casebook".into())
        })?;
        let (case, nonce) = key.verify(token)?;
        let active = self.state.table.get(case).is_some_and(|c| {
            c.tokens()
                .iter()
                .any(|(n, revoked)| *n == nonce && !revoked)
        });
        if !active {
            return Err(Error::InvalidToken(
                "it was revoked; ask support for a new link".into(),
            ));
        }
        let mut a = actor.clone();
        a.token_case = Some(case);
        Ok(a)
    }

    /// The workflow in force.
    pub fn workflow(&self) -> &Workflow {
        &self.state.workflow
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.state.limits
    }

    /// The key prefix ("CB").
    pub fn key_prefix(&self) -> &str {
        &self.state.key_prefix
    }

    /// The case table.
    pub fn cases(&self) -> &CaseTable {
        &self.state.table
    }

    /// The derived projections.
    pub(crate) fn derived(&self) -> &crate::derived::Derived {
        &self.state.derived
    }

    /// The derived projections, mutably.
    pub(crate) fn derived_mut(&mut self) -> &mut crate::derived::Derived {
        &mut self.state.derived
    }

    /// The derived projections, mutably, beside the case table.
    pub(crate) fn derived_and_cases(&mut self) -> (&mut crate::derived::Derived, &CaseTable) {
        (&mut self.state.derived, &self.state.table)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, mutably (for maintenance).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// The key of a case, e.g. "CB-42".
    pub fn key_of(&self, case: &Case) -> String {
        format!("{}-{}", self.state.key_prefix, case.number)
    }

    /// Finds a case by id or key (case-insensitive prefix), without any visibility check.
    pub fn find(&self, reference: &str) -> Option<&Case> {
        self.state.find(reference)
    }

    /// Finds a case the viewer may see; `not_found` otherwise (the same error as for no case).
    pub fn find_visible(&self, reference: &str, viewer: &Actor) -> Result<&Case> {
        self.state.find_visible(reference, viewer)
    }

    /// The events of a case, in order.
    pub fn events_of(&self, id: CaseId) -> Result<Vec<Event>> {
        self.store
            .read_stream(&case_stream(id))?
            .iter()
            .map(|e| serde_json::from_str(&e.payload).map_err(|err| corrupt(e, err)))
            .collect()
    }

    /// Changes the configuration (admins and the system only).
    pub fn configure(
        &mut self,
        change: ConfigChange,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !matches!(actor.role, Role::Admin | Role::System) {
            return Err(Error::forbidden(
                "configuring the casebook",
                actor.role,
                "only admins and the system configure",
            ));
        }
        if let Some(p) = &change.key_prefix
            && (p.is_empty() || p.len() > 10 || !p.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(Error::InvalidConfig(format!(
                "key_prefix '{p}' must be 1 to 10 ASCII letters or digits"
            )));
        }
        if let Some(p) = &change.policy {
            p.validate()?;
        }
        self.check_sla_config(&change)?;
        if let Some(secret) = &change.tracking_secret {
            self.set_token_secret(secret.as_bytes())?;
        }
        if let Some(def) = &change.workflow {
            let wf = Workflow::new(def.clone())?;
            for (status, n) in self.state.table.status_counts() {
                if wf.state(status).is_none() {
                    return Err(Error::Workflow(crate::workflow::WorkflowError::Invalid(
                        format!(
                            "{n} case(s) are in state '{status}', which the new workflow lacks; keep that state"
                        ),
                    )));
                }
            }
        }
        let event = ConfigEvent {
            seq: self.state.config_version + 1,
            at: now,
            actor: actor.clone(),
            change,
        };
        let payload = serde_json::to_string(&event).map_err(|e| Error::Internal(e.to_string()))?;
        self.store.append(&[Commit {
            stream: CONFIG_STREAM.into(),
            expected_version: self.state.config_version,
            payloads: vec![payload],
        }])?;
        // The commit is durable: apply it (and anything before it) from the log.
        self.sync()
    }

    fn with_retries<T>(&mut self, mut attempt: impl FnMut(&mut Self) -> Result<T>) -> Result<T> {
        let mut tries = 0;
        loop {
            match attempt(self) {
                Err(Error::Store(StoreError::Conflict { .. })) if tries < RETRIES => {
                    tries += 1;
                    self.sync()?;
                }
                other => return other,
            }
        }
    }

    /// Reports a new case and returns it.
    pub fn report(&mut self, report: &Report, actor: &Actor, now: DateTime<Utc>) -> Result<CaseId> {
        let ids = self.report_refs(&[(report, actor)], now, None, None)?;
        ids.into_iter()
            .next()
            .unwrap_or_else(|| Err(Error::Internal("no result".into())))
    }

    /// As [`report`](Self::report), also giving the events the report wrote, so that its answer
    /// can show the new case's timeline without reading them back from the store.
    pub fn report_with_events(
        &mut self,
        report: &Report,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(CaseId, Vec<Event>)> {
        let mut kept = Vec::new();
        let ids = self.report_refs(&[(report, actor)], now, None, Some(&mut kept))?;
        let id = ids
            .into_iter()
            .next()
            .unwrap_or_else(|| Err(Error::Internal("no result".into())))?;
        Ok((id, kept))
    }

    /// Reports many cases with one atomic, durable append (one fsync for all of them). Each report
    /// is validated on its own: the result says, per report, its new case id or why it was refused.
    pub fn report_batch(
        &mut self,
        reports: &[(Report, Actor)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<CaseId>>> {
        self.report_batch_with(reports, now, None)
    }

    /// As [`report_batch`](Self::report_batch), appending the commits `extra` makes from the new
    /// events (on other streams: intake records, ...) in the same atomic append.
    pub(crate) fn report_batch_with(
        &mut self,
        reports: &[(Report, Actor)],
        now: DateTime<Utc>,
        extra: Option<Extra<'_>>,
    ) -> Result<Vec<Result<CaseId>>> {
        let refs: Vec<(&Report, &Actor)> = reports.iter().map(|(r, a)| (r, a)).collect();
        self.report_refs(&refs, now, extra, None)
    }

    /// The reports of one atomic append, by reference (a single report is not copied). With
    /// `keep`, the events written are left there.
    fn report_refs(
        &mut self,
        reports: &[(&Report, &Actor)],
        now: DateTime<Utc>,
        extra: Option<Extra<'_>>,
        mut keep: Option<&mut Vec<Event>>,
    ) -> Result<Vec<Result<CaseId>>> {
        let results = self.with_retries(|book| {
            let mut results = Vec::with_capacity(reports.len());
            let (mut events, mut commits) = book.scratch.take(reports.len());
            let mut claimed = 0u64;
            commits.push(Commit {
                stream: KEYS_STREAM.into(),
                expected_version: book.state.keys_version,
                payloads: Vec::new(),
            });
            let lookup = |_: &str| None;
            for &(report, actor) in reports {
                let number = book.state.next_number + claimed;
                let id = CaseId(book.ids.next_id(now));
                let ctx = book.state.context(&lookup);
                match decide::decide_report(&ctx, report, actor, now, id, number) {
                    Ok(evs) => {
                        let payloads = evs.iter().map(to_json).collect::<Result<Vec<_>>>()?;
                        commits.push(Commit {
                            stream: case_stream(id),
                            expected_version: 0,
                            payloads,
                        });
                        claimed += 1;
                        events.extend(evs);
                        results.push(Ok(id));
                    }
                    Err(e) => results.push(Err(e)),
                }
            }
            if claimed == 0 {
                book.scratch.keep(events, commits);
                return Ok(results);
            }
            let claim = KeyClaim {
                first: book.state.next_number,
                count: claimed,
            };
            commits[0]
                .payloads
                .push(serde_json::to_string(&claim).map_err(|e| Error::Internal(e.to_string()))?);
            if let Some(f) = extra {
                commits.extend(f(&book.state.derived, &events)?);
            }
            let head = book.store.append_taking(&mut commits)?;
            book.state.keys_version += 1;
            book.state.next_number += claimed;
            let written = 1 + events.len() as u64;
            if let Some(kept) = keep.as_deref_mut() {
                kept.clear();
            }
            for e in events.drain(..) {
                match keep.as_deref_mut() {
                    // Folded by reference and kept (no copy of the event).
                    Some(kept) => {
                        book.state.apply_event(&e)?;
                        kept.push(e);
                    }
                    None => book.state.apply_owned(e)?,
                }
            }
            book.scratch.keep(events, commits);
            book.after_append(head, written)?;
            Ok(results)
        })?;
        let touched: Vec<_> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|id| (*id, "reported")))
            .collect();
        if let Some((_, actor)) = reports.first() {
            self.after_command(&touched, actor, now)?;
        }
        Ok(results)
    }

    /// Runs a command on a case (by id or key) and returns the events it caused.
    pub fn execute(
        &mut self,
        reference: &str,
        cmd: &CaseCommand,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>> {
        self.execute_with(reference, cmd, actor, now, &|_| {}, None)
    }

    /// As [`execute`](Self::execute), letting `adjust` complete the decided events (e.g. the
    /// original text of an emailed comment) and `extra` add commits on other streams to the
    /// same atomic append.
    pub(crate) fn execute_with(
        &mut self,
        reference: &str,
        cmd: &CaseCommand,
        actor: &Actor,
        now: DateTime<Utc>,
        adjust: &dyn Fn(&mut Vec<Event>),
        extra: Option<Extra<'_>>,
    ) -> Result<Vec<Event>> {
        let events = self.with_retries(|book| {
            let Casebook { state, ids, .. } = &mut *book;
            let state: &State = state;
            let case = state.find_visible(reference, actor)?;
            let lookup = |r: &str| state.find(r);
            let ctx = state.context(&lookup);
            let mut events = decide::decide(&ctx, case, cmd, actor, now, ids.as_mut())?;
            adjust(&mut events);
            book.commit_events(&events, extra)?;
            Ok(events)
        })?;
        let touched: Vec<_> = events.iter().map(|e| (e.case, e.change.kind())).collect();
        self.after_command(&touched, actor, now)?;
        Ok(events)
    }

    /// A fresh id from the casebook's id source.
    #[cfg_attr(not(feature = "email"), allow(dead_code))]
    pub(crate) fn new_id(&mut self, now: DateTime<Utc>) -> uuid::Uuid {
        self.ids.next_id(now)
    }

    /// Appends events to a stream that is not a case's (articles, intake, deflection) and
    /// applies them through the derived hook. `version` is the stream's version the caller saw.
    pub(crate) fn append_stream_at(
        &mut self,
        stream: String,
        version: u64,
        payloads: Vec<String>,
    ) -> Result<()> {
        self.store.append(&[Commit {
            stream,
            expected_version: version,
            payloads,
        }])?;
        self.sync()
    }

    /// Persists events made outside `decide` (identity merges) atomically, then applies them.
    pub(crate) fn commit_external(&mut self, events: &[Event]) -> Result<()> {
        self.commit_events(events, None)
    }

    /// Forgets the folded state and replays the whole log (after an erasure rewrote events),
    /// dropping the snapshots, which may hold the old events' content.
    pub(crate) fn rebuild(&mut self) -> Result<()> {
        self.store.clear_snapshots()?;
        self.state = State::empty(self.token_key.is_some());
        self.opened = crate::snapshot::Opened::Replayed;
        self.sync()
    }

    /// Persists events of one command (possibly on several cases) atomically, then applies them.
    pub(crate) fn commit_events(
        &mut self,
        events: &[Event],
        extra: Option<Extra<'_>>,
    ) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut commits = self.state.case_commits(events, 0)?;
        if let Some(f) = extra {
            commits.extend(f(&self.state.derived, events)?);
        }
        let head = self.store.append_taking(&mut commits)?;
        for e in events {
            self.state.apply_event(e)?;
        }
        self.after_append(head, events.len() as u64)
    }
}

/// Hooks for the modules that extend the engine (releases, outbox, ratings, stats).
impl<S: Store> Casebook<S> {
    /// Persists decided case events atomically and applies them.
    pub(crate) fn commit_case_events(&mut self, events: &[Event]) -> Result<()> {
        self.commit_events(events, None)
    }

    /// Appends payloads to a non-case stream (releases, outbox, ...) and applies them through
    /// the derived hooks. Retries on a concurrent writer.
    pub(crate) fn append_stream(&mut self, stream: &str, payloads: Vec<String>) -> Result<()> {
        self.with_retries(|book| {
            let expected = book.store.stream_version(stream)?;
            book.store.append(&[Commit {
                stream: stream.into(),
                expected_version: expected,
                payloads: payloads.clone(),
            }])?;
            book.sync()
        })
    }

    /// Persists case events and payloads of one other stream in one atomic append, then applies
    /// them all (the case events directly, the stream's through the derived hooks).
    pub(crate) fn commit_case_events_and_stream(
        &mut self,
        events: &[Event],
        stream: &str,
        payloads: Vec<String>,
    ) -> Result<()> {
        let mut commits = self.state.case_commits(events, 1)?;
        commits.push(Commit {
            stream: stream.into(),
            expected_version: self.store.stream_version(stream)?,
            payloads,
        });
        self.store.append(&commits)?;
        // Applying from the log skips nothing and applies each event once.
        self.sync()
    }

    /// The host's token key, when a tracking secret was set.
    pub(crate) fn token_key(&self) -> Option<&TokenKey> {
        self.token_key.as_ref()
    }
}
