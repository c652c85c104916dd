//! Refusing further use after a panic.
//!
//! In WebAssembly a panic aborts the call (the module is built with panic=abort): the JS caller
//! gets a `RuntimeError`, and whatever the Rust code was changing may be half-changed. So every
//! call marks the casebook busy while it runs and clears the mark only when it returns normally.
//! A call that finds the mark still set knows an earlier call died inside the module and refuses
//! with an `internal` error instead of working on possibly corrupt state; the data as of the last
//! successful `save()` is intact and can be restored into a new casebook. The same holds on the
//! host, where a panic unwinds through [`Guarded::with`].

use std::cell::{Cell, RefCell};

use casebook::ErrorCode;
use casebook::protocol::ProtocolError;

/// A value behind the busy mark.
#[derive(Debug)]
pub struct Guarded<T> {
    value: RefCell<T>,
    busy: Cell<bool>,
}

/// The error of a call on a casebook that an earlier call left broken.
pub fn poisoned() -> ProtocolError {
    ProtocolError {
        code: ErrorCode::Internal,
        message: "this Casebook can no longer be used: an earlier call stopped inside the module \
                  (an internal error, see the console) or a callback called back into it; \
                  restore a new one from your last save()"
            .into(),
    }
}

struct Mark<'a>(&'a Cell<bool>);

impl Drop for Mark<'_> {
    fn drop(&mut self) {
        // With panic=abort (the WebAssembly build) a panic never reaches this drop, and the
        // panic count it leaves behind would make `panicking()` true for every later call.
        if cfg!(panic = "abort") || !std::thread::panicking() {
            self.0.set(false);
        }
    }
}

impl<T> Guarded<T> {
    /// Guards a value.
    pub fn new(value: T) -> Self {
        Self {
            value: RefCell::new(value),
            busy: Cell::new(false),
        }
    }

    /// True once a call died inside (or re-entered) the value.
    pub fn is_poisoned(&self) -> bool {
        self.busy.get()
    }

    /// Runs `f` on the value, or refuses when an earlier call did not return.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R, ProtocolError> {
        if self.busy.get() {
            return Err(poisoned());
        }
        let mut value = self.value.try_borrow_mut().map_err(|_| poisoned())?;
        self.busy.set(true);
        let _mark = Mark(&self.busy);
        Ok(f(&mut value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_call_poisons_and_later_calls_refuse() {
        let g = Guarded::new(vec![1, 2, 3]);
        assert_eq!(g.with(|v| v.len()).ok(), Some(3));
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            g.with(|v| {
                v.push(4);
                panic!("boom");
            })
        }));
        assert!(r.is_err());
        assert!(g.is_poisoned());
        let e = g.with(|v| v.len()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.contains("restore"));
    }

    #[test]
    fn errors_returned_normally_do_not_poison() {
        let g = Guarded::new(0u32);
        let r: Result<Result<(), &str>, _> = g.with(|_| Err("no"));
        assert_eq!(r.ok(), Some(Err("no")));
        assert!(!g.is_poisoned());
        assert_eq!(g.with(|v| *v + 1).ok(), Some(1));
    }

    #[test]
    fn re_entering_is_refused() {
        let g = Guarded::new(0u32);
        let inner = g.with(|_| g.with(|v| *v)).unwrap();
        assert_eq!(inner.unwrap_err().code, ErrorCode::Internal);
    }
}
