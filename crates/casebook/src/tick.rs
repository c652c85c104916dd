//! Time and follow-ups: `tick(now)` applies everything due (time-triggered rules, broken
//! promises), `next_wakeup()` says when to call again, and after each command the event-triggered
//! rules and kept promises are applied. Everything a rule does is an event in the case timeline,
//! after a `rule_fired` event naming the rule; nothing needs an approval.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{Case, PromiseState};
use crate::config::ConfigChange;
use crate::derived::Derived;
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::escalation::{
    Trigger, actions_for, conditions_hold, event_episode, fired, promise_deadline, time_candidates,
};
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::outcome::Outcome;
use crate::store::Store;
use crate::table::{CaseTable, Slot};
use crate::workflow::Workflow;

type Instant = DateTime<Utc>;

/// One event a tick (or a follow-up) applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Applied {
    /// The case key, e.g. "CB-42".
    pub case: String,
    /// The event's sequence number in the case.
    pub seq: u64,
    /// The kind of change: rule_fired, priority_changed, promise_broken, ...
    pub kind: String,
    /// The rule that caused it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// What a tick did and when to call again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TickReport {
    /// The events applied, in order.
    pub applied: Vec<Applied>,
    /// When something next comes due (none: nothing is scheduled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_wakeup: Option<DateTime<Utc>>,
}

/// Applies the SLA parts of a configuration change to the derived deadlines (on configure, on
/// open, when following other writers).
pub(crate) fn apply_config(
    derived: &mut Derived,
    change: &ConfigChange,
    workflow: &Workflow,
    table: &CaseTable,
) -> Result<()> {
    let sla = change.calendars.is_some()
        || change.sla_policy.is_some()
        || change.rules.is_some()
        || change.workflow.is_some();
    if sla {
        let setup = derived.deadlines.setup().with_change(change, workflow)?;
        derived.deadlines.reconfigure(setup, table);
    }
    Ok(())
}

fn events_for(case: &Case, changes: Vec<Change>, actor: &Actor, now: Instant) -> Vec<Event> {
    changes
        .into_iter()
        .enumerate()
        .map(|(i, change)| Event {
            case: case.id,
            seq: case.version + 1 + i as u64,
            at: now,
            actor: actor.clone(),
            change,
        })
        .collect()
}

/// Folds changes into a scratch copy so that later decisions see earlier ones.
fn fold_into(case: &mut Case, changes: &[Change], actor: &Actor, now: Instant) -> Result<()> {
    for change in changes {
        let event = Event {
            case: case.id,
            seq: case.version + 1,
            at: now,
            actor: actor.clone(),
            change: change.clone(),
        };
        crate::fold::apply_to(case, &event)?;
    }
    Ok(())
}

fn rule_of(change: &Change, current: &mut Option<String>) -> Option<String> {
    match change {
        Change::RuleFired { rule, .. } => *current = Some(rule.clone()),
        Change::PromiseBroken { .. } | Change::PromiseKept { .. } => *current = None,
        _ => {}
    }
    current.clone()
}

impl<S: Store> Casebook<S> {
    /// Checks the SLA parts of a configuration change (calendars, policy, rules) before it is
    /// stored.
    pub(crate) fn check_sla_config(&self, change: &ConfigChange) -> Result<()> {
        let workflow = match &change.workflow {
            Some(def) => Workflow::new(def.clone())?,
            None => self.workflow().clone(),
        };
        self.derived()
            .deadlines
            .setup()
            .with_change(change, &workflow)
            .map(|_| ())
    }

    /// The SLA setup in force.
    pub fn sla_setup(&self) -> &crate::clocks::SlaSetup {
        self.derived().deadlines.setup()
    }

    /// When the host should call [`Casebook::tick`] next (none: nothing is scheduled). O(1).
    pub fn next_wakeup(&self) -> Option<Instant> {
        self.derived().deadlines.next_wakeup()
    }

