//! When rules fire and what they do. Pure: the engine gives the case, its signals and `now`.

use chrono::{DateTime, NaiveTime, Utc};

use super::{Action, Rule, Trigger};
use crate::calendar::CalendarSet;
use crate::case::{Case, Link, LinkKind, Priority, PromiseState};
use crate::event::{Change, Event};
use crate::sla::{ClockState, ClockStatus, Signal, SignalKind};

type Instant = DateTime<Utc>;

/// Whether the rule's conditions hold for the case.
pub fn conditions_hold(rule: &Rule, case: &Case) -> bool {
    let w = &rule.when;
    let votes = case.voters().len() + case.duplicates().count();
    (w.priority.is_empty() || w.priority.contains(&case.priority))
        && (w.tier.is_empty() || {
            let tier = crate::clocks::tier_ref(case);
            w.tier.iter().any(|t| t == tier)
        })
        && w.tags.iter().all(|t| case.tags.contains(t))
        && (w.channel.is_empty() || w.channel.contains(&case.channel))
        && w.votes_at_least.is_none_or(|n| votes >= n)
        && w.duplicates_at_least
            .is_none_or(|n| case.duplicates().count() >= n)
}

fn raise(p: Priority) -> Priority {
    match p {
        Priority::Low => Priority::Normal,
        Priority::Normal => Priority::High,
        Priority::High | Priority::Urgent => Priority::Urgent,
    }
}

/// The changes a firing makes: a `RuleFired` marker (the rule, its trigger and episode), then
/// each action that changes something (raising to a lower priority, a tag already there, ... are
/// left out).
pub fn actions_for(rule: &Rule, case: &Case, episode: &str) -> Vec<Change> {
    let mut out = vec![Change::RuleFired {
        rule: rule.name.clone(),
        trigger: rule.trigger.describe(),
        episode: episode.to_string(),
    }];
    let mut priority = case.priority;
    for a in &rule.actions {
        match a {
            Action::RaisePriority(to) => {
                let to = to.unwrap_or_else(|| raise(priority));
                if to > priority {
                    out.push(Change::PriorityChanged { from: priority, to });
                    priority = to;
                }
            }
            Action::Assign { assignee, team } => {
                let assignee = assignee.clone().or_else(|| case.assignee.clone());
                let team = team.clone().or_else(|| case.team.clone());
                if assignee != case.assignee || team != case.team {
                    out.push(Change::Assigned { assignee, team });
                }
            }
            Action::EscalateToEngineering { defect } => {
                let link = Link {
                    kind: LinkKind::Defect,
                    target: defect.clone(),
                    case: None,
                };
                if !case.links().contains(&link) {
                    out.push(Change::Linked { link });
                }
            }
            Action::AddTag(tag) => {
                if !case.tags.contains(tag) {
                    out.push(Change::Tagged {
                        added: vec![tag.clone()],
                        removed: Vec::new(),
                    });
                }
            }
            Action::Notify { to, message } => out.push(Change::NotificationRequested {
                rule: rule.name.clone(),
                to: to.clone(),
                message: message.clone(),
            }),
            Action::SetFlag(flag) => {
                if !case.flags().contains(flag) {
                    out.push(Change::FlagSet {
                        rule: rule.name.clone(),
                        flag: flag.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Whether the rule already fired in this episode of the case.
pub fn fired(case: &Case, rule: &str, episode: &str) -> bool {
    case.escalations()
        .iter()
        .any(|(r, e)| r == rule && e == episode)
}

/// The episode of an event-triggered rule: the run of consecutive case versions in which its
/// conditions held, named by the version it began at. Replays the history (pure).
pub fn event_episode(rule: &Rule, events: &[Event]) -> Option<String> {
    let mut case: Option<Case> = None;
    let mut start = None;
    for e in events {
        case = crate::fold::apply(case, e).ok();
        let c = case.as_ref()?;
        match (conditions_hold(rule, c), start) {
            (true, None) => start = Some(e.seq),
            (false, _) => start = None,
            _ => {}
        }
    }
    start.map(|s| format!("run@{s}"))
}

/// The end of a promise's due date (its midnight, UTC).
pub fn promise_deadline(due: chrono::NaiveDate) -> Option<Instant> {
    due.succ_opt().map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

/// A time-triggered rule that comes due at `at` (possibly already past) in an episode it has
/// not fired in yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The rule's index.
    pub rule: usize,
    /// When it comes due.
    pub at: Instant,
    /// The episode.
    pub episode: String,
}

/// The time-triggered rules of a case, with when each comes due, given its clocks at `now`.
/// Rules whose conditions do not hold are left out (conditions only change with events, and an
/// event recomputes the candidates).
pub fn time_candidates(
    rules: &[Rule],
    case: &Case,
    signals: &[Signal],
    clocks: &[ClockState],
    calendars: &CalendarSet,
    now: Instant,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if matches!(rule.trigger, Trigger::Event(_)) || !conditions_hold(rule, case) {
            continue;
        }
        let mut push = |at: Instant, episode: String| {
            if !fired(case, &rule.name, &episode) {
                out.push(Candidate {
                    rule: i,
                    at,
                    episode,
                });
            }
        };
        match &rule.trigger {
            Trigger::Event(_) => {}
            Trigger::ClockAt { clock, percent } => {
                if let Some((at, ep)) = clock_at(clocks, calendars, *clock, *percent, now) {
                    push(at, ep);
                }
            }
            Trigger::ClockBreached { clock } => {
                if let Some((at, ep)) = clock_at(clocks, calendars, *clock, 100, now) {
                    push(at, ep);
                }
            }
            Trigger::NoAgentReply { after } => {
                if let Some(since) = unanswered_since(signals) {
                    push(
                        since + *after,
                        format!("reply@{}", since.timestamp_millis()),
                    );
                }
            }
            Trigger::PromiseBroken => {
                for c in case.commitments() {
                    if c.state == PromiseState::Broken {
                        // Fires at once (the promise broke at a tick that already happened).
                        push(now, format!("promise#{}", c.number));
                    }
                }
            }
        }
    }
    out
}

/// The instant since which the unsolved case has had no public agent reply, if it is unsolved.
fn unanswered_since(signals: &[Signal]) -> Option<Instant> {
    let mut since = None;
    for s in signals {
        match s.kind {
            SignalKind::CaseCreated { .. } | SignalKind::AgentPublicReply => since = Some(s.at),
            SignalKind::Reopened => since = Some(s.at),
            SignalKind::Solved => since = None,
            _ => {}
        }
    }
    since
}

/// When an open cycle of `clock` reaches `percent` of its target, and the episode (the cycle).
fn clock_at(
    clocks: &[ClockState],
    calendars: &CalendarSet,
    clock: crate::sla::ClockKind,
    percent: u32,
    now: Instant,
) -> Option<(Instant, String)> {
    let c = clocks.iter().find(|c| c.kind == clock)?;
    if !c.cycle_open {
        return None;
    }
    let episode = format!("{}#{}", clock.as_str(), c.completed_cycles + 1);
    let threshold = c.target * percent as i32 / 100;
    if c.elapsed >= threshold {
        return Some((now, episode));
    }
    if c.state != ClockStatus::Running {
        return None;
    }
    let cal = calendars.get(&c.calendar)?;
    let at = cal.add(now, threshold - c.elapsed).ok()?;
    Some((at.max(now), episode))
}
