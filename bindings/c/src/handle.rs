//! The `casebook` handle: a casebook over a store, its clock and id source, and its last error,
//! behind one mutex so a handle may be shared by threads.

use std::ffi::c_char;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{SystemTime, UNIX_EPOCH};

use casebook_core::{Casebook, MemoryStore, SeededIds, Store};
use casebook_sqlite::{SqliteOptions, SqliteStore};
use chrono::{DateTime, Utc};

use crate::failure::Failure;
use crate::live::HANDLES;
use crate::panic::{boundary, status_of};
use crate::status::casebook_status;
use crate::strings::{hand_out, text};

/// An open casebook. Opaque: create it with `casebook_open` or `casebook_open_with`, release
/// it with `casebook_free`.
///
/// Thread safety: every call locks a mutex inside the handle, so one handle may be used from
/// several threads at once (calls are serialised). The last error is per handle, not per thread.
#[allow(non_camel_case_types)]
pub struct casebook {
    inner: Mutex<Inner>,
}

// A handle is shared by threads: it must stay Send + Sync (the store and id source are Send, the
// mutex makes the whole Sync).
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<casebook>();
};

/// Options for `casebook_open_with`. All zero (`casebook_options opts = {0};`) is the default.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct casebook_options {
    /// Nonzero: new ids come from a generator seeded with this value, so runs are reproducible
    /// (tests, replays). Zero: the generator is seeded from process randomness and the clock.
    pub id_seed: u64,
    /// Nonzero: the clock stands still at this many milliseconds since 1970-01-01T00:00:00Z,
    /// used for requests without `"at"` (tests). Zero: the system clock.
    pub fixed_time_ms: i64,
}

/// What a handle holds.
pub(crate) struct Inner {
    pub book: Casebook<Box<dyn Store>>,
    /// A file another handle or process may write to: catch up before every call.
    shared: bool,
    fixed_now: Option<DateTime<Utc>>,
    last_error: Option<Failure>,
}

impl Inner {
    /// The time of a request without `"at"`.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.fixed_now.unwrap_or_else(|| {
            let ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            DateTime::from_timestamp_millis(ms).unwrap_or_default()
        })
    }

    /// Catches up with what other handles or processes wrote to the same file, so every call
    /// sees the latest state (a no-op for a memory casebook, which nobody else can write).
    pub(crate) fn refresh(&mut self) -> Result<(), Failure> {
        if self.shared {
            self.book.sync()?;
        }
        Ok(())
    }

    pub(crate) fn fail(&mut self, failure: Failure) {
        self.last_error = Some(failure);
    }
}

fn random_seed() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.finish() | 1
}

fn open_store(path: &str) -> Result<Box<dyn Store>, Failure> {
    if path == ":memory:" {
        return Ok(Box::new(MemoryStore::new()));
    }
    if path.is_empty() {
        return Err(Failure::new(
            casebook_status::CASEBOOK_INVALID_ARGUMENT,
            "the path is empty: pass a file path or \":memory:\"",
        ));
    }
    let store = SqliteStore::open(path, SqliteOptions::default())
        .map_err(|e| Failure::from(casebook_core::Error::from(e)))?;
    Ok(Box::new(store))
}

fn open(path: &str, options: casebook_options) -> Result<casebook, Failure> {
    let store = open_store(path)?;
    let shared = path != ":memory:";
    let seed = match options.id_seed {
        0 => random_seed(),
        s => s,
    };
    let fixed_now = match options.fixed_time_ms {
        0 => None,
        ms => Some(DateTime::from_timestamp_millis(ms).ok_or_else(|| {
            Failure::new(
                casebook_status::CASEBOOK_INVALID_ARGUMENT,
                format!("fixed_time_ms {ms} is out of range"),
            )
        })?),
    };
    let book = Casebook::open(store, Box::new(SeededIds::new(seed)))?;
    Ok(casebook {
        inner: Mutex::new(Inner {
            book,
            shared,
            fixed_now,
            last_error: None,
        }),
    })
}

/// Opens a casebook with default options; see `casebook_open_with`.
///
/// # Safety
/// `path` must point to `path_len` readable bytes; `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_open(
    path: *const c_char,
    path_len: usize,
    out: *mut *mut casebook,
) -> casebook_status {
    // SAFETY: forwarded.
    unsafe { casebook_open_with(path, path_len, std::ptr::null(), out) }
}

