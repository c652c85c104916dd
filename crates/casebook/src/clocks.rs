//! SLA clocks of cases: the pure mapping from a case's events to [`Signal`]s, the SLA setup of a
//! casebook (calendars, policy, escalation rules), and the per-case clock views of `get`.
//!
//! Clocks are never stored: they are recomputed from the history at the instant asked, so they
//! cannot drift. See `docs/sla.md` for the mapping.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::calendar::{Calendar, CalendarSet};
use crate::case::{Case, Diagnostics, Priority};
use crate::config::ConfigChange;
use crate::error::{Error, Result};
use crate::escalation::{Rule, parse_rules};
use crate::event::{Change, Event};
use crate::sla::{self, ClockState, PauseReason, Signal, SlaPolicy, Step};
use crate::workflow::{Category, Workflow};

/// The tier of a case without a `tier` diagnostics entry.
pub const DEFAULT_TIER: &str = "standard";

/// The SLA setup of a casebook: named calendars, the policy, escalation rules, and the
/// categories of the workflow's states (to read transitions as pauses, solving and reopening).
#[derive(Clone, Debug, Default)]
pub struct SlaSetup {
    /// Named calendars.
    pub calendars: CalendarSet,
    /// The SLA policy, when one is configured.
    pub policy: Option<SlaPolicy>,
    /// Escalation rules, in order.
    pub rules: Vec<Rule>,
    /// State id → category.
    pub categories: HashMap<String, Category>,
}

impl SlaSetup {
    /// The category of a state (open for states it does not know).
    pub fn category(&self, state: &str) -> Category {
        self.categories
            .get(state)
            .copied()
            .unwrap_or(Category::Open)
    }

    /// This setup with a configuration change applied, validated: calendars are added or
    /// replaced by name, the policy and the rules replaced; the policy must only name calendars
    /// that exist.
    pub fn with_change(&self, change: &ConfigChange, workflow: &Workflow) -> Result<SlaSetup> {
        let mut next = self.clone();
        if let Some(cals) = &change.calendars {
            for (name, value) in cals {
                let cal =
                    Calendar::from_json_value(value.clone()).map_err(|source| Error::Calendar {
                        name: name.clone(),
                        source,
                    })?;
                next.calendars.insert(name.clone(), cal);
            }
        }
        if let Some(p) = &change.sla_policy {
            next.policy = Some(SlaPolicy::from_json_str(&p.to_string()).map_err(Error::SlaPolicy)?);
        }
        if let Some(p) = &next.policy {
            p.check_calendars(&next.calendars)
                .map_err(Error::SlaPolicy)?;
        }
        if let Some(r) = &change.rules {
            next.rules = parse_rules(r)?;
        }
        next.categories = workflow
            .def()
            .states
            .iter()
            .map(|s| (s.id.clone(), workflow.category(&s.id)))
            .collect();
        Ok(next)
    }

    /// Whether any rule has a time trigger.
    pub fn has_time_rules(&self) -> bool {
        self.rules
            .iter()
            .any(|r| !matches!(r.trigger, crate::escalation::Trigger::Event(_)))
    }
}

/// The customer tier: the `tier` diagnostics entry of the report, else "standard".
pub fn tier_of(case: &Case) -> String {
    tier_in(&case.diagnostics).to_string()
}

/// [`tier_of`], borrowed.
pub(crate) fn tier_ref(case: &Case) -> &str {
    tier_in(&case.diagnostics)
}

fn tier_in(d: &Diagnostics) -> &str {
    d.extra
        .get("tier")
        .map(String::as_str)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(DEFAULT_TIER)
}

/// The SLA priority of a case priority.
pub fn sla_priority(p: Priority) -> sla::Priority {
    match p {
        Priority::Low => sla::Priority::Low,
        Priority::Normal => sla::Priority::Normal,
        Priority::High => sla::Priority::High,
        Priority::Urgent => sla::Priority::Urgent,
    }
}

