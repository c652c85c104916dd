//! Test hooks, compiled only with the `test-hooks` feature (never in an installed library).

use crate::handle::{casebook, with_book};
use crate::panic::{boundary, status_of};
use crate::status::casebook_status;

/// Panics on purpose while holding the handle's lock, to prove the panic boundary: returns
/// `CASEBOOK_PANIC`, and the handle answers `CASEBOOK_POISONED` afterwards. Only in builds with
/// the `test-hooks` feature.
///
/// # Safety
/// `book` must be NULL or a handle from `casebook_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_test_panic(book: *mut casebook) -> casebook_status {
    boundary(|| {
        // SAFETY: forwarded.
        let r: Result<(), casebook_status> =
            unsafe { with_book(book, |_| panic!("casebook_test_panic: a forced panic")) };
        status_of(r)
    })
}
