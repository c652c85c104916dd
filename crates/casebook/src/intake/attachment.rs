//! Attachments' metadata: what a report (or an email) carried; the bytes stay with the host.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decide::check_len;
use crate::error::{Error, Result};
use crate::limits::Limits;

/// Most attachments one report may list.
pub const MAX_ATTACHMENTS: usize = 50;

/// One attachment: `{"name":"crash.log","type":"text/plain","size":2048,"reference":"s3://..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The file name.
    pub name: String,
    /// The MIME type, e.g. `image/png`.
    #[serde(rename = "type")]
    pub content_type: String,
    /// The size in bytes.
    pub size: u64,
    /// Where the host keeps the bytes (a storage key or URL); Casebook never reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Checks a report's attachments: at most [`MAX_ATTACHMENTS`], a non-empty name and type, and
/// each text within the short-field limit (the reference within the long-field limit).
pub fn check_attachments(list: &[Attachment], limits: &Limits) -> Result<()> {
    if list.len() > MAX_ATTACHMENTS {
        return Err(Error::TooLarge {
            field: "attachments".into(),
            limit: MAX_ATTACHMENTS,
            actual: list.len(),
            unit: "entries",
        });
    }
    for (i, a) in list.iter().enumerate() {
        if a.name.trim().is_empty() {
            return Err(Error::invalid(
                format!("attachments[{i}].name"),
                "give the file name, e.g. \"crash.log\"",
            ));
        }
        if a.content_type.trim().is_empty() || !a.content_type.contains('/') {
            return Err(Error::invalid(
                format!("attachments[{i}].type"),
                "give a MIME type such as \"image/png\" (application/octet-stream when unknown)",
            ));
        }
        check_len(
            &format!("attachments[{i}].name"),
            &a.name,
            limits.short_bytes,
        )?;
        check_len(
            &format!("attachments[{i}].type"),
            &a.content_type,
            limits.short_bytes,
        )?;
        if let Some(r) = &a.reference {
            check_len(&format!("attachments[{i}].reference"), r, limits.long_bytes)?;
        }
    }
    Ok(())
}
