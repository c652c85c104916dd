//! Metrics whose events come from other parts of Casebook: SLA clocks (SLA attainment), known
//! answers and deflection. Each is one function over the event history; where the casebook has
//! nothing to measure (no SLA policy, no reports) it answers `null` with a note, never a made-up
//! number.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::engine::Casebook;
use crate::event::{Change, Event};
use crate::outcome::Outcome;
use crate::store::Store;

/// A metric that may not be computable in this casebook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PendingMetric {
    /// The value (a rate from 0 to 1, or per-target values), or null.
    pub value: Option<serde_json::Value>,
    /// Why it is null, or how it was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn none(why: &str) -> PendingMetric {
    PendingMetric {
        value: None,
        note: Some(why.to_string()),
    }
}

/// SLA attainment per target: of the clock cycles of the cohort's cases that completed by the
/// end of the period, the share that met its target (`met / (met + breached)`), per clock kind.
pub(crate) fn sla_attainment<S: Store>(
    book: &Casebook<S>,
    histories: &[&[Event]],
    end: DateTime<Utc>,
) -> PendingMetric {
    let setup = book.sla_setup();
    if setup.policy.is_none() {
        return none("no SLA policy is configured");
    }
    let mut per_kind: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for events in histories {
        let Some(clocks) = crate::clocks::clocks_of(events, book.workflow(), setup, end) else {
            continue;
        };
        for c in clocks {
            let kind = c.kind.as_str().to_string();
            let e = per_kind.entry(kind).or_default();
            e.0 += c.completed_cycles;
            e.1 += c.breached_cycles;
        }
    }
    if per_kind.values().all(|(completed, _)| *completed == 0) {
        return none("no SLA clock cycle completed in this period");
    }
    let value: serde_json::Map<String, serde_json::Value> = per_kind
        .into_iter()
        .filter(|(_, (completed, _))| *completed > 0)
        .map(|(k, (completed, breached))| {
            let met = completed.saturating_sub(breached);
            (k, json!({"met": met, "breached": breached, "rate": f64::from(met) / f64::from(completed)}))
        })
        .collect();
    PendingMetric {
        value: Some(value.into()),
        note: Some("completed clock cycles that met their target".into()),
    }
}

/// Known-answer rate: the cohort's cases solved by pointing to a known answer (an `answered`
/// outcome or a `duplicate` of an existing case), over the cases reported.
pub(crate) fn known_answer_rate(histories: &[&[Event]]) -> PendingMetric {
    if histories.is_empty() {
        return none("no cases were reported in this period");
    }
    let known = histories
        .iter()
        .filter(|events| {
            events.iter().any(|e| {
                matches!(
                    &e.change,
                    Change::Transitioned {
                        outcome: Some(Outcome::Answered { .. } | Outcome::Duplicate { .. }),
                        ..
                    }
                )
            })
        })
        .count();
    PendingMetric {
        value: Some(
            json!({"known": known, "reported": histories.len(), "rate": known as f64 / histories.len() as f64}),
        ),
        note: None,
    }
}

/// Deflection rate: reporters who saw a suggested answer and did not submit, over those plus the
/// cases reported, in the period.
pub(crate) fn deflection_rate<S: Store>(
    book: &Casebook<S>,
    reported: usize,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> PendingMetric {
    let deflected = book
        .derived()
        .knowledge
        .deflections
        .iter()
        .filter(|(at, _)| *at >= start && *at < end)
        .count();
    let attempts = deflected + reported;
    if attempts == 0 {
        return none("no reports and no deflections in this period");
    }
    PendingMetric {
        value: Some(
            json!({"deflected": deflected, "reported": reported, "rate": deflected as f64 / attempts as f64}),
        ),
        note: None,
    }
}
