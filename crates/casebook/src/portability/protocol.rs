//! The protocol operations of this module: export, import, erase and merge_identity.

use chrono::{DateTime, Utc};

use crate::actor::Actor;
use crate::engine::Casebook;
use crate::error::Error;
use crate::protocol::{Op, OpResult, ProtocolError};
use crate::store::Store;

/// Runs one of the portability operations.
pub fn handle<S: Store>(
    book: &mut Casebook<S>,
    op: &Op,
    who: &Actor,
    now: DateTime<Utc>,
) -> Result<OpResult, ProtocolError> {
    Ok(match op {
        Op::Export {} => OpResult::Exported {
            export: Box::new(super::export(book, who, now)?),
        },
        Op::Import { export } => OpResult::Imported {
            imported: super::import(book, export, who)?,
        },
        Op::Erase { person } => OpResult::Erased {
            erased: super::erase(book, person, who)?,
        },
        Op::MergeIdentity { from, into } => OpResult::Merged {
            merged: super::merge_identity(book, from, into, who, now)?,
        },
        _ => return Err(Error::Internal("not a portability operation".into()).into()),
    })
}
