//! The SLA section of a snapshot: every case's signals by slot and the deadlines by case, without
//! field names, instants as integers.

use foldhash::HashMap;

use crate::clocks::{case_priority, sla_priority};
use crate::deadlines::Deadlines;
use crate::ids::CaseId;
use crate::sla::{PauseReason, Priority, Signal, SignalKind};
use crate::snapshot::{SectionReader, SectionWriter, SnapshotError};

fn bad(what: &str) -> SnapshotError {
    SnapshotError::Corrupt(format!("the SLA signals: {what}"))
}

fn priority_code(p: Priority) -> u8 {
    super::cases::priority_code(case_priority(p))
}

fn priority(code: u8) -> Result<Priority, SnapshotError> {
    super::cases::priority_of(code)
        .map(sla_priority)
        .ok_or_else(|| bad("an unknown priority"))
}

fn pause_code(r: PauseReason) -> u8 {
    match r {
        PauseReason::WaitingOnCustomer => 0,
        PauseReason::OnHold => 1,
    }
}

fn write_kind(w: &mut SectionWriter, k: &SignalKind) {
    match k {
        SignalKind::CaseCreated {
            priority,
            tier,
            logged_by_agent,
        } => {
            w.u8(0);
            w.u8(priority_code(*priority));
            w.str(tier);
            w.u8(u8::from(*logged_by_agent));
        }
        SignalKind::CustomerMessage => w.u8(1),
        SignalKind::AgentPublicReply => w.u8(2),
        SignalKind::AutoReply => w.u8(3),
        SignalKind::InternalNote => w.u8(4),
        SignalKind::Paused { reason } => {
            w.u8(5);
            w.u8(pause_code(*reason));
        }
        SignalKind::Resumed => w.u8(6),
        SignalKind::Solved => w.u8(7),
        SignalKind::Reopened => w.u8(8),
        SignalKind::PriorityChanged { priority } => {
            w.u8(9);
            w.u8(priority_code(*priority));
        }
        SignalKind::TierChanged { tier } => {
            w.u8(10);
            w.str(tier);
        }
        SignalKind::PolicyChanged => w.u8(11),
    }
}

fn read_kind(r: &mut SectionReader<'_>) -> Result<SignalKind, SnapshotError> {
    Ok(match r.u8()? {
        0 => SignalKind::CaseCreated {
            priority: priority(r.u8()?)?,
            tier: r.str()?,
            logged_by_agent: r.bool()?,
        },
        1 => SignalKind::CustomerMessage,
        2 => SignalKind::AgentPublicReply,
        3 => SignalKind::AutoReply,
        4 => SignalKind::InternalNote,
        5 => SignalKind::Paused {
            reason: match r.u8()? {
                0 => PauseReason::WaitingOnCustomer,
                1 => PauseReason::OnHold,
                _ => return Err(bad("an unknown pause reason")),
            },
        },
        6 => SignalKind::Resumed,
        7 => SignalKind::Solved,
        8 => SignalKind::Reopened,
        9 => SignalKind::PriorityChanged {
            priority: priority(r.u8()?)?,
        },
        10 => SignalKind::TierChanged { tier: r.str()? },
        11 => SignalKind::PolicyChanged,
        _ => return Err(bad("an unknown signal")),
    })
}

/// Writes the signals (slot order) and the deadlines.
pub(super) fn write(d: &Deadlines) -> Vec<u8> {
    let (signals, due_of) = d.parts();
    let mut w = SectionWriter::default();
    w.u64(signals.len() as u64);
    for list in signals {
        w.u64(list.len() as u64);
        for s in list {
            w.instant(&s.at);
            write_kind(&mut w, &s.kind);
        }
        w.end_record();
    }
    // In id order, so that equal states write equal bytes.
    let mut due: Vec<_> = due_of.iter().collect();
    due.sort_unstable();
    w.u64(due.len() as u64);
    for (id, at) in due {
        w.bytes(id.0.as_bytes());
        w.instant(at);
        w.end_record();
    }
    w.finish()
}

/// Reads what [`write`] wrote.
pub(super) fn read(packed: &[u8]) -> Result<Deadlines, SnapshotError> {
    let mut r = SectionReader::new(packed);
    let n = r.count(1)?;
    let mut signals = Vec::with_capacity(n.next_power_of_two());
    for _ in 0..n {
        let k = r.count(3)?;
        let mut list = Vec::with_capacity(k);
        for _ in 0..k {
            let at = r.instant()?;
            list.push(Signal::new(at, read_kind(&mut r)?));
        }
        signals.push(list);
    }
    let n = r.count(18)?;
    let mut due_of = HashMap::with_capacity_and_hasher(n, Default::default());
    for _ in 0..n {
        let id = uuid::Uuid::from_slice(r.bytes()?).map_err(|_| bad("an id is not 16 bytes"))?;
        due_of.insert(CaseId(id), r.instant()?);
    }
    r.finish()?;
    Ok(Deadlines::from_parts(signals, due_of))
}
