//! Folding signals into clock states.
//!
//! The fold works on [`Step`]s (small, `Copy`, nothing cloned per signal) and on indices into the
//! instants of the history: business time between any two of them is a subtraction of running
//! totals computed once per calendar. Each clock keeps its counted stretches in a buffer reused
//! from cycle to cycle, and the rule for the current priority and tier is looked up only when
//! they change.

use chrono::{DateTime, TimeDelta, Utc};

use super::signal::Step;
use super::{
    ClockKind, ClockState, ClockStatus, PauseReason, Priority, Signal, SlaError, SlaPolicy, SlaRule,
};
use crate::calendar::{CalendarSet, Timeline};

type Instant = DateTime<Utc>;

/// Precomputed calendar stretches over the life of the case, one per calendar used.
struct Timelines<'a> {
    calendars: &'a CalendarSet,
    from: Instant,
    to: Instant,
    /// The instants of the signals (ascending) and `now` last; spans refer to them by index.
    instants: Vec<Instant>,
    /// Few calendars per case: a short list beats hashing. With each timeline, the business
    /// time from the creation to every instant.
    built: Vec<(&'a str, Timeline<'a>, Vec<TimeDelta>)>,
}

impl<'a> Timelines<'a> {
    /// The index of a calendar's timeline, built on first use.
    fn index(&mut self, name: &'a str) -> Option<usize> {
        if let Some(i) = self.built.iter().position(|(n, _, _)| *n == name) {
            return Some(i);
        }
        let cal = self.calendars.get(name)?;
        let tl = cal.timeline(self.from, self.to);
        let totals = tl.running_totals(&self.instants);
        self.built.push((name, tl, totals));
        Some(self.built.len() - 1)
    }
}

/// The verdict on a cycle.
#[derive(Clone, Copy, Debug)]
struct Judged<'a> {
    target: TimeDelta,
    calendar: &'a str,
    elapsed: TimeDelta,
    /// When the elapsed time reached the target, if it did.
    reached_at: Option<Instant>,
}

impl Judged<'_> {
    fn breached(&self) -> bool {
        self.elapsed > self.target
    }
}

/// Judges cycles under the rule for the current priority and tier.
struct Judge<'a> {
    policy: &'a SlaPolicy,
    timelines: Timelines<'a>,
    priority: Priority,
    tier: &'a str,
    /// The rule for `priority` and `tier` (outer `None`: not looked up since they changed).
    rule: Option<Option<&'a SlaRule>>,
    /// The index of the rule's timeline, once resolved.
    timeline: Option<usize>,
}

impl<'a> Judge<'a> {
    fn set_priority(&mut self, priority: Priority) {
        self.priority = priority;
        self.rule = None;
    }

    fn set_tier(&mut self, tier: &'a str) {
        self.tier = tier;
        self.rule = None;
    }

    fn rule(&mut self) -> Option<&'a SlaRule> {
        if let Some(r) = self.rule {
            return r;
        }
        let policy: &'a SlaPolicy = self.policy;
        let r = policy.rule_for(self.priority, self.tier);
        self.rule = Some(r);
        self.timeline = None;
        r
    }

    /// The index of the timeline of the current rule's calendar.
    fn timeline(&mut self, rule: &'a SlaRule) -> Option<usize> {
        if let Some(i) = self.timeline {
            return Some(i);
        }
        let i = self.timelines.index(&rule.calendar)?;
        self.timeline = Some(i);
        Some(i)
    }

    /// Judges a cycle made of `spans` (and a stretch still running, if any).
    fn judge(
        &mut self,
        kind: ClockKind,
        spans: &[(usize, usize)],
        running: Option<(usize, usize)>,
    ) -> Option<Judged<'a>> {
        let rule = self.rule()?;
        let target = rule.targets.get(kind)?;
        let i = self.timeline(rule)?;
        let (_, timeline, totals) = self.timelines.built.get(i)?;
        let instants = &self.timelines.instants;
        let mut elapsed = TimeDelta::zero();
        let mut reached_at = None;
        for &(s, e) in spans.iter().chain(running.as_ref()) {
            let len = totals[e] - totals[s];
            if reached_at.is_none() && elapsed + len >= target && len > TimeDelta::zero() {
                reached_at = timeline.add(instants[s], target - elapsed).ok();
            }
            elapsed += len;
        }
        Some(Judged {
            target,
            calendar: &rule.calendar,
            elapsed,
            reached_at,
        })
    }
}

/// The open cycle of a clock: where it started and since when it runs (none while paused).
#[derive(Clone, Copy, Debug)]
struct Open {
    start: usize,
    running_since: Option<usize>,
}

/// The last finished cycle of a clock.
#[derive(Clone, Copy, Debug)]
struct Last<'a> {
    start: usize,
    /// None when no rule or target applied at its end (it is judged again at `now`).
    judged: Option<Judged<'a>>,
}

/// One clock: its open cycle and the stretches it counted (as indices into the instants), its
/// last finished cycle and the stretches that one counted. The two buffers are swapped, not
/// reallocated, when a cycle finishes.
#[derive(Default)]
struct Track<'a> {
    open: Option<Open>,
    spans: Vec<(usize, usize)>,
    last: Option<Last<'a>>,
    last_spans: Vec<(usize, usize)>,
    completed: u32,
    breached: u32,
}

