//! The case table's section of a snapshot: one record per case in slot order, its fields in a
//! fixed order without names, instants as integers; the rarely-set extras (boxed in memory) as
//! a MessagePack map of their own, only when the case has any.

use crate::case::{Case, CaseExtras, Channel, Diagnostics, Extras, Priority, Reporter, Visibility};
use crate::ids::CaseId;
use crate::snapshot::{SectionReader, SectionWriter, SnapshotError};
use crate::table::CaseTable;

fn channel_code(c: Channel) -> u8 {
    match c {
        Channel::Widget => 0,
        Channel::Email => 1,
        Channel::Phone => 2,
        Channel::Chat => 3,
        Channel::AgentOnBehalf => 4,
        Channel::Api => 5,
    }
}

fn channel(code: u8) -> Result<Channel, SnapshotError> {
    Ok(match code {
        0 => Channel::Widget,
        1 => Channel::Email,
        2 => Channel::Phone,
        3 => Channel::Chat,
        4 => Channel::AgentOnBehalf,
        5 => Channel::Api,
        _ => return Err(bad("an unknown channel")),
    })
}

/// The snapshot code of a priority (shared with the SLA signals section).
pub(super) fn priority_code(p: Priority) -> u8 {
    match p {
        Priority::Low => 0,
        Priority::Normal => 1,
        Priority::High => 2,
        Priority::Urgent => 3,
    }
}

/// The priority of a snapshot code, if it is one.
pub(super) fn priority_of(code: u8) -> Option<Priority> {
    Some(match code {
        0 => Priority::Low,
        1 => Priority::Normal,
        2 => Priority::High,
        3 => Priority::Urgent,
        _ => return None,
    })
}

fn priority(code: u8) -> Result<Priority, SnapshotError> {
    priority_of(code).ok_or_else(|| bad("an unknown priority"))
}

fn visibility_code(v: Visibility) -> u8 {
    match v {
        Visibility::Private => 0,
        Visibility::Organization => 1,
        Visibility::Public => 2,
    }
}

fn visibility(code: u8) -> Result<Visibility, SnapshotError> {
    Ok(match code {
        0 => Visibility::Private,
        1 => Visibility::Organization,
        2 => Visibility::Public,
        _ => return Err(bad("an unknown visibility")),
    })
}

fn bad(what: &str) -> SnapshotError {
    SnapshotError::Corrupt(format!("the case table: {what}"))
}

/// Writes the cases of slots `slots` (a part of the table), in slot order.
pub(super) fn write(
    table: &CaseTable,
    slots: std::ops::Range<usize>,
) -> Result<Vec<u8>, crate::error::Error> {
    let mut w = SectionWriter::default();
    w.u64(slots.len() as u64);
    for c in table.iter().skip(slots.start).take(slots.len()) {
        write_case(&mut w, c)?;
        w.end_record();
    }
    Ok(w.finish())
}

fn write_case(w: &mut SectionWriter, c: &Case) -> Result<(), crate::error::Error> {
    w.bytes(c.id.0.as_bytes());
    w.u64(c.number);
    w.opt_str(c.reporter.user.as_deref());
    w.opt_str(c.reporter.email());
    w.opt_str(c.reporter.name());
    w.opt_str(c.org.as_deref());
    w.u8(channel_code(c.channel));
    w.str(&c.subject);
    w.str(&c.description);
    let d = &c.diagnostics;
    w.opt_str(d.app_version.as_deref());
    w.opt_str(d.os.as_deref());
    w.opt_str(d.device.as_deref());
    w.opt_str(d.locale.as_deref());
    w.u64(d.extra.len() as u64);
    for (k, v) in &d.extra {
        w.str(k);
        w.str(v);
    }
    w.u64(c.tags.len() as u64);
    for t in &c.tags {
        w.str(t);
    }
    w.u8(priority_code(c.priority));
    w.str(&c.status);
    w.opt_str(c.assignee.as_deref());
    w.opt_str(c.team.as_deref());
    w.u8(visibility_code(c.visibility));
    w.u8(u8::from(c.show_reporter));
    w.u64(u64::from(c.comments));
    w.u64(u64::from(c.public_replies));
    w.u64(u64::from(c.reopened));
    w.instant(&c.created_at);
    w.instant(&c.updated_at);
    w.u64(c.version);
    let extras = c.extras();
    if extras.is_empty() {
        w.bytes(&[]);
    } else {
        let bytes = rmp_serde::to_vec_named(extras)
            .map_err(|e| crate::error::Error::Internal(format!("encoding a snapshot: {e}")))?;
        w.bytes(&bytes);
    }
    Ok(())
}

/// Reads back the cases of a part [`write`] wrote.
pub(super) fn read(packed: &[u8]) -> Result<Vec<Case>, SnapshotError> {
    let mut r = SectionReader::new(packed);
    let n = r.count(40)?;
    let mut cases = Vec::with_capacity(n);
    for _ in 0..n {
        cases.push(read_case(&mut r)?);
    }
    r.finish()?;
    Ok(cases)
}

/// Puts decoded cases into the table, after those already there (slot order).
pub(super) fn fill(table: &mut CaseTable, cases: Vec<Case>) -> Result<(), SnapshotError> {
    for case in cases {
        let before = table.len();
        table.put(case);
        if table.len() == before {
            return Err(bad("a case is there twice"));
        }
    }
    Ok(())
}

fn read_case(r: &mut SectionReader<'_>) -> Result<Case, SnapshotError> {
    let id = uuid::Uuid::from_slice(r.bytes()?).map_err(|_| bad("an id is not 16 bytes"))?;
    let number = r.u64()?;
    let reporter = Reporter::new(r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let org = r.opt_str()?;
    let channel = channel(r.u8()?)?;
    let subject = r.str()?;
    let description = r.str()?;
    let mut diagnostics = Diagnostics {
        app_version: r.opt_str()?,
        os: r.opt_str()?,
        device: r.opt_str()?,
        locale: r.opt_str()?,
        extra: Default::default(),
    };
    for _ in 0..r.count(2)? {
        let k = r.str()?;
        let v = r.str()?;
        diagnostics.extra.insert(k, v);
    }
    let n = r.count(1)?;
    let mut tags = Vec::with_capacity(n);
    for _ in 0..n {
        tags.push(r.str()?);
    }
    let priority = priority(r.u8()?)?;
    let status = r.str()?;
    let assignee = r.opt_str()?;
    let team = r.opt_str()?;
    let visibility = visibility(r.u8()?)?;
    let show_reporter = r.bool()?;
    let comments = r.u32()?;
    let public_replies = r.u32()?;
    let reopened = r.u32()?;
    let created_at = r.instant()?;
    let updated_at = r.instant()?;
    let version = r.u64()?;
    let extras = match r.bytes()? {
        [] => Extras::default(),
        bytes => Extras::new(
            rmp_serde::from_slice::<CaseExtras>(bytes)
                .map_err(|e| bad(&format!("the extras of a case: {e}")))?,
        ),
    };
    Ok(Case {
        id: CaseId(id),
        number,
        reporter,
        org,
        channel,
        subject,
        description,
        diagnostics,
        tags,
        priority,
        status,
        assignee,
        team,
        visibility,
        show_reporter,
        comments,
        public_replies,
        reopened,
        created_at,
        updated_at,
        version,
        extras,
    })
}
