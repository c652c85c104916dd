//! The C ABI of Casebook.
//!
//! Conventions (see docs/c-api.md): one prefix, `casebook_`; opaque handles made by
//! `casebook_open` and released by `casebook_free` (NULL accepted); every fallible function
//! returns a `casebook_status` and writes its outputs through out-parameters only on success;
//! texts come in as pointer + length (UTF-8) and go out as NUL-terminated strings owned by the
//! library, freed with `casebook_string_free`. Every exported function checks its pointers and
//! runs inside a panic boundary, so no panic ever unwinds into the host.

#![allow(unsafe_code)]
#![warn(missing_docs)]

mod execute;
mod failure;
mod handle;
#[cfg(feature = "test-hooks")]
mod hooks;
mod live;
mod panic;
mod status;
mod strings;
mod typed;
mod version;

pub use execute::casebook_execute;
pub use handle::{
    casebook, casebook_free, casebook_last_error, casebook_open, casebook_open_with,
    casebook_options,
};
#[cfg(feature = "test-hooks")]
pub use hooks::casebook_test_panic;
pub use status::{casebook_status, casebook_status_message, casebook_status_name};
pub use strings::{casebook_str, casebook_string_free};
pub use typed::{
    casebook_actor, casebook_diagnostic, casebook_get, casebook_list_mine, casebook_report,
    casebook_report_input, casebook_role,
};
pub use version::{
    CASEBOOK_VERSION_MAJOR, CASEBOOK_VERSION_MINOR, CASEBOOK_VERSION_PATCH, casebook_version,
};
