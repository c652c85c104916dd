//! Between JS values and Rust: plain objects in and out, errors as real `Error` objects with a
//! `code`.
//!
//! Plain objects cross the boundary as JSON text (`JSON.stringify` in, `JSON.parse` out) rather
//! than field by field: V8's JSON parser builds a case view with its timeline about twice as fast
//! as one boundary call per field (measured with benches/bench.mjs), and the text is exactly what
//! the Rust protocol reads and writes, so `execute` cannot drift from it.

use casebook::ErrorCode;
use casebook::protocol::{ProtocolError, error_message};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// A JS `Error` named `CasebookError` whose `code` is the core's error code.
pub fn js_error(e: &ProtocolError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("CasebookError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    err.into()
}

fn invalid(what: &str, why: impl std::fmt::Display) -> JsValue {
    js_error(&ProtocolError {
        code: ErrorCode::InvalidRequest,
        message: format!("{what} is not well-formed: {why}"),
    })
}

/// A plain JS value as JSON text; `invalid_request` when it has no JSON form.
pub fn to_json_text(v: &JsValue, what: &str) -> Result<String, JsValue> {
    let text = js_sys::JSON::stringify(v)
        .map_err(|_| invalid(what, "it cannot be written as JSON (a bigint or a cycle?)"))?;
    text.as_string()
        .ok_or_else(|| invalid(what, "it is missing or not a plain value"))
}

/// Reads a plain JS value as `T`; `invalid_request` when it does not fit.
///
/// From the JSON text, as the core reads stored events and protocol requests, so each type has
/// one reader in the module; the messages name no line and column of a text the caller never
/// wrote.
pub fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    let text = to_json_text(&v, what)?;
    serde_json::from_str(&text).map_err(|e| invalid(what, error_message(&e)))
}

/// Parses JSON text into plain JS objects.
pub fn parse_json(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text).map_err(|_| {
        js_error(&ProtocolError {
            code: ErrorCode::Internal,
            message: "the result could not be handed to JavaScript".into(),
        })
    })
}

/// Writes `v` as plain JS objects.
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(v).map_err(|e| {
        js_error(&ProtocolError {
            code: ErrorCode::Internal,
            message: format!("the result could not be written: {e}"),
        })
    })?;
    parse_json(&text)
}
