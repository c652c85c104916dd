//! SLA policies: which targets apply to a case, by priority and customer tier.

use serde::{Deserialize, Serialize};

use chrono::TimeDelta;

use super::{ClockKind, SlaError};
use crate::calendar::{CalendarSet, parse_duration};

/// A case priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Low.
    Low,
    /// Normal.
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    /// Reads `low`, `normal`, `high` or `urgent`.
    pub fn parse(text: &str) -> Result<Priority, SlaError> {
        match text {
            "low" => Ok(Priority::Low),
            "normal" => Ok(Priority::Normal),
            "high" => Ok(Priority::High),
            "urgent" => Ok(Priority::Urgent),
            other => Err(SlaError::UnknownPriority(other.to_string())),
        }
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// Business-time targets of one rule; a missing target means that clock is not measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    /// From case creation to the first public agent reply.
    pub first_reply: Option<TimeDelta>,
    /// From the oldest unanswered customer message to the next public agent reply.
    pub next_reply: Option<TimeDelta>,
    /// Longest gap between public agent replies while the case is open.
    pub periodic_update: Option<TimeDelta>,
    /// From creation (or reopening) to solving.
    pub resolution: Option<TimeDelta>,
}

impl Targets {
    /// The target of one clock.
    pub fn get(&self, kind: ClockKind) -> Option<TimeDelta> {
        match kind {
            ClockKind::FirstReply => self.first_reply,
            ClockKind::NextReply => self.next_reply,
            ClockKind::PeriodicUpdate => self.periodic_update,
            ClockKind::Resolution => self.resolution,
        }
    }
}

/// One rule: matches a priority and a tier (`None` = any) and gives targets on a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaRule {
    /// The priority matched, or any.
    pub priority: Option<Priority>,
    /// The customer tier matched, or any.
    pub tier: Option<String>,
    /// Name of the calendar the targets are measured on.
    pub calendar: String,
    /// The targets.
    pub targets: Targets,
}

impl SlaRule {
    /// Whether the rule applies.
    pub fn matches(&self, priority: Priority, tier: &str) -> bool {
        self.priority.is_none_or(|p| p == priority)
            && self.tier.as_deref().is_none_or(|t| t == tier)
    }
}

/// An ordered list of rules; the first that matches a case applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaPolicy {
    /// The rules, in order.
    pub rules: Vec<SlaRule>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_reply: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next_reply: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    periodic_update: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resolution: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    priority: String,
    tier: String,
    calendar: String,
    targets: RawTargets,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    rules: Vec<RawRule>,
}

fn target(
    rule: usize,
    kind: ClockKind,
    text: &Option<String>,
) -> Result<Option<TimeDelta>, SlaError> {
    let Some(text) = text else { return Ok(None) };
    let bad = |message: String| SlaError::BadTarget {
        rule,
        clock: kind.as_str(),
        message,
    };
    let d = parse_duration(text).map_err(|e| bad(e.to_string()))?;
    if d <= TimeDelta::zero() {
        return Err(bad("a target must be longer than zero".into()));
    }
    Ok(Some(d))
}

fn format_target(d: Option<TimeDelta>) -> Option<String> {
    d.map(|d| {
        let ms = d.num_milliseconds();
        let mut out = String::new();
        let mut rest = ms;
        for (unit, len) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
            if rest >= len {
                out.push_str(&format!("{}{unit}", rest / len));
                rest %= len;
            }
        }
        out
    })
}

