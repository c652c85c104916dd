//! Registries of the pointers this library handed out and has not freed yet.
//!
//! They make misuse detectable: a string or handle passed back after it was freed (or one that
//! never came from this library) is answered with `CASEBOOK_NOT_OWNED` instead of a double free.
//! The check only compares addresses; it never reads through an unknown pointer. It is best
//! effort: once the allocator reuses an address for a new string, a stale pointer equal to it
//! is indistinguishable from the new one.

use std::collections::BTreeSet;
use std::sync::Mutex;

/// A set of live addresses.
pub(crate) struct Registry(Mutex<BTreeSet<usize>>);

impl Registry {
    const fn new() -> Self {
        Self(Mutex::new(BTreeSet::new()))
    }

    fn set(&self) -> std::sync::MutexGuard<'_, BTreeSet<usize>> {
        // The set stays consistent even if a holder panicked: every operation is one call.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn insert(&self, addr: usize) {
        self.set().insert(addr);
    }

    pub(crate) fn contains(&self, addr: usize) -> bool {
        self.set().contains(&addr)
    }

    /// Removes the address; false when it was not live.
    pub(crate) fn remove(&self, addr: usize) -> bool {
        self.set().remove(&addr)
    }
}

/// Strings returned to the host.
pub(crate) static STRINGS: Registry = Registry::new();
/// Open handles.
pub(crate) static HANDLES: Registry = Registry::new();
