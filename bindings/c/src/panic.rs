//! The panic boundary: every exported function runs inside `catch_unwind`, so a panic (a bug)
//! becomes `CASEBOOK_PANIC` (or a harmless default) and never unwinds into the host.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::status::casebook_status;

/// Runs `f`; a panic becomes `CASEBOOK_PANIC`.
pub(crate) fn boundary(f: impl FnOnce() -> casebook_status) -> casebook_status {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(casebook_status::CASEBOOK_PANIC)
}

/// Runs `f`; a panic becomes `fallback` (for functions that return no status).
pub(crate) fn boundary_or<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Turns an inner result into the status a function returns.
pub(crate) fn status_of(r: Result<(), casebook_status>) -> casebook_status {
    match r {
        Ok(()) => casebook_status::CASEBOOK_OK,
        Err(s) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status() {
        let s = boundary(|| panic!("a forced panic"));
        assert_eq!(s, casebook_status::CASEBOOK_PANIC);
        assert_eq!(boundary_or(7u32, || panic!("again")), 7);
        assert_eq!(
            boundary(|| casebook_status::CASEBOOK_OK),
            casebook_status::CASEBOOK_OK
        );
    }
}
