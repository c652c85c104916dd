//! `casebook_execute`: the whole JSON protocol through one call.

use std::ffi::c_char;

use casebook_core::protocol;

use crate::failure::Failure;
use crate::handle::{casebook, with_book};
use crate::panic::{boundary, status_of};
use crate::status::casebook_status;
use crate::strings::{hand_out, text};

/// The response line exactly as the Rust protocol writes it (`protocol::execute_line`).
fn response_line(response: &protocol::Response) -> String {
    serde_json::to_string(response).unwrap_or_else(|e| {
        format!(r#"{{"ok":false,"error":{{"code":"internal","message":"the response could not be written: {e}"}}}}"#)
    })
}

/// Runs one protocol request (JSON text, UTF-8, `request_len` bytes, no NUL needed) and writes
/// its response, one line of JSON, to `*out_response` (free it with `casebook_string_free`).
///
/// Returns `CASEBOOK_OK` whenever a response was produced, including a response with
/// `"ok":false` (malformed JSON, an unknown op, a forbidden action, ...): that response is the
/// answer, byte for byte what every other Casebook surface answers. Such an answer is also
/// recorded as the handle's last error, so `casebook_last_error` gives its status without
/// parsing JSON. Requests without `"at"` use the handle's clock.
///
/// Returns an error status, with `*out_response` untouched, only when no response could be
/// produced: `CASEBOOK_NULL_ARGUMENT` (any pointer NULL), `CASEBOOK_INVALID_UTF8`,
/// `CASEBOOK_NOT_OWNED` (a freed handle), `CASEBOOK_POISONED`, `CASEBOOK_PANIC`, or a storage
/// status when catching up with other writers of the same file failed. A request over
/// the size limit (1 MiB by default) gets a `too_large` response.
///
/// # Safety
/// `book` must be a handle from `casebook_open`; `request` must point to `request_len`
/// readable bytes; `out_response` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_execute(
    book: *mut casebook,
    request: *const c_char,
    request_len: usize,
    out_response: *mut *mut c_char,
) -> casebook_status {
    boundary(|| {
        // SAFETY: forwarded to the caller's guarantees.
        let r = unsafe {
            with_book(book, |inner| {
                if out_response.is_null() {
                    return Err(Failure::null("out_response"));
                }
                let text = text(request, request_len, "request")?;
                inner.refresh()?;
                let now = inner.now();
                let response = protocol::execute(&mut inner.book, text, now);
                let line = hand_out(response_line(&response))?;
                if let Some(error) = &response.error {
                    let status = casebook_core::ErrorCode::from_code(&error.code).map_or(
                        casebook_status::CASEBOOK_INTERNAL,
                        casebook_status::from_code,
                    );
                    inner.fail(Failure::new(status, error.message.clone()));
                }
                Ok(line)
            })
        };
        status_of(r.map(|line| {
            // SAFETY: checked non-null above.
            unsafe { out_response.write(line) }
        }))
    })
}
