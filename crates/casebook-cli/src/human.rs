//! Human subcommands (`report`, `list`, `show`, `comment`, `transition`) on top of the protocol.

use casebook::protocol::{self, OpResult};
use serde_json::{Value, json};

use crate::host::{self, Book};
use crate::render;

/// Parses `ROLE[:ID]`, e.g. `customer:u1`, `agent:sam`, `anonymous`.
pub fn parse_actor(s: &str) -> Result<Value, String> {
    let (role, id) = match s.split_once(':') {
        Some((r, i)) => (r, Some(i)),
        None => (s, None),
    };
    const ROLES: [&str; 6] = [
        "anonymous",
        "customer",
        "agent",
        "engineer",
        "admin",
        "system",
    ];
    if !ROLES.contains(&role) {
        return Err(format!(
            "--as {s}: the role must be one of {}",
            ROLES.join(", ")
        ));
    }
    Ok(match id {
        Some(i) if !i.is_empty() => json!({"role": role, "id": i}),
        _ => json!({"role": role}),
    })
}

/// Sends one request and returns its result, or the error as a message with its code.
pub fn call(book: &mut Book, request: Value) -> Result<OpResult, String> {
    let response = protocol::execute(book, &request.to_string(), host::now());
    match (response.result, response.error) {
        (Some(r), _) => Ok(r),
        (None, Some(e)) => Err(format!("{} ({})", e.message, e.code)),
        (None, None) => Err("no result (internal)".into()),
    }
}

/// Prints a result for people.
pub fn print(result: &OpResult) {
    match result {
        OpResult::Case { case } => print!("{}", render::case_detail(case)),
        OpResult::Cases { cases, next } => {
            if cases.is_empty() {
                println!("(no cases)");
            }
            for c in cases {
                println!("{}", render::case_line(c));
            }
            if let Some(n) = next {
                println!("(more: --cursor {n})");
            }
        }
        OpResult::Roadmap { roadmap } => println!(
            "{}",
            serde_json::to_string_pretty(roadmap).unwrap_or_default()
        ),
        OpResult::Configured { configured } => println!(
            "configured: key prefix {}, states {}",
            configured.key_prefix,
            configured.states.join(", ")
        ),
        other => println!(
            "{}",
            serde_json::to_string_pretty(other).unwrap_or_default()
        ),
    }
}