fn pauses(kind: ClockKind, reason: PauseReason) -> bool {
    match reason {
        PauseReason::WaitingOnCustomer => true,
        PauseReason::OnHold => matches!(kind, ClockKind::PeriodicUpdate | ClockKind::Resolution),
    }
}

struct Fold<'a> {
    judge: Judge<'a>,
    pause: Option<PauseReason>,
    solved: bool,
    first_reply_done: bool,
    unanswered_since: Option<usize>,
    tracks: [Track<'a>; 4],
}

impl<'a> Fold<'a> {
    fn paused(&self, kind: ClockKind) -> bool {
        self.pause.is_some_and(|r| pauses(kind, r))
    }

    /// Opens a cycle counting from `start` (which may be before the signal that opens it, e.g.
    /// an unanswered message from before a reopening).
    fn open(&mut self, kind: ClockKind, start: usize) {
        let running = !self.paused(kind);
        let t = &mut self.tracks[kind as usize];
        if t.open.is_none() {
            t.open = Some(Open {
                start,
                running_since: running.then_some(start),
            });
        }
    }

    fn close(&mut self, kind: ClockKind, at: usize) {
        let t = &mut self.tracks[kind as usize];
        let Some(open) = t.open.take() else {
            return;
        };
        if let Some(since) = open.running_since {
            t.spans.push((since, at));
        }
        let judged = self.judge.judge(kind, &t.spans, None);
        t.completed += 1;
        if judged.as_ref().is_some_and(Judged::breached) {
            t.breached += 1;
        }
        std::mem::swap(&mut t.spans, &mut t.last_spans);
        t.spans.clear();
        t.last = Some(Last {
            start: open.start,
            judged,
        });
    }

    fn set_pause(&mut self, pause: Option<PauseReason>, at: usize) {
        // Bank the running stretches of clocks the new state pauses, restart the others.
        let old = self.pause;
        self.pause = pause;
        for kind in ClockKind::ALL {
            let was = old.is_some_and(|r| pauses(kind, r));
            let is = self.paused(kind);
            let t = &mut self.tracks[kind as usize];
            let Some(c) = t.open.as_mut() else {
                continue;
            };
            if !was && is {
                if let Some(since) = c.running_since.take() {
                    t.spans.push((since, at));
                }
            } else if was && !is && c.running_since.is_none() {
                c.running_since = Some(at);
            }
        }
    }

    fn apply(&mut self, s: Step<'a>, at: usize) {
        match s {
            Step::CaseCreated { .. } => {} // only the first one counts; handled by caller
            Step::CustomerMessage => {
                if self.pause == Some(PauseReason::WaitingOnCustomer) && !self.solved {
                    self.set_pause(None, at);
                }
                let since = *self.unanswered_since.get_or_insert(at);
                if !self.solved && self.first_reply_done {
                    self.open(ClockKind::NextReply, since);
                }
            }
            Step::AgentPublicReply => {
                self.unanswered_since = None;
                if self.solved {
                    return;
                }
                self.close(ClockKind::FirstReply, at);
                self.first_reply_done = true;
                self.close(ClockKind::NextReply, at);
                self.close(ClockKind::PeriodicUpdate, at);
                self.open(ClockKind::PeriodicUpdate, at);
            }
            Step::AutoReply | Step::InternalNote | Step::PolicyChanged => {}
            Step::Paused { reason } => {
                if !self.solved {
                    self.set_pause(Some(reason), at);
                }
            }
            Step::Resumed => self.set_pause(None, at),
            Step::Solved => {
                if self.solved {
                    return;
                }
                self.set_pause(None, at);
                for kind in ClockKind::ALL {
                    self.close(kind, at);
                }
                self.first_reply_done = true;
                self.unanswered_since = None;
                self.solved = true;
            }
            Step::Reopened => {
                if !self.solved {
                    return;
                }
                self.solved = false;
                self.open(ClockKind::Resolution, at);
                self.open(ClockKind::PeriodicUpdate, at);
                if let Some(since) = self.unanswered_since {
                    self.open(ClockKind::NextReply, since);
                }
            }
            Step::PriorityChanged { priority } => self.judge.set_priority(priority),
            Step::TierChanged { tier } => self.judge.set_tier(tier),
        }
    }

