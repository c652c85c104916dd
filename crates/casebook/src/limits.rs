//! Input limits. Every text a caller hands in is bounded, and going over a bound is a clear error.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The bounds on inputs. The defaults suit a support product; a host may tighten or widen them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Limits {
    /// Bytes of a subject.
    pub subject_bytes: usize,
    /// Bytes of a description.
    pub description_bytes: usize,
    /// Bytes of a comment body.
    pub comment_bytes: usize,
    /// Bytes of a short field (ids, names, versions, tags, reasons' headlines).
    pub short_bytes: usize,
    /// Bytes of a long field (workaround text, reasons).
    pub long_bytes: usize,
    /// Tags on one case.
    pub tags_per_case: usize,
    /// Entries in a case's diagnostics.
    pub diagnostics_entries: usize,
    /// Total bytes of a case's diagnostics (keys and values).
    pub diagnostics_bytes: usize,
    /// Bytes of one protocol request.
    pub request_bytes: usize,
    /// Cases in one page of `list`.
    pub page_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            subject_bytes: 300,
            description_bytes: 64 * 1024,
            comment_bytes: 64 * 1024,
            short_bytes: 200,
            long_bytes: 8 * 1024,
            tags_per_case: 32,
            diagnostics_entries: 64,
            diagnostics_bytes: 16 * 1024,
            request_bytes: 1024 * 1024,
            page_size: 200,
        }
    }
}
