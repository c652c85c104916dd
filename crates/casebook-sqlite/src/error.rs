//! Turning SQLite failures into Casebook's typed [`StoreError`].

use casebook::store::StoreError;
use rusqlite::ErrorCode;

/// Maps a SQLite error to the store error a caller can act on. `what` names the operation.
pub(crate) fn map(what: &str, err: rusqlite::Error) -> StoreError {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::Corrupt(format!(
            "{what}: the file is not a Casebook store (it is not a SQLite database): {err}"
        )),
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt(format!(
            "{what}: the SQLite file is damaged; restore it from a backup: {err}"
        )),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            StoreError::Backend(format!(
                "{what}: another connection kept the store locked longer than the busy timeout; \
                 retry, or raise SqliteOptions::busy_timeout: {err}"
            ))
        }
        Some(ErrorCode::ReadOnly) => StoreError::Backend(format!(
            "{what}: the store file or its folder is read-only; check permissions: {err}"
        )),
        Some(ErrorCode::DiskFull) => StoreError::Backend(format!(
            "{what}: the disk is full; free some space and retry: {err}"
        )),
        Some(ErrorCode::CannotOpen) => StoreError::Backend(format!(
            "{what}: the store file cannot be opened; check that the path and its folder exist \
             and are writable: {err}"
        )),
        _ => StoreError::Backend(format!("{what}: {err}")),
    }
}

/// Converts a stored integer (always >= 0 in a valid store) to the `u64` the contract uses.
pub(crate) fn to_u64(what: &str, v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what}: negative value {v} stored")))
}

/// Converts a `u64` from the caller to a SQLite integer, saturating at `i64::MAX` (no stored
/// position or sequence can reach it).
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
