//! Metrics whose events come from other parts of Casebook: SLA clocks (SLA attainment) and known
//! answers / deflection. Each is one function over the event history; until those events exist
//! in this build it answers `null` with a note, never a made-up number.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::event::Event;

/// A metric that may not be computable in this build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PendingMetric {
    /// The value (a rate from 0 to 1, or per-target values), or null.
    pub value: Option<serde_json::Value>,
    /// Why it is null, or how it was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn missing(what: &str) -> PendingMetric {
    PendingMetric {
        value: None,
        note: Some(format!(
            "not computed: this casebook records no {what} events yet"
        )),
    }
}

/// SLA attainment per target: met / (met + breached) of the SLA clock events in the cohort.
pub(crate) fn sla_attainment(histories: &[&[Event]]) -> PendingMetric {
    let _ = histories;
    missing("SLA clock (met/breached)")
}

/// Known-answer rate: cases answered with a known answer / cases reported.
pub(crate) fn known_answer_rate(histories: &[&[Event]]) -> PendingMetric {
    let _ = histories;
    missing("known-answer")
}

/// Deflection rate: reports abandoned after a suggested answer / report attempts.
pub(crate) fn deflection_rate(histories: &[&[Event]]) -> PendingMetric {
    let _ = histories;
    missing("deflection")
}
