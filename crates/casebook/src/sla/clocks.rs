//! Folding signals into clock states.

use chrono::{DateTime, TimeDelta, Utc};

use super::{
    ClockKind, ClockState, ClockStatus, PauseReason, Priority, Signal, SignalKind, SlaError,
    SlaPolicy,
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
    fn get(&mut self, name: &'a str) -> Option<(&Timeline<'a>, &[TimeDelta], &[Instant])> {
        let idx = match self.built.iter().position(|(n, _, _)| *n == name) {
            Some(i) => i,
            None => {
                let cal = self.calendars.get(name)?;
                let tl = cal.timeline(self.from, self.to);
                let totals = tl.running_totals(&self.instants);
                self.built.push((name, tl, totals));
                self.built.len() - 1
            }
        };
        self.built
            .get(idx)
            .map(|(_, t, totals)| (t, totals.as_slice(), self.instants.as_slice()))
    }
}

/// A cycle of one clock: the stretches during which it counted, as indices into the instants.
#[derive(Clone, Debug, Default)]
struct Cycle {
    start: Option<usize>,
    spans: Vec<(usize, usize)>,
    running_since: Option<usize>,
}

/// The verdict on a cycle.
#[derive(Clone, Debug)]
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

#[derive(Default)]
struct Track<'a> {
    open: Option<Cycle>,
    last: Option<(Cycle, Option<Judged<'a>>)>,
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
    policy: &'a SlaPolicy,
    timelines: Timelines<'a>,
    priority: Priority,
    tier: String,
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
            t.open = Some(Cycle {
                start: Some(start),
                spans: Vec::new(),
                running_since: running.then_some(start),
            });
        }
    }

    /// Judges a cycle ending at `end` under the rule for the current priority and tier.
    fn judge(&mut self, kind: ClockKind, cycle: &Cycle, end: usize) -> Option<Judged<'a>> {
        let policy: &'a SlaPolicy = self.policy;
        let rule = policy.rule_for(self.priority, &self.tier)?;
        let target = rule.targets.get(kind)?;
        let (timeline, totals, instants) = self.timelines.get(&rule.calendar)?;
        let mut elapsed = TimeDelta::zero();
        let mut reached_at = None;
        let running = cycle.running_since.map(|s| (s, end));
        for (s, e) in cycle.spans.iter().copied().chain(running) {
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

    fn close(&mut self, kind: ClockKind, at: usize) {
        let Some(mut cycle) = self.tracks[kind as usize].open.take() else {
            return;
        };
        if let Some(since) = cycle.running_since.take() {
            cycle.spans.push((since, at));
        }
        let judged = self.judge(kind, &cycle, at);
        let t = &mut self.tracks[kind as usize];
        t.completed += 1;
        if judged.as_ref().is_some_and(Judged::breached) {
            t.breached += 1;
        }
        t.last = Some((cycle, judged));
    }

    fn set_pause(&mut self, pause: Option<PauseReason>, at: usize) {
        // Bank the running stretches of clocks the new state pauses, restart the others.
        let old = self.pause;
        self.pause = pause;
        for kind in ClockKind::ALL {
            let was = old.is_some_and(|r| pauses(kind, r));
            let is = self.paused(kind);
            let Some(c) = self.tracks[kind as usize].open.as_mut() else {
                continue;
            };
            if !was && is {
                if let Some(since) = c.running_since.take() {
                    c.spans.push((since, at));
                }
            } else if was && !is && c.running_since.is_none() {
                c.running_since = Some(at);
            }
        }
    }

    fn apply(&mut self, s: &Signal, at: usize) {
        match &s.kind {
            SignalKind::CaseCreated { .. } => {} // only the first one counts; handled by caller
            SignalKind::CustomerMessage => {
                if self.pause == Some(PauseReason::WaitingOnCustomer) && !self.solved {
                    self.set_pause(None, at);
                }
                let since = *self.unanswered_since.get_or_insert(at);
                if !self.solved && self.first_reply_done {
                    self.open(ClockKind::NextReply, since);
                }
            }
            SignalKind::AgentPublicReply => {
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
            SignalKind::AutoReply | SignalKind::InternalNote | SignalKind::PolicyChanged => {}
            SignalKind::Paused { reason } => {
                if !self.solved {
                    self.set_pause(Some(*reason), at);
                }
            }
            SignalKind::Resumed => self.set_pause(None, at),
            SignalKind::Solved => {
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
            SignalKind::Reopened => {
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
            SignalKind::PriorityChanged { priority } => self.priority = *priority,
            SignalKind::TierChanged { tier } => self.tier.clone_from(tier),
        }
    }

    fn report(&mut self, kind: ClockKind, now: usize, with_due: bool) -> Option<ClockState> {
        let policy: &'a SlaPolicy = self.policy;
        let rule = policy.rule_for(self.priority, &self.tier)?;
        let target = rule.targets.get(kind)?;
        let calendar = rule.calendar.clone();
        let track = &self.tracks[kind as usize];
        let (completed_cycles, breached_cycles) = (track.completed, track.breached);
        let mut state = ClockState {
            kind,
            state: ClockStatus::NotStarted,
            target,
            calendar,
            cycle_open: false,
            started_at: None,
            elapsed: TimeDelta::zero(),
            remaining: target,
            due_at: None,
            breached_at: None,
            completed_cycles,
            breached_cycles,
        };
        if let Some(cycle) = track.open.clone() {
            let j = self.judge(kind, &cycle, now)?;
            state.cycle_open = true;
            state.started_at = cycle.start.map(|i| self.timelines.instants[i]);
            state.elapsed = j.elapsed;
            state.remaining = j.target - j.elapsed;
            let running = cycle.running_since.is_some();
            state.state = if j.breached() {
                ClockStatus::Breached
            } else if running {
                ClockStatus::Running
            } else {
                ClockStatus::Paused
            };
            state.breached_at = j.reached_at.filter(|_| j.breached());
            state.due_at = if !with_due {
                None
            } else if j.reached_at.is_some() {
                j.reached_at
            } else if running {
                let (timeline, _, instants) = self.timelines.get(&rule.calendar)?;
                timeline.add(instants[now], state.remaining).ok()
            } else {
                None
            };
        } else if let Some((cycle, judged)) = track.last.clone() {
            let j = match judged {
                Some(j) => j,
                None => self.judge(kind, &cycle, now)?,
            };
            state.started_at = cycle.start.map(|i| self.timelines.instants[i]);
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
    compute(signals, policy, calendars, now, true)
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
    compute(signals, policy, calendars, now, false)
}

fn compute(
    signals: &[Signal],
    policy: &SlaPolicy,
    calendars: &CalendarSet,
    now: DateTime<Utc>,
    with_due: bool,
) -> Result<Vec<ClockState>, SlaError> {
    policy.check_calendars(calendars)?;
    let mut sorted: Vec<&Signal> = signals.iter().filter(|s| s.at <= now).collect();
    if !sorted.is_sorted_by_key(|s| s.at) {
        sorted.sort_by_key(|s| s.at);
    }
    let Some(created_idx) = sorted
        .iter()
        .position(|s| matches!(s.kind, SignalKind::CaseCreated { .. }))
    else {
        return Ok(Vec::new());
    };
    let created = sorted[created_idx];
    let SignalKind::CaseCreated {
        priority,
        tier,
        logged_by_agent,
    } = &created.kind
    else {
        return Ok(Vec::new());
    };
    let sorted = &sorted[created_idx..];
    let mut instants: Vec<Instant> = sorted.iter().map(|s| s.at).collect();
    instants.push(now);
    let now_idx = instants.len() - 1;
    let mut fold = Fold {
        policy,
        timelines: Timelines {
            calendars,
            from: created.at,
            to: now,
            instants,
            built: Vec::new(),
        },
        priority: *priority,
        tier: tier.clone(),
        pause: None,
        solved: false,
        first_reply_done: false,
        unanswered_since: (!logged_by_agent).then_some(0),
        tracks: Default::default(),
    };
    fold.open(ClockKind::FirstReply, 0);
    fold.open(ClockKind::Resolution, 0);
    for (i, s) in sorted.iter().enumerate().skip(1) {
        fold.apply(s, i);
    }
    Ok(ClockKind::ALL
        .iter()
        .filter_map(|&k| fold.report(k, now_idx, with_due))
        .collect())
}