    /// The scheduled deadline of one case (for tests and diagnostics).
    pub fn deadline_of(&self, id: CaseId) -> Option<Instant> {
        self.derived().deadlines.deadline_of(id)
    }

    /// Applies everything due at `now`: promises whose date passed unkept are marked broken,
    /// and time-triggered rules fire (once per episode). System and admins only. Costs O(due).
    pub fn tick(&mut self, now: Instant, actor: &Actor) -> Result<TickReport> {
        if !matches!(actor.role, Role::Admin | Role::System) {
            return Err(Error::forbidden(
                "tick",
                actor.role,
                "only the system (or an admin) runs the SLA timer",
            ));
        }
        self.derived_mut().deadlines.begin_batch();
        let applied = self.tick_due(now, actor);
        // Schedules the cases the tick touched, once each, and forgets the clocks remembered
        // for them (only valid during this tick), whether or not the tick succeeded.
        let (derived, table) = self.derived_and_cases();
        derived.deadlines.end_batch(table);
        Ok(TickReport {
            applied: applied?,
            next_wakeup: self.next_wakeup(),
        })
    }

    /// Decides for every due case, then stores all their events in one atomic append.
    fn tick_due(&mut self, now: Instant, actor: &Actor) -> Result<Vec<Applied>> {
        let time_rules = self.sla_setup().has_time_rules();
        let mut events = Vec::new();
        let mut quiet = Vec::new();
        for id in self.derived().deadlines.due(now) {
            let Some(slot) = self.cases().slot_of(id) else {
                continue;
            };
            if time_rules {
                // Computed once here; the hook reuses them when it schedules the case again.
                self.derived_mut().deadlines.remember_clocks(slot, id, now);
            }
            let case = self.cases().at(slot);
            let changes = self.due_changes(case, actor, now)?;
            if changes.is_empty() {
                quiet.push(case.clone());
            } else {
                events.extend(events_for(case, changes, actor, now));
            }
        }
        for case in &quiet {
            self.reschedule(case, now);
        }
        self.commit_and_list(&events)
    }

    fn due_changes(&self, case: &Case, actor: &Actor, now: Instant) -> Result<Vec<Change>> {
        let deadlines = &self.derived().deadlines;
        let setup = deadlines.setup();
        let mut changes: Vec<Change> = case
            .commitments()
            .iter()
            .filter(|c| c.state == PromiseState::Open)
            .filter(|c| c.due.and_then(promise_deadline).is_some_and(|d| d <= now))
            .map(|c| Change::PromiseBroken { number: c.number })
            .collect();
        if !setup.has_time_rules() {
            return Ok(changes);
        }
        // The case as the decisions so far leave it; copied only when a later decision must see
        // an earlier one.
        let mut scratch: Option<Case> = None;
        if !changes.is_empty() {
            let mut folded = case.clone();
            fold_into(&mut folded, &changes, actor, now)?;
            scratch = Some(folded);
        }
        // A case not in the table (none is) has no signals: a slot past the end.
        let slot = self.cases().slot_of(case.id).unwrap_or(Slot::MAX);
        let signals = deadlines.signals(slot);
        let clocks = deadlines.clocks_at(slot, case.id, now);
        let due: Vec<_> = time_candidates(
            &setup.rules,
            scratch.as_ref().unwrap_or(case),
            signals,
            &clocks,
            &setup.calendars,
            now,
        )
        .into_iter()
        .filter(|c| c.at <= now)
        .collect();
        for (i, c) in due.iter().enumerate() {
            let Some(rule) = setup.rules.get(c.rule) else {
                continue;
            };
            let current = scratch.as_ref().unwrap_or(case);
            if fired(current, &rule.name, &c.episode) {
                continue;
            }
            let acts = actions_for(rule, current, &c.episode);
            if i + 1 < due.len() {
                let mut folded = scratch.take().unwrap_or_else(|| case.clone());
                fold_into(&mut folded, &acts, actor, now)?;
                scratch = Some(folded);
            }
            changes.extend(acts);
        }
        Ok(changes)
    }

