//! `export`: an admin gets the whole casebook (the raw log), anyone else what they may see of
//! their own cases.

use chrono::{DateTime, Utc};

use crate::actor::{Actor, Role};
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::policy::Relation;
use crate::store::Store;

use super::format::{Export, ExportBody, ExportedEvent, FORMAT, PersonRef, VERSION};

/// Exports for `actor`: admins and the system get the whole casebook; customers, anonymous
/// reporters with a tracking token and participants get their own cases through the visibility
/// projection. Agents and engineers are refused (they export through an admin).
pub fn export<S: Store>(book: &Casebook<S>, actor: &Actor, now: DateTime<Utc>) -> Result<Export> {
    let body = match actor.role {
        Role::Admin | Role::System => whole(book)?,
        Role::Customer | Role::Anonymous => own_cases(book, actor)?,
        Role::Agent | Role::Engineer => {
            return Err(Error::forbidden(
                "exporting",
                actor.role,
                "customers export their own cases and admins the whole casebook",
            ));
        }
    };
    Ok(Export {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: now,
        body,
    })
}

fn whole<S: Store>(book: &Casebook<S>) -> Result<ExportBody> {
    let mut events = Vec::new();
    book.store().read_all(0, &mut |e| {
        let event = serde_json::from_str(&e.payload).map_err(|err| {
            crate::store::StoreError::Corrupt(format!(
                "event {} (stream {}): {err}",
                e.position, e.stream
            ))
        })?;
        events.push(ExportedEvent {
            position: e.position,
            stream: e.stream,
            seq: e.seq,
            event,
        });
        Ok(())
    })?;
    Ok(ExportBody::Casebook {
        key_prefix: book.key_prefix().to_string(),
        head: events.last().map_or(0, |e| e.position),
        events,
    })
}

fn own_cases<S: Store>(book: &Casebook<S>, actor: &Actor) -> Result<ExportBody> {
    if actor.id.is_none() && actor.email.is_none() && actor.token_case().is_none() {
        return Err(Error::forbidden(
            "exporting",
            actor.role,
            "sign in, or use the tracking token of your case, to export your cases",
        ));
    }
    let mut cases = Vec::new();
    for case in book.cases().iter() {
        let own = matches!(
            book.policy().relation(case, actor),
            Relation::Reporter | Relation::Participant
        );
        if own {
            cases.push(book.view_case(&case.id.to_string(), actor)?);
        }
    }
    Ok(ExportBody::Customer {
        person: PersonRef {
            user: actor.id.clone(),
            email: actor.email.clone(),
        },
        cases,
    })
}

/// Writes the whole casebook's export (the document [`export`] gives an admin) to `out`, one
/// event at a time, so an export of any size needs memory for one event only. Each event's
/// stored JSON is written as it is; the document reads back with [`super::import_reader`] or as
/// an [`Export`]. The writer is the host's: the core does no I/O of its own.
pub fn write_export<S: Store, W: std::io::Write>(
    book: &Casebook<S>,
    now: DateTime<Utc>,
    out: &mut W,
) -> Result<u64> {
    let io = |err: std::io::Error| {
        crate::store::StoreError::Backend(format!("writing the export failed: {err}"))
    };
    let header = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now,
        "scope": "casebook",
        "key_prefix": book.key_prefix(),
    });
    let header = header.to_string();
    // The header object without its closing brace, then the events, then the head.
    let open = header.strip_suffix('}').unwrap_or(&header);
    write!(out, "{open},\"events\":[").map_err(io)?;
    let mut head = 0;
    book.store().read_all(0, &mut |e| {
        // The payload is checked to be JSON, so a damaged log never yields a damaged export.
        serde_json::from_str::<serde::de::IgnoredAny>(&e.payload).map_err(|err| {
            crate::store::StoreError::Corrupt(format!(
                "event {} (stream {}): {err}",
                e.position, e.stream
            ))
        })?;
        let sep = if head == 0 { "" } else { "," };
        let stream = serde_json::to_string(&e.stream)
            .map_err(|err| crate::store::StoreError::Corrupt(err.to_string()))?;
        write!(
            out,
            "{sep}{{\"position\":{},\"stream\":{stream},\"seq\":{},\"event\":{}}}",
            e.position, e.seq, e.payload
        )
        .map_err(io)?;
        head = e.position;
        Ok(())
    })?;
    write!(out, "],\"head\":{head}}}").map_err(io)?;
    out.flush().map_err(io)?;
    Ok(head)
}
