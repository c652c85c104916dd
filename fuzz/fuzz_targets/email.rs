//! Raw inbound email messages.
#![no_main]

use casebook::email::{EmailLimits, parse_email};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_email(data, &EmailLimits::default());
});
