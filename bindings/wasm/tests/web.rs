//! wasm-bindgen-test: the JS class from Rust, in Node (and in Chromium with
//! WASM_BINDGEN_USE_BROWSER=1). Only built for wasm32.
#![cfg(target_arch = "wasm32")]

use casebook_wasm::casebook::{Casebook, JsActor, JsCaseView, JsOptions, JsReport};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(v: serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("test value")
}

fn options() -> JsOptions {
    js(serde_json::json!({"seed": 1, "now": "2026-01-01T00:00:00Z"})).unchecked_into()
}
fn ada() -> JsActor {
    js(serde_json::json!({"role": "customer", "id": "u1"})).unchecked_into()
}
fn key(view: &JsCaseView) -> Option<String> {
    js_sys::Reflect::get(view, &"key".into()).ok()?.as_string()
}

#[wasm_bindgen_test]
fn report_and_get() {
    let book = Casebook::new(Some(options())).expect("casebook");
    let report: JsReport =
        js(serde_json::json!({"description": "Crash on export"})).unchecked_into();
    let created = book.report(ada(), report).expect("report");
    assert_eq!(key(&created).as_deref(), Some("CB-1"));
    let got = book.get(ada(), "cb-1").expect("get by key, any case");
    assert_eq!(key(&got).as_deref(), Some("CB-1"));
}

#[wasm_bindgen_test]
fn errors_are_error_objects_with_codes() {
    let book = Casebook::new(Some(options())).expect("casebook");
    let Err(e) = book.get(ada(), "CB-9") else {
        panic!("CB-9 does not exist");
    };
    let err = e.dyn_ref::<js_sys::Error>().expect("an Error object");
    assert_eq!(String::from(err.name()), "CasebookError");
    let code = js_sys::Reflect::get(&e, &"code".into()).expect("code");
    assert_eq!(code.as_string().as_deref(), Some("not_found"));
}

#[wasm_bindgen_test]
fn save_restore_round_trip() {
    let book = Casebook::new(Some(options())).expect("casebook");
    let report: JsReport =
        js(serde_json::json!({"description": "Kept across reloads"})).unchecked_into();
    book.report(ada(), report).expect("report");
    let saved = book.save().expect("save");
    let again = Casebook::restore(&saved, Some(options())).expect("restore");
    assert_eq!(again.save().expect("save again"), saved);
    let got = again.get(ada(), "CB-1").expect("get");
    assert_eq!(key(&got).as_deref(), Some("CB-1"));
}
