//! Between JS values and Rust: plain objects in and out (serde-wasm-bindgen), errors as real
//! `Error` objects with a `code`.

use casebook::ErrorCode;
use casebook::protocol::ProtocolError;
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

/// Reads a plain JS value as `T`; `invalid_request` when it does not fit.
pub fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| {
        js_error(&ProtocolError {
            code: ErrorCode::InvalidRequest,
            message: format!("{what} is not well-formed: {e}"),
        })
    })
}

/// Writes `v` as plain JS objects (maps as objects, 64-bit integers as numbers).
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            js_error(&ProtocolError {
                code: ErrorCode::Internal,
                message: format!("the result could not be handed to JavaScript: {e}"),
            })
        })
}