/// The case priority of an SLA priority (the inverse of [`sla_priority`]).
#[cfg(feature = "snapshots")]
pub(crate) fn case_priority(p: sla::Priority) -> Priority {
    match p {
        sla::Priority::Low => Priority::Low,
        sla::Priority::Normal => Priority::Normal,
        sla::Priority::High => Priority::High,
        sla::Priority::Urgent => Priority::Urgent,
    }
}

fn paused(c: Category) -> Option<PauseReason> {
    match c {
        Category::WaitingOnCustomer => Some(PauseReason::WaitingOnCustomer),
        Category::OnHold => Some(PauseReason::OnHold),
        _ => None,
    }
}

fn reply_step(actor: &Actor, internal: bool) -> Step<'static> {
    match (actor.is_staff(), internal) {
        (true, true) => Step::InternalNote,
        // The system's public messages are automatic acknowledgements: not a reply.
        (true, false) if actor.role == Role::System => Step::AutoReply,
        (true, false) => Step::AgentPublicReply,
        (false, _) => Step::CustomerMessage,
    }
}

/// Appends the signals of one event. `category` gives the category of a workflow state.
pub fn push_signals(event: &Event, category: &dyn Fn(&str) -> Category, out: &mut Vec<Signal>) {
    let at = event.at;
    event_steps(event, &mut |s| category(s), &mut |step| {
        out.push(Signal::new(at, step.to_kind()))
    });
}

/// The steps (signals, borrowed) of one event, in order.
fn event_steps<'e>(
    event: &'e Event,
    category: &mut impl FnMut(&'e str) -> Category,
    push: &mut impl FnMut(Step<'e>),
) {
    match &event.change {
        Change::Reported {
            priority,
            logged_by,
            diagnostics,
            status,
            ..
        } => {
            push(Step::CaseCreated {
                priority: sla_priority(*priority),
                tier: tier_in(diagnostics),
                logged_by_agent: logged_by.is_some(),
            });
            if let Some(reason) = paused(category(status)) {
                push(Step::Paused { reason });
            }
        }
        Change::Commented { internal, .. } => push(reply_step(&event.actor, *internal)),
        Change::Transitioned { from, to, .. } => {
            let (cf, ct) = (category(from), category(to));
            if cf.is_open() && !ct.is_open() {
                push(Step::Solved);
            } else if !cf.is_open() && ct.is_open() {
                push(Step::Reopened);
                if let Some(reason) = paused(ct) {
                    push(Step::Paused { reason });
                }
            } else if ct.is_open() {
                match (paused(cf), paused(ct)) {
                    (_, Some(reason)) if paused(cf) != Some(reason) => {
                        push(Step::Paused { reason })
                    }
                    (Some(_), None) => push(Step::Resumed),
                    _ => {}
                }
            }
        }
        Change::PriorityChanged { to, .. } => push(Step::PriorityChanged {
            priority: sla_priority(*to),
        }),
        _ => {}
    }
}

/// The signals of a case's history, read with the workflow's categories. Pure.
pub fn signals_of(events: &[Event], workflow: &Workflow) -> Vec<Signal> {
    let category = |s: &str| workflow.category(s);
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        push_signals(e, &category, &mut out);
    }
    out
}

/// The steps of a case's history up to `now`, with their instants. A history names few states:
/// their categories are remembered in a short list rather than looked up for every transition.
fn steps_of<'e>(
    events: &'e [Event],
    workflow: &Workflow,
    now: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Step<'e>)> {
    let mut known: Vec<(&str, Category)> = Vec::new();
    let mut category = |s: &'e str| match known.iter().find(|(k, _)| *k == s) {
        Some((_, c)) => *c,
        None => {
            let c = workflow.category(s);
            known.push((s, c));
            c
        }
    };
    let mut out = Vec::with_capacity(events.len() + 1);
    for e in events.iter().filter(|e| e.at <= now) {
        let at = e.at;
        event_steps(e, &mut category, &mut |step| out.push((at, step)));
    }
    out
}

