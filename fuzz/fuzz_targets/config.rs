//! Workflow and policy documents, and `configure` requests carrying them.
#![no_main]

use casebook::policy::Policy;
use casebook::{Casebook, MemoryStore, SeededIds, Workflow, protocol};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Workflow::from_json(text);
    let _ = Policy::from_json(text);
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) {
        let Ok(mut book) = Casebook::open(MemoryStore::new(), Box::new(SeededIds::new(1))) else {
            return;
        };
        let now = "2026-05-04T10:00:00Z".parse().expect("a constant time");
        for key in ["workflow", "policy", "limits"] {
            let req = serde_json::json!({"op": "configure", "as": {"role": "admin"}, key: doc});
            protocol::execute_line(&mut book, &req.to_string(), now);
        }
    }
});
