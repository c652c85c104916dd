//! The C ABI driven from Rust: the shared fixtures through `casebook_execute` answer byte for
//! byte what `protocol::execute_line` answers; the committed header lists every status; the
//! version defines match the workspace version.

use std::ffi::{CStr, c_char};
use std::path::Path;

use casebook::{
    CASEBOOK_VERSION_MAJOR, CASEBOOK_VERSION_MINOR, CASEBOOK_VERSION_PATCH, casebook_execute,
    casebook_free, casebook_open_with, casebook_options, casebook_status, casebook_string_free,
};
use casebook_core::{Casebook, ErrorCode, MemoryStore, SeededIds, protocol};
use serde_json::Value;

const FIXED_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

#[path = "../../../tests/support/fixture_files.rs"]
mod fixture_files;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn open() -> *mut casebook::casebook {
    let opts = casebook_options {
        id_seed: 1,
        fixed_time_ms: FIXED_MS,
    };
    let mut book = std::ptr::null_mut();
    // SAFETY: valid pointers.
    let s = unsafe { casebook_open_with(c":memory:".as_ptr(), 8, &opts, &mut book) };
    assert_eq!(s, casebook_status::CASEBOOK_OK);
    book
}

fn execute(book: *mut casebook::casebook, line: &str) -> String {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live handle, `line.len()` readable bytes, a valid out pointer.
    let s = unsafe { casebook_execute(book, line.as_ptr().cast(), line.len(), &mut out) };
    assert_eq!(s, casebook_status::CASEBOOK_OK, "{line}");
    // SAFETY: on success `out` is a NUL-terminated string from the library.
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
    assert_eq!(
        unsafe { casebook_string_free(out) },
        casebook_status::CASEBOOK_OK
    );
    text
}

#[test]
fn fixtures_through_the_abi_match_the_rust_protocol_byte_for_byte() {
    let files = fixture_files::fixture_files(root());
    let now = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut steps = 0;
    for file in files {
        let fixture: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let book = open();
        let mut rust = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))).unwrap();
        for step in fixture["steps"].as_array().unwrap() {
            let line = match (&step["raw"], &step["request"]) {
                (Value::String(raw), _) => raw.clone(),
                (_, req) => req.to_string(),
            };
            let expected = protocol::execute_line(&mut rust, &line, now);
            assert_eq!(execute(book, &line), expected, "{}", file.display());
            steps += 1;
        }
        // SAFETY: a live handle.
        assert_eq!(unsafe { casebook_free(book) }, casebook_status::CASEBOOK_OK);
    }
    assert!(steps > 20);
}

#[test]
fn the_committed_header_lists_every_status_with_its_value() {
    let header = std::fs::read_to_string(root().join("bindings/c/include/casebook.h")).unwrap();
    for code in ErrorCode::ALL {
        let line = format!(
            "CASEBOOK_{} = {},",
            code.as_str().to_ascii_uppercase(),
            code.value()
        );
        assert!(header.contains(&line), "casebook.h lacks `{line}`");
    }
    assert!(header.contains("CASEBOOK_OK = 0,"));
}

#[test]
fn version_defines_match_the_workspace_version() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let package = manifest
        .split("[workspace.package]")
        .nth(1)
        .expect("a [workspace.package] table");
    let version = package
        .lines()
        .find_map(|l| l.trim().strip_prefix("version = "))
        .expect("a workspace version")
        .trim_matches('"');
    let defines =
        format!("{CASEBOOK_VERSION_MAJOR}.{CASEBOOK_VERSION_MINOR}.{CASEBOOK_VERSION_PATCH}");
    assert_eq!(defines, version);
    // SAFETY: a static NUL-terminated string.
    let linked = unsafe { CStr::from_ptr(casebook::casebook_version()) };
    assert_eq!(linked.to_str().unwrap(), version);
}
