//! Casebook: an embeddable customer-support engine.
//!
//! The core is pure: no I/O, no clock, no randomness of its own. Time and ids are injected,
//! commands go in and events come out, and the state of every case is a fold of its events.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod calendar;
pub mod ids;
pub mod sla;
pub mod store;
