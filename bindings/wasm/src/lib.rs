//! Casebook for the browser and Node: the core compiled to WebAssembly behind a typed JS API.
//!
//! The JS surface is the [`Casebook`](crate::casebook::Casebook) class (wasm-bindgen). Everything
//! it does is implemented in plain Rust in [`book::Book`] (in-memory casebook, saved event log,
//! offline outbox) and [`guard::Guarded`] (refusing further use after a panic), so the behaviour
//! is unit-tested on the host as well as in Node and the browser.
//!
//! The `similar` operation is not exposed yet: it arrives with the core's search module.

pub mod book;
pub mod casebook;
mod clock;
mod convert;
pub mod guard;
pub mod log;
pub mod outbox;
pub mod zones;

pub use book::Book;
pub use log::{LOG_FORMAT, LOG_VERSION};
pub use outbox::OutboxEntry;