impl SlaPolicy {
    /// Reads and validates a policy.
    ///
    /// ```json
    /// {"rules":[{"priority":"urgent","tier":"any","calendar":"always",
    ///            "targets":{"first_reply":"1h","resolution":"8h"}},
    ///           {"priority":"any","tier":"any","calendar":"office",
    ///            "targets":{"first_reply":"4h","next_reply":"8h","periodic_update":"16h","resolution":"40h"}}]}
    /// ```
    pub fn from_json_str(text: &str) -> Result<SlaPolicy, SlaError> {
        let raw: RawPolicy =
            serde_json::from_str(text).map_err(|e| SlaError::InvalidJson(e.to_string()))?;
        if raw.rules.is_empty() {
            return Err(SlaError::EmptyPolicy);
        }
        let mut rules = Vec::with_capacity(raw.rules.len());
        for (i, r) in raw.rules.into_iter().enumerate() {
            let n = i + 1;
            let priority = match r.priority.as_str() {
                "any" => None,
                p => Some(Priority::parse(p)?),
            };
            if r.tier.trim().is_empty() {
                return Err(SlaError::EmptyName {
                    rule: n,
                    field: "tier",
                });
            }
            if r.calendar.trim().is_empty() {
                return Err(SlaError::EmptyName {
                    rule: n,
                    field: "calendar",
                });
            }
            let t = &r.targets;
            rules.push(SlaRule {
                priority,
                tier: (r.tier != "any").then_some(r.tier),
                calendar: r.calendar,
                targets: Targets {
                    first_reply: target(n, ClockKind::FirstReply, &t.first_reply)?,
                    next_reply: target(n, ClockKind::NextReply, &t.next_reply)?,
                    periodic_update: target(n, ClockKind::PeriodicUpdate, &t.periodic_update)?,
                    resolution: target(n, ClockKind::Resolution, &t.resolution)?,
                },
            });
        }
        Ok(SlaPolicy { rules })
    }

    /// The JSON form (round-trips through [`SlaPolicy::from_json_str`]).
    pub fn to_json_string(&self) -> String {
        let raw = RawPolicy {
            rules: self
                .rules
                .iter()
                .map(|r| RawRule {
                    priority: r.priority.map_or("any", Priority::as_str).to_string(),
                    tier: r.tier.clone().unwrap_or_else(|| "any".into()),
                    calendar: r.calendar.clone(),
                    targets: RawTargets {
                        first_reply: format_target(r.targets.first_reply),
                        next_reply: format_target(r.targets.next_reply),
                        periodic_update: format_target(r.targets.periodic_update),
                        resolution: format_target(r.targets.resolution),
                    },
                })
                .collect(),
        };
        serde_json::to_string(&raw).unwrap_or_default()
    }

    /// The first rule matching `priority` and `tier`.
    pub fn rule_for(&self, priority: Priority, tier: &str) -> Option<&SlaRule> {
        self.rules.iter().find(|r| r.matches(priority, tier))
    }

    /// Checks that every calendar the rules name exists in `calendars`.
    pub fn check_calendars(&self, calendars: &CalendarSet) -> Result<(), SlaError> {
        for (i, r) in self.rules.iter().enumerate() {
            if calendars.get(&r.calendar).is_none() {
                return Err(SlaError::UnknownCalendar {
                    rule: i + 1,
                    name: r.calendar.clone(),
                });
            }
        }
        Ok(())
    }
}

/// A target as a customer may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomerTarget {
    /// Which clock.
    pub kind: ClockKind,
    /// The target in business time, in milliseconds.
    pub target_ms: i64,
    /// The calendar it is measured on.
    pub calendar: String,
    /// A sentence such as "We aim to send you a first reply within 4 business hours."
    pub text: String,
}

/// Business time in plain words: "4 business hours", "1 business hour and 30 minutes".
pub fn describe_business_time(d: TimeDelta) -> String {
    let mins = (d.num_seconds() + 59) / 60;
    let (h, m) = (mins / 60, mins % 60);
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (h, m) {
        (0, m) => plural(m, "business minute", "business minutes"),
        (h, 0) => plural(h, "business hour", "business hours"),
        (h, m) => format!(
            "{} and {}",
            plural(h, "business hour", "business hours"),
            plural(m, "minute", "minutes")
        ),
    }
}

/// The targets that apply to a case of this priority and tier, in plain words, in clock order.
pub fn customer_targets(policy: &SlaPolicy, priority: Priority, tier: &str) -> Vec<CustomerTarget> {
    let Some(rule) = policy.rule_for(priority, tier) else {
        return Vec::new();
    };
    ClockKind::ALL
        .iter()
        .filter_map(|&kind| {
            let t = rule.targets.get(kind)?;
            let words = describe_business_time(t);
            let text = match kind {
                ClockKind::FirstReply => format!("We aim to send you a first reply within {words}."),
                ClockKind::NextReply => format!("We aim to answer each of your messages within {words}."),
                ClockKind::PeriodicUpdate => {
                    format!("While we work on your request, we aim to update you at least every {words}.")
                }
                ClockKind::Resolution => format!("We aim to resolve your request within {words}."),
            };
            Some(CustomerTarget {
                kind,
                target_ms: t.num_milliseconds(),
                calendar: rule.calendar.clone(),
                text,
            })
        })
        .collect()
}