/// One clock of a case as staff see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClockView {
    /// first_reply, next_reply, periodic_update or resolution.
    pub clock: String,
    /// not_started, running, paused, met or breached.
    pub state: String,
    /// The target, in business milliseconds.
    pub target_ms: i64,
    /// The calendar it is measured on.
    pub calendar: String,
    /// Whether a cycle is open (running or paused).
    pub cycle_open: bool,
    /// Start of the current (or last) cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    /// Business time counted in the current (or last) cycle.
    pub elapsed_ms: i64,
    /// Target minus elapsed; negative once breached.
    pub remaining_ms: i64,
    /// When a running cycle reaches its target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// When the current (or last) cycle went past its target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breached_at: Option<DateTime<Utc>>,
    /// Finished cycles.
    pub completed_cycles: u32,
    /// Finished cycles that went past their target.
    pub breached_cycles: u32,
}

impl From<&ClockState> for ClockView {
    fn from(c: &ClockState) -> Self {
        let state = serde_json::to_value(c.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        ClockView {
            clock: c.kind.as_str().to_string(),
            state,
            target_ms: c.target.num_milliseconds(),
            calendar: c.calendar.clone(),
            cycle_open: c.cycle_open,
            started_at: c.started_at,
            elapsed_ms: c.elapsed.num_milliseconds(),
            remaining_ms: c.remaining.num_milliseconds(),
            due_at: c.due_at,
            breached_at: c.breached_at,
            completed_cycles: c.completed_cycles,
            breached_cycles: c.breached_cycles,
        }
    }
}

/// A service target as a customer sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceTarget {
    /// The clock.
    pub clock: String,
    /// In plain words: "We aim to send you a first reply within 4 business hours."
    pub text: String,
}

/// All clocks of a case from its history at `now`; none without a policy.
pub fn clocks_of(
    events: &[Event],
    workflow: &Workflow,
    setup: &SlaSetup,
    now: DateTime<Utc>,
) -> Option<Vec<ClockState>> {
    let policy = setup.policy.as_ref()?;
    let steps = steps_of(events, workflow, now);
    sla::compute_steps(steps, policy, &setup.calendars, now, true).ok()
}

/// Adds the clock fields to a case view: clocks for staff, targets in words for everyone else.
pub fn decorate(
    view: &mut crate::view::CaseView,
    case: &Case,
    events: &[Event],
    workflow: &Workflow,
    setup: &SlaSetup,
    staff: bool,
    now: DateTime<Utc>,
) {
    let Some(policy) = &setup.policy else { return };
    if staff {
        view.clocks = clocks_of(events, workflow, setup, now)
            .map(|cs| cs.iter().map(ClockView::from).collect());
    } else {
        let targets = sla::customer_targets(policy, sla_priority(case.priority), &tier_of(case));
        view.service_targets = Some(
            targets
                .into_iter()
                .map(|t| ServiceTarget {
                    clock: t.kind.as_str().to_string(),
                    text: t.text,
                })
                .collect(),
        );
    }
}

impl<S: crate::store::Store> crate::engine::Casebook<S> {
    /// Adds the SLA fields to a case view at `now`: clocks for staff, the targets in plain words
    /// for customers. Recomputed from the case's history every time.
    pub fn add_clocks(
        &self,
        view: &mut crate::view::CaseView,
        viewer: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let setup = self.sla_setup();
        if setup.policy.is_none() {
            return Ok(());
        }
        let Some(case) = self.find(&view.id) else {
            return Ok(());
        };
        let staff = self.policy().relation(case, viewer).is_staff();
        let events = if staff {
            self.events_of(case.id)?
        } else {
            Vec::new()
        };
        decorate(view, case, &events, self.workflow(), setup, staff, now);
        Ok(())
    }
}
