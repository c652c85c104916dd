//! `casebook exec`: JSON Lines requests on stdin, one JSON response per line on stdout.

use std::io::{BufRead, Write};

use casebook::protocol;

use crate::host::{self, Book};

/// Serves the protocol over stdin/stdout until end of input. Every line gets exactly one
/// response line, bad lines included; blank lines are skipped.
pub fn run(book: &mut Book, input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let limit = book.limits().request_bytes;
    for line in input.split(b'\n') {
        let line = line?;
        let response = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) if text.len() > limit => protocol::execute_line(book, text, host::now()),
            Ok(text) => protocol::execute_line(book, text.trim_end_matches('\r'), host::now()),
            Err(e) => format!(
                r#"{{"ok":false,"error":{{"code":"malformed_json","message":"the request is not UTF-8 (byte {}): send UTF-8 JSON"}}}}"#,
                e.valid_up_to()
            ),
        };
        output.write_all(response.as_bytes())?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}
