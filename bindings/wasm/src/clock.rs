//! The host's clock and the id seed, from the constructor's options.
//!
//! `now`: absent = `Date.now()`; a string = that RFC 3339 time for every call (tests, fixtures);
//! a function = called before each call, returning a `Date`, epoch milliseconds or an RFC 3339
//! string. `seed`: absent = 64 bits from `crypto.getRandomValues` (falling back to
//! `Math.random`); a non-negative safe integer or a bigint = deterministic ids.

use casebook::ErrorCode;
use casebook::protocol::ProtocolError;
use chrono::{DateTime, Utc};
use wasm_bindgen::{JsCast, JsValue};

fn bad(message: impl Into<String>) -> ProtocolError {
    ProtocolError {
        code: ErrorCode::InvalidArgument,
        message: message.into(),
    }
}

/// Where `now` comes from.
pub enum Clock {
    /// `Date.now()`.
    System,
    /// A fixed time.
    Fixed(DateTime<Utc>),
    /// A host function.
    Callback(js_sys::Function),
}

fn parse_time(s: &str, what: &str) -> Result<DateTime<Utc>, ProtocolError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            bad(format!(
                "{what}: '{s}' is not an RFC 3339 time ({e}), e.g. 2026-01-01T00:00:00Z"
            ))
        })
}

fn from_millis(ms: f64, what: &str) -> Result<DateTime<Utc>, ProtocolError> {
    if !ms.is_finite() {
        return Err(bad(format!(
            "{what}: the time is not a finite number of milliseconds"
        )));
    }
    DateTime::from_timestamp_millis(ms as i64).ok_or_else(|| {
        bad(format!(
            "{what}: {ms} ms is outside the supported range of times"
        ))
    })
}

impl Clock {
    /// Reads the `now` option.
    pub fn from_option(v: &JsValue) -> Result<Self, ProtocolError> {
        if v.is_undefined() || v.is_null() {
            Ok(Clock::System)
        } else if let Some(s) = v.as_string() {
            parse_time(&s, "options.now").map(Clock::Fixed)
        } else if let Some(f) = v.dyn_ref::<js_sys::Function>() {
            Ok(Clock::Callback(f.clone()))
        } else {
            Err(bad(
                "options.now must be an RFC 3339 string or a function returning the time",
            ))
        }
    }

    /// The current time.
    pub fn now(&self) -> Result<DateTime<Utc>, ProtocolError> {
        match self {
            Clock::System => from_millis(js_sys::Date::now(), "Date.now()"),
            Clock::Fixed(t) => Ok(*t),
            Clock::Callback(f) => {
                let v = f
                    .call0(&JsValue::UNDEFINED)
                    .map_err(|_| bad("options.now threw an exception"))?;
                if let Some(d) = v.dyn_ref::<js_sys::Date>() {
                    from_millis(d.get_time(), "options.now()")
                } else if let Some(ms) = v.as_f64() {
                    from_millis(ms, "options.now()")
                } else if let Some(s) = v.as_string() {
                    parse_time(&s, "options.now()")
                } else {
                    Err(bad(
                        "options.now() must return a Date, epoch milliseconds or an RFC 3339 string",
                    ))
                }
            }
        }
    }
}

/// Reads the `seed` option, or draws one.
pub fn seed_from_option(v: &JsValue) -> Result<u64, ProtocolError> {
    if v.is_undefined() || v.is_null() {
        return Ok(random_seed());
    }
    if v.is_bigint() {
        return u64::try_from(v.clone())
            .map_err(|_| bad("options.seed must be a bigint between 0 and 2^64-1"));
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
        _ => Err(bad(
            "options.seed must be a non-negative safe integer or a bigint",
        )),
    }
}

/// 64 bits from `crypto.getRandomValues`, or from `Math.random` where there is no Web Crypto.
fn random_seed() -> u64 {
    let bytes = js_sys::Uint8Array::new_with_length(8);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok();
    let filled = crypto
        .filter(|c| c.is_object())
        .and_then(|c| {
            let f = js_sys::Reflect::get(&c, &JsValue::from_str("getRandomValues")).ok()?;
            let f = f.dyn_into::<js_sys::Function>().ok()?;
            f.call1(&c, &bytes).ok()
        })
        .is_some();
    if filled {
        let mut out = [0u8; 8];
        bytes.copy_to(&mut out);
        u64::from_le_bytes(out)
    } else {
        let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        (hi << 32) ^ lo ^ (js_sys::Date::now() as u64)
    }
}
