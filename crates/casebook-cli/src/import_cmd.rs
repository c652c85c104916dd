//! `casebook import-csv`: issue-tracker CSV exports (Jira-style) into the casebook.

use casebook::{Actor, Role};
use casebook_import::{Mapping, import_csv};

/// Imports `csv` with the mapping in `mapping` (a JSON file; the Jira mapping when absent) and
/// prints the report as JSON. Rows that fail are listed there; the others are imported.
pub fn run(store: &str, durable: bool, csv: &str, mapping: Option<&str>) -> Result<(), String> {
    let mapping = match mapping {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("--mapping {path}: {e}"))?;
            Mapping::from_json(&text).map_err(|e| format!("--mapping {path}: {e}"))?
        }
        None => Mapping::jira(),
    };
    let file = std::fs::File::open(csv).map_err(|e| format!("--csv {csv}: {e}"))?;
    let mut book = crate::host::open(store, durable, None)?;
    let actor = Actor::with_id(Role::System, "import");
    let report = import_csv(&mut book, std::io::BufReader::new(file), &mapping, &actor)
        .map_err(|e| format!("{} ({})", e, e.code()))?;
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