/// Opens a casebook. `path` (UTF-8, `path_len` bytes, no NUL needed) is a SQLite file, created
/// when missing, or `":memory:"` for a casebook that lives in memory only. `options` may be NULL
/// for the defaults.
///
/// On success writes a new handle to `*out` (free it with `casebook_free`) and returns
/// `CASEBOOK_OK`. On failure `*out` is untouched: `CASEBOOK_NULL_ARGUMENT` (path or out NULL),
/// `CASEBOOK_INVALID_UTF8`, `CASEBOOK_INVALID_ARGUMENT` (empty path, bad options),
/// `CASEBOOK_STORAGE_FAILED` (the file cannot be opened), `CASEBOOK_STORAGE_CORRUPT` (not a
/// casebook file, or a newer schema).
///
/// # Safety
/// `path` must point to `path_len` readable bytes; `options`, when not NULL, must point to a
/// `casebook_options`; `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_open_with(
    path: *const c_char,
    path_len: usize,
    options: *const casebook_options,
    out: *mut *mut casebook,
) -> casebook_status {
    boundary(|| {
        if out.is_null() {
            return casebook_status::CASEBOOK_NULL_ARGUMENT;
        }
        // SAFETY: the caller guarantees `path_len` bytes at `path`.
        let path = match unsafe { text(path, path_len, "path") } {
            Ok(p) => p,
            Err(f) => return f.status,
        };
        // SAFETY: NULL or a valid casebook_options.
        let options = unsafe { options.as_ref() }.copied().unwrap_or_default();
        match open(path, options) {
            Ok(book) => {
                let ptr = Box::into_raw(Box::new(book));
                HANDLES.insert(ptr as usize);
                // SAFETY: `out` is non-null and valid for writes.
                unsafe { out.write(ptr) };
                casebook_status::CASEBOOK_OK
            }
            Err(f) => f.status,
        }
    })
}

/// Closes a casebook and frees its handle. Every acknowledged change is already durable.
///
/// NULL is accepted and does nothing (`CASEBOOK_OK`). A handle already freed (or never opened)
/// is detected by address and left alone: `CASEBOOK_NOT_OWNED`. Do not free a handle while
/// another thread is still using it.
///
/// # Safety
/// `book` must be NULL or a pointer returned by `casebook_open`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_free(book: *mut casebook) -> casebook_status {
    boundary(|| {
        if book.is_null() {
            return casebook_status::CASEBOOK_OK;
        }
        if !HANDLES.remove(book as usize) {
            return casebook_status::CASEBOOK_NOT_OWNED;
        }
        // SAFETY: the address came from Box::into_raw in casebook_open_with and was live.
        drop(unsafe { Box::from_raw(book) });
        casebook_status::CASEBOOK_OK
    })
}

fn lock(book: &casebook) -> Result<MutexGuard<'_, Inner>, casebook_status> {
    match book.inner.try_lock() {
        Ok(g) => Ok(g),
        Err(TryLockError::Poisoned(_)) => Err(casebook_status::CASEBOOK_POISONED),
        Err(TryLockError::WouldBlock) => book
            .inner
            .lock()
            .map_err(|_| casebook_status::CASEBOOK_POISONED),
    }
}

/// Runs `f` on the handle's state, locked. A failure is recorded as the handle's last error and
/// its status returned. NULL, unknown and poisoned handles are refused.
///
/// # Safety
/// `book` must be NULL or a pointer returned by `casebook_open` (a freed one is detected).
pub(crate) unsafe fn with_book<T>(
    book: *const casebook,
    f: impl FnOnce(&mut Inner) -> Result<T, Failure>,
) -> Result<T, casebook_status> {
    if book.is_null() {
        return Err(casebook_status::CASEBOOK_NULL_ARGUMENT);
    }
    if !HANDLES.contains(book as usize) {
        return Err(casebook_status::CASEBOOK_NOT_OWNED);
    }
    // SAFETY: the handle is live (checked above); shared access goes through the mutex.
    let book = unsafe { &*book };
    let mut inner = lock(book)?;
    match f(&mut inner) {
        Ok(v) => Ok(v),
        Err(failure) => {
            let status = failure.status;
            inner.fail(failure);
            Err(status)
        }
    }
}

/// The last failure on a handle: writes its status to `*out_status` and its detailed message (a
/// new string: free it with `casebook_string_free`) to `*out_message`. When no call on the handle
/// has failed yet, the status is `CASEBOOK_OK` and the message is empty. A failed call of
/// `casebook_execute` (a response with `"ok":false`) counts as a failure here too.
///
/// Returns `CASEBOOK_OK`, or `CASEBOOK_NULL_ARGUMENT`, `CASEBOOK_NOT_OWNED`,
/// `CASEBOOK_POISONED`; on failure nothing is written.
///
/// # Safety
/// `book` must be a handle from `casebook_open`; the out pointers must be valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn casebook_last_error(
    book: *const casebook,
    out_status: *mut u32,
    out_message: *mut *mut c_char,
) -> casebook_status {
    boundary(|| {
        if out_status.is_null() || out_message.is_null() {
            return casebook_status::CASEBOOK_NULL_ARGUMENT;
        }
        // SAFETY: forwarded.
        let r = unsafe {
            with_book(book, |inner| {
                let (status, message) = inner
                    .last_error
                    .as_ref()
                    .map_or((casebook_status::CASEBOOK_OK, String::new()), |f| {
                        (f.status, f.message.clone())
                    });
                Ok((status, hand_out(message)?))
            })
        };
        status_of(r.map(|(status, message)| {
            // SAFETY: both out pointers are non-null and valid for writes.
            unsafe {
                out_status.write(status as u32);
                out_message.write(message);
            }
        }))
    })
}
