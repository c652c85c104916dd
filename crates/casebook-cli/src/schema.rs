//! `casebook schema`: the protocol's JSON Schemas, generated from the Rust types.

use std::path::Path;

/// Writes the schemas into `out`, or with `check` compares them with what is there.
pub fn run(out: &str, check: bool) -> Result<(), String> {
    let (request, response) = casebook::protocol::schemas();
    let export = serde_json::to_value(schemars::schema_for!(casebook::portability::Export))
        .map_err(|e| e.to_string())?;
    let files = [
        ("request.schema.json", request),
        ("response.schema.json", response),
        ("export.schema.json", export),
    ];
    let dir = Path::new(out);
    let mut stale = Vec::new();
    for (name, schema) in files {
        let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())? + "\n";
        let path = dir.join(name);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        if check {
            println!("schemas are current");
        }
        Ok(())
    } else {
        Err(format!(
            "{} differ from the code: run `casebook schema` and commit them",
            stale.join(", ")
        ))
    }
}
