//! Data portability: exports (a customer's own cases, or a whole casebook), imports of a casebook
//! export into another casebook or store, erasure of a person's personal data, and merging an
//! anonymous reporter into a signed-in account.
//!
//! The export format is versioned (`{"format":"casebook-export","version":1,...}`) and described
//! by the JSON Schema `docs/schema/export.schema.json`; docs/portability.md explains it.

mod erase;
mod export;
mod format;
mod import;
mod merge;
#[cfg(feature = "portability")]
mod protocol;

pub use erase::{EraseSummary, erase};
pub use export::{export, write_export};
pub use format::{Export, ExportBody, ExportedEvent, FORMAT, PersonRef, VERSION};
pub use import::{ImportSummary, import, import_reader};
pub use merge::{AnonymousRef, MergeSummary, merge_identity};
#[cfg(feature = "portability")]
pub use protocol::handle;

use thiserror::Error;

use crate::actor::{Actor, Role};
use crate::error::{Error, ErrorCode, Result};

/// A failure specific to exports and imports.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PortabilityError {
    /// The document is not a casebook export this version can read.
    #[error("not a casebook export this version can load: {0}")]
    Format(String),
    /// Imports go into an empty casebook only.
    #[error(
        "the target casebook already holds {events} event(s): import into a new, empty casebook (a fresh file or schema)"
    )]
    TargetNotEmpty {
        /// How many events it holds.
        events: u64,
    },
}

impl PortabilityError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            PortabilityError::Format(_) => ErrorCode::ExportFormat,
            PortabilityError::TargetNotEmpty { .. } => ErrorCode::ImportTargetNotEmpty,
        }
    }
}

pub(crate) fn admin_only(actor: &Actor, action: &str) -> Result<()> {
    if matches!(actor.role, Role::Admin | Role::System) {
        Ok(())
    } else {
        Err(Error::forbidden(
            action,
            actor.role,
            "only admins and the system may do this",
        ))
    }
}