    fn reschedule(&mut self, case: &Case, now: Instant) {
        if let Some(slot) = self.cases().slot_of(case.id) {
            self.derived_mut().deadlines.schedule(slot, case, now);
        }
    }

    /// Stores and applies events (of one or many cases) atomically, and lists them.
    fn commit_and_list(&mut self, events: &[Event]) -> Result<Vec<Applied>> {
        self.commit_events(events, None)?;
        let mut rule = None;
        let mut last_case = None;
        let mut key = String::new();
        Ok(events
            .iter()
            .map(|e| {
                if last_case != Some(e.case) {
                    last_case = Some(e.case);
                    rule = None;
                    key = self
                        .cases()
                        .get(e.case)
                        .map(|c| self.key_of(c))
                        .unwrap_or_default();
                }
                Applied {
                    case: key.clone(),
                    seq: e.seq,
                    kind: e.change.kind().to_string(),
                    rule: rule_of(&e.change, &mut rule),
                }
            })
            .collect())
    }

    /// After a command: keeps promises whose target release shipped as a fix, and fires the
    /// event-triggered rules whose event kind occurred (their own actions trigger no rules).
    pub(crate) fn after_command(
        &mut self,
        touched: &[(CaseId, &'static str)],
        actor: &Actor,
        now: Instant,
    ) -> Result<Vec<Applied>> {
        // The hot path (reports, comments without event rules) costs one scan of the rules.
        let event_rules = self
            .sla_setup()
            .rules
            .iter()
            .any(|r| matches!(r.trigger, Trigger::Event(_)));
        if !event_rules && !touched.iter().any(|(_, k)| *k == "transitioned") {
            return Ok(Vec::new());
        }
        let mut events = Vec::new();
        let mut seen: Vec<CaseId> = Vec::new();
        for (id, _) in touched {
            if seen.contains(id) {
                continue;
            }
            seen.push(*id);
            let Some(case) = self.cases().get(*id).cloned() else {
                continue;
            };
            let kinds: Vec<&str> = touched
                .iter()
                .filter(|(c, _)| c == id)
                .map(|(_, k)| *k)
                .collect();
            let changes = self.follow_ups(&case, &kinds, actor, now)?;
            events.extend(events_for(&case, changes, actor, now));
        }
        self.commit_and_list(&events)
    }

    fn follow_ups(
        &self,
        case: &Case,
        kinds: &[&str],
        actor: &Actor,
        now: Instant,
    ) -> Result<Vec<Change>> {
        let mut changes: Vec<Change> = Vec::new();
        if let Some(Outcome::Fixed { version }) = &case.outcome() {
            changes.extend(
                case.commitments()
                    .iter()
                    .filter(|c| {
                        c.state == PromiseState::Open
                            && c.target_release.as_deref() == Some(version.as_str())
                    })
                    .map(|c| Change::PromiseKept {
                        number: c.number,
                        release: Some(version.clone()),
                    }),
            );
        }
        let setup = self.derived().deadlines.setup().clone();
        let matching: Vec<_> = setup
            .rules
            .iter()
            .filter(|r| matches!(&r.trigger, Trigger::Event(k) if kinds.contains(&k.as_str())))
            .collect();
        if matching.is_empty() {
            return Ok(changes);
        }
        let mut scratch = case.clone();
        fold_into(&mut scratch, &changes, actor, now)?;
        let events = self.events_of(case.id)?;
        for rule in matching {
            if !conditions_hold(rule, &scratch) {
                continue;
            }
            let Some(episode) = event_episode(rule, &events) else {
                continue;
            };
            if fired(&scratch, &rule.name, &episode) {
                continue;
            }
            let acts = actions_for(rule, &scratch, &episode);
            fold_into(&mut scratch, &acts, actor, now)?;
            changes.extend(acts);
        }
        Ok(changes)
    }
}