    fn report(&mut self, kind: ClockKind, now: usize, with_due: bool) -> Option<ClockState> {
        let rule = self.judge.rule()?;
        let target = rule.targets.get(kind)?;
        let track = &self.tracks[kind as usize];
        let mut state = ClockState {
            kind,
            state: ClockStatus::NotStarted,
            target,
            calendar: rule.calendar.clone(),
            cycle_open: false,
            started_at: None,
            elapsed: TimeDelta::zero(),
            remaining: target,
            due_at: None,
            breached_at: None,
            completed_cycles: track.completed,
            breached_cycles: track.breached,
        };
        if let Some(open) = track.open {
            let running = open.running_since.map(|s| (s, now));
            let j = self.judge.judge(kind, &track.spans, running)?;
            state.cycle_open = true;
            state.started_at = Some(self.judge.timelines.instants[open.start]);
            state.elapsed = j.elapsed;
            state.remaining = j.target - j.elapsed;
            state.state = if j.breached() {
                ClockStatus::Breached
            } else if running.is_some() {
                ClockStatus::Running
            } else {
                ClockStatus::Paused
            };
            state.breached_at = j.reached_at.filter(|_| j.breached());
            state.due_at = if !with_due {
                None
            } else if j.reached_at.is_some() {
                j.reached_at
            } else if running.is_some() {
                let at = self.judge.timelines.instants[now];
                let i = self.judge.timeline(rule)?;
                let (_, timeline, _) = self.judge.timelines.built.get(i)?;
                timeline.add(at, state.remaining).ok()
            } else {
                None
            };
        } else if let Some(last) = track.last {
            let j = match last.judged {
                Some(j) => j,
                None => self.judge.judge(kind, &track.last_spans, None)?,
            };
            state.started_at = Some(self.judge.timelines.instants[last.start]);
            state.target = j.target;
            state.calendar = j.calendar.to_string();
            state.elapsed = j.elapsed;
            state.remaining = j.target - j.elapsed;
            state.state = if j.breached() {
                ClockStatus::Breached
            } else {
                ClockStatus::Met
            };
            state.breached_at = j.reached_at.filter(|_| j.breached());
        }
        Some(state)
    }
}

/// Computes every clock of a case at `now`.
///
/// Signals are taken in time order (a stable sort keeps the order of equal instants); those after
/// `now` are ignored, so computing with the signals up to `t` equals computing with all of them
/// at `now = t`. Signals before the first `CaseCreated` are ignored. Clocks without a target in
/// the rule matching the current priority and tier are left out; no matching rule gives none.
pub fn compute_clocks(
    signals: &[Signal],
    policy: &SlaPolicy,
    calendars: &CalendarSet,
    now: DateTime<Utc>,
) -> Result<Vec<ClockState>, SlaError> {
    compute_steps(steps_of(signals, now), policy, calendars, now, true)
}

/// [`compute_clocks`] without `due_at` (always `None`): what escalation rules read. Extrapolating
/// a running clock past `now` walks the calendar beyond the case's history, which the deadline
/// index does not need (rules compute their own instants from `elapsed`).
pub(crate) fn clocks_for_rules(
    signals: &[Signal],
    policy: &SlaPolicy,
    calendars: &CalendarSet,
    now: DateTime<Utc>,
) -> Result<Vec<ClockState>, SlaError> {
    compute_steps(steps_of(signals, now), policy, calendars, now, false)
}

fn steps_of(signals: &[Signal], now: Instant) -> Vec<(Instant, Step<'_>)> {
    signals
        .iter()
        .filter(|s| s.at <= now)
        .map(|s| (s.at, s.kind.step()))
        .collect()
}

/// [`compute_clocks`] over steps (in any order; those after `now` are ignored); `with_due`:
/// whether to extrapolate `due_at` for running clocks.
pub(crate) fn compute_steps<'a>(
    mut steps: Vec<(Instant, Step<'a>)>,
    policy: &'a SlaPolicy,
    calendars: &'a CalendarSet,
    now: DateTime<Utc>,
    with_due: bool,
) -> Result<Vec<ClockState>, SlaError> {
    policy.check_calendars(calendars)?;
    steps.retain(|(at, _)| *at <= now);
    if !steps.is_sorted_by_key(|(at, _)| *at) {
        steps.sort_by_key(|(at, _)| *at);
    }
    let Some(created_idx) = steps
        .iter()
        .position(|(_, s)| matches!(s, Step::CaseCreated { .. }))
    else {
        return Ok(Vec::new());
    };
    let (
        created_at,
        Step::CaseCreated {
            priority,
            tier,
            logged_by_agent,
        },
    ) = steps[created_idx]
    else {
        return Ok(Vec::new());
    };
    let steps = &steps[created_idx..];
    let mut instants: Vec<Instant> = Vec::with_capacity(steps.len() + 1);
    instants.extend(steps.iter().map(|(at, _)| *at));
    instants.push(now);
    let now_idx = instants.len() - 1;
    let mut fold = Fold {
        judge: Judge {
            policy,
            timelines: Timelines {
                calendars,
                from: created_at,
                to: now,
                instants,
                built: Vec::new(),
            },
            priority,
            tier,
            rule: None,
            timeline: None,
        },
        pause: None,
        solved: false,
        first_reply_done: false,
        unanswered_since: (!logged_by_agent).then_some(0),
        tracks: Default::default(),
    };
    fold.open(ClockKind::FirstReply, 0);
    fold.open(ClockKind::Resolution, 0);
    for (i, (_, s)) in steps.iter().enumerate().skip(1) {
        fold.apply(*s, i);
    }
    Ok(ClockKind::ALL
        .iter()
        .filter_map(|&k| fold.report(k, now_idx, with_due))
        .collect())
}
