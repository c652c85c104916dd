//! Reading and validating rules from JSON.

use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::Value;

use super::{Action, Conditions, Rule, RuleError, Trigger};
use crate::calendar::parse_duration;
use crate::case::{Channel, Priority};
use crate::sla::ClockKind;

/// The event kinds an `event` trigger may name.
pub const EVENT_KINDS: &[&str] = &[
    "reported",
    "commented",
    "transitioned",
    "assigned",
    "priority_changed",
    "tagged",
    "linked",
    "voted",
    "watched",
    "promised",
    "visibility_changed",
    "participant_added",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrigger {
    kind: String,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    clock: Option<String>,
    #[serde(default)]
    percent: Option<u32>,
    #[serde(default)]
    after: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWhen {
    #[serde(default)]
    priority: Vec<String>,
    #[serde(default)]
    tier: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    channel: Vec<String>,
    #[serde(default)]
    votes_at_least: Option<usize>,
    #[serde(default)]
    duplicates_at_least: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    kind: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    defect: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    flag: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    trigger: RawTrigger,
    #[serde(default)]
    when: RawWhen,
    actions: Vec<RawAction>,
}

const PRIORITIES: &str = "low, normal, high, urgent";
const CHANNELS: &str = "widget, email, phone, chat, agent_on_behalf, api";

fn priority(text: &str) -> Option<Priority> {
    Some(match text {
        "low" => Priority::Low,
        "normal" => Priority::Normal,
        "high" => Priority::High,
        "urgent" => Priority::Urgent,
        _ => return None,
    })
}

fn channel(text: &str) -> Option<Channel> {
    Some(match text {
        "widget" => Channel::Widget,
        "email" => Channel::Email,
        "phone" => Channel::Phone,
        "chat" => Channel::Chat,
        "agent_on_behalf" => Channel::AgentOnBehalf,
        "api" => Channel::Api,
        _ => return None,
    })
}

fn clock(rule: usize, text: Option<String>) -> Result<ClockKind, RuleError> {
    let text = text.unwrap_or_default();
    ClockKind::ALL
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or(RuleError::UnknownClock { rule, clock: text })
}

fn trigger(rule: usize, t: RawTrigger) -> Result<Trigger, RuleError> {
    Ok(match t.kind.as_str() {
        "event" => {
            let event = t.event.unwrap_or_default();
            if !EVENT_KINDS.contains(&event.as_str()) {
                return Err(RuleError::UnknownEvent {
                    rule,
                    event,
                    known: EVENT_KINDS.join(", "),
                });
            }
            Trigger::Event(event)
        }
        "clock_at" => {
            let percent = t.percent.unwrap_or(0);
            let clock = clock(rule, t.clock)?;
            if !(1..=1000).contains(&percent) {
                return Err(RuleError::BadPercent { rule, percent });
            }
            Trigger::ClockAt { clock, percent }
        }
        "clock_breached" => Trigger::ClockBreached {
            clock: clock(rule, t.clock)?,
        },
        "no_agent_reply" => {
            let text = t.after.unwrap_or_default();
            let bad = |message: String| RuleError::BadDuration {
                rule,
                field: "after",
                text: text.clone(),
                message,
            };
            let after = parse_duration(&text).map_err(|e| bad(e.to_string()))?;
            if after <= TimeDelta::zero() {
                return Err(bad("must be longer than zero".into()));
            }
            Trigger::NoAgentReply { after }
        }
        "promise_broken" => Trigger::PromiseBroken,
        _ => return Err(RuleError::UnknownTrigger { rule, kind: t.kind }),
    })
}

fn conditions(rule: usize, w: RawWhen) -> Result<Conditions, RuleError> {
    let bad = |field, value: &str, known| RuleError::BadCondition {
        rule,
        field,
        value: value.to_string(),
        known,
    };
    Ok(Conditions {
        priority: w
            .priority
            .iter()
            .map(|p| priority(p).ok_or_else(|| bad("priority", p, PRIORITIES)))
            .collect::<Result<_, _>>()?,
        channel: w
            .channel
            .iter()
            .map(|c| channel(c).ok_or_else(|| bad("channel", c, CHANNELS)))
            .collect::<Result<_, _>>()?,
        tier: w.tier,
        tags: w.tags,
        votes_at_least: w.votes_at_least,
        duplicates_at_least: w.duplicates_at_least,
    })
}

fn action(rule: usize, n: usize, a: RawAction) -> Result<Action, RuleError> {
    let bad = |message: &str| RuleError::BadAction {
        rule,
        action: n,
        message: message.to_string(),
    };
    let nonempty = |v: Option<String>, field: &str| {
        v.filter(|s| !s.trim().is_empty())
            .ok_or_else(|| bad(&format!("{} needs a non-empty \"{field}\"", a.kind)))
    };
    Ok(match a.kind.as_str() {
        "raise_priority" => match a.to.as_deref() {
            None => Action::RaisePriority(None),
            Some(p) => Action::RaisePriority(Some(priority(p).ok_or_else(|| {
                bad(&format!("\"to\": unknown priority {p:?}: use {PRIORITIES}"))
            })?)),
        },
        "assign" => {
            if a.assignee.is_none() && a.team.is_none() {
                return Err(bad("assign needs an \"assignee\" and/or a \"team\""));
            }
            Action::Assign {
                assignee: a.assignee.clone(),
                team: a.team.clone(),
            }
        }
        "escalate_to_engineering" => Action::EscalateToEngineering {
            defect: nonempty(a.defect.clone(), "defect")?,
        },
        "add_tag" => Action::AddTag(nonempty(a.tag.clone(), "tag")?),
        "notify" => Action::Notify {
            to: nonempty(a.to.clone(), "to")?,
            message: a.message.clone().unwrap_or_default(),
        },
        "set_flag" => Action::SetFlag(nonempty(a.flag.clone(), "flag")?),
        other => {
            return Err(bad(&format!(
                "unknown action {other:?}: use raise_priority, assign, escalate_to_engineering, add_tag, notify or set_flag"
            )));
        }
    })
}

/// Reads and validates a list of rules: `[{"name", "trigger", "when"?, "actions"}, ...]`.
pub fn parse_rules(value: &Value) -> Result<Vec<Rule>, RuleError> {
    let Value::Array(items) = value else {
        return Err(RuleError::InvalidJson {
            rule: 0,
            message: "\"rules\" must be a list of rule objects".into(),
        });
    };
    let mut rules: Vec<Rule> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        // Read from text like the rest of the configuration (one reader in a build); the
        // message names no line and column of that text.
        let raw: RawRule = serde_json::to_string(item)
            .and_then(|text| serde_json::from_str(&text))
            .map_err(|e| RuleError::InvalidJson {
                rule: n,
                message: crate::protocol::error_message(&e),
            })?;
        if raw.name.trim().is_empty() {
            return Err(RuleError::EmptyName { rule: n });
        }
        if rules.iter().any(|r| r.name == raw.name) {
            return Err(RuleError::DuplicateName {
                rule: n,
                name: raw.name,
            });
        }
        if raw.actions.is_empty() {
            return Err(RuleError::NoActions { rule: n });
        }
        let trigger = trigger(n, raw.trigger)?;
        let when = conditions(n, raw.when)?;
        let actions = raw
            .actions
            .into_iter()
            .enumerate()
            .map(|(j, a)| action(n, j + 1, a))
            .collect::<Result<_, _>>()?;
        rules.push(Rule {
            name: raw.name,
            trigger,
            when,
            actions,
        });
    }
    Ok(rules)
}
