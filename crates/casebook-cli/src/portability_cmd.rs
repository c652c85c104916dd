//! `casebook export` and `casebook import`: whole-casebook export documents as files, streamed
//! (export) or read from a file (import), without the request size limit of the protocol.

use std::io::Write;
use std::path::Path;

use casebook::portability::{import_reader, write_export};
use casebook::{Actor, Role};

use crate::host::{Book, now};

/// Writes the export document to `out`, or to standard output.
pub fn export(book: &Book, out: Option<&Path>) -> Result<(), String> {
    let fail = |e: casebook::Error| format!("export failed: {e} ({})", e.code().as_str());
    match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let head = write_export(book, now(), &mut w).map_err(fail)?;
            let file = w
                .into_inner()
                .map_err(|e| format!("cannot write {}: {}", path.display(), e.error()))?;
            file.sync_all()
                .map_err(|e| format!("cannot sync {}: {e}", path.display()))?;
            eprintln!("exported {head} events to {}", path.display());
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            write_export(book, now(), &mut w).map_err(fail)?;
            writeln!(w).map_err(|e| format!("cannot write the export: {e}"))?;
        }
    }
    Ok(())
}

/// Imports the export document in `file` (`-`: standard input) and prints the summary as JSON.
pub fn import(book: &mut Book, file: &Path) -> Result<(), String> {
    let actor = Actor::with_id(Role::System, "import");
    let summary = if file.as_os_str() == "-" {
        import_reader(book, std::io::stdin().lock(), &actor)
    } else {
        let f = std::fs::File::open(file)
            .map_err(|e| format!("cannot open {}: {e}", file.display()))?;
        import_reader(book, f, &actor)
    }
    .map_err(|e| format!("import failed: {e} ({})", e.code().as_str()))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?
    );
    Ok(())
}
