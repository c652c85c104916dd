//! Strings across the boundary. In: pointer + length, UTF-8, not NUL-terminated. Out: NUL
//! terminated UTF-8 owned by the library, freed with `casebook_string_free`.

use std::ffi::{CString, c_char};

use crate::failure::Failure;
use crate::live::STRINGS;
use crate::panic::boundary;
use crate::status::casebook_status;

/// A borrowed UTF-8 text: `len` bytes at `ptr`, not necessarily NUL-terminated. In structs an
/// absent (optional) text is `{NULL, 0}`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct casebook_str {
    /// The first byte; NULL only together with `len == 0`.
    pub ptr: *const c_char,
    /// The length in bytes.
    pub len: usize,
}

/// Borrows `len` bytes at `ptr` as UTF-8 text.
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            casebook_status::CASEBOOK_TOO_LARGE,
            format!("{what} claims {len} bytes, more than any buffer can hold"),
        ));
    }
    // SAFETY: checked non-null; the caller guarantees `len` readable bytes.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            casebook_status::CASEBOOK_INVALID_UTF8,
            format!(
                "{what} is not valid UTF-8 (bad byte at offset {}): pass UTF-8 text",
                e.valid_up_to()
            ),
        )
    })
}

/// An optional text: `{NULL, 0}` is absent.
///
/// # Safety
/// As for [`text`].
pub(crate) unsafe fn opt_text<'a>(s: casebook_str, what: &str) -> Result<Option<&'a str>, Failure> {
    if s.ptr.is_null() && s.len == 0 {
        return Ok(None);
    }
    if s.ptr.is_null() {
        return Err(Failure::null(&format!("{what}.ptr (with len {})", s.len)));
    }
    // SAFETY: forwarded from the caller.
    unsafe { text(s.ptr, s.len, what) }.map(Some)
}

/// Hands a string to the host: NUL-terminated, registered as live.
pub(crate) fn hand_out(s: String) -> Result<*mut c_char, Failure> {
    let c = CString::new(s).map_err(|_| {
        Failure::new(
            casebook_status::CASEBOOK_INTERNAL,
            "an output text contains a NUL byte",
        )
    })?;
    let ptr = c.into_raw();
    STRINGS.insert(ptr as usize);
    Ok(ptr)
}

/// Frees a string this library returned (responses, cases, messages).
///
/// NULL is accepted and does nothing (`CASEBOOK_OK`). A pointer that this library did not hand
/// out, or has already freed, is detected by address and left alone: `CASEBOOK_NOT_OWNED`. That
/// check is best effort (an address can be reused by a later string); freeing twice is still a
/// bug in the host.
///
/// # Safety
/// `s` must be NULL or a string returned by this library (a freed one is detected by address).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_string_free(s: *mut c_char) -> casebook_status {
    boundary(|| {
        if s.is_null() {
            return casebook_status::CASEBOOK_OK;
        }
        if !STRINGS.remove(s as usize) {
            return casebook_status::CASEBOOK_NOT_OWNED;
        }
        // SAFETY: the address came from CString::into_raw in `hand_out` and was live.
        drop(unsafe { CString::from_raw(s) });
        casebook_status::CASEBOOK_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_double_free_is_detected() {
        let p = hand_out("hello".into()).unwrap();
        // SAFETY: p came from hand_out; the second call tests the double-free check.
        unsafe {
            assert_eq!(casebook_string_free(p), casebook_status::CASEBOOK_OK);
            assert_eq!(casebook_string_free(p), casebook_status::CASEBOOK_NOT_OWNED);
            assert_eq!(
                casebook_string_free(std::ptr::null_mut()),
                casebook_status::CASEBOOK_OK
            );
        }
    }

    #[test]
    fn text_checks_null_and_utf8() {
        let bad = [0x66u8, 0xff, 0x6f];
        let e = unsafe { text(bad.as_ptr().cast(), 3, "request") }.unwrap_err();
        assert_eq!(e.status, casebook_status::CASEBOOK_INVALID_UTF8);
        assert!(e.message.contains("offset 1"));
        let e = unsafe { text(std::ptr::null(), 0, "request") }.unwrap_err();
        assert_eq!(e.status, casebook_status::CASEBOOK_NULL_ARGUMENT);
        let absent = casebook_str {
            ptr: std::ptr::null(),
            len: 0,
        };
        assert_eq!(unsafe { opt_text(absent, "x") }.unwrap(), None);
        let wrong = casebook_str {
            ptr: std::ptr::null(),
            len: 3,
        };
        assert!(unsafe { opt_text(wrong, "x") }.is_err());
    }
}
