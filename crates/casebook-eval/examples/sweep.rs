//! Coarse parameter sweep of the Casebook ranker on a GitBugs project (prints one JSON line per
//! setting). Usage: `cargo run --release -p casebook-eval --example sweep -- BUGS.csv PAIRS.csv`.

use std::path::Path;

use casebook_eval::{CasebookParams, Config, Method, evaluate, read_bugs_file, read_pairs_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(bugs), Some(pairs)) = (args.get(1), args.get(2)) else {
        return Err("usage: sweep BUGS.csv PAIRS.csv".into());
    };
    let bugs = read_bugs_file(Path::new(bugs))?;
    let pairs = read_pairs_file(Path::new(pairs))?;
    let base = CasebookParams::default();
    let e = evaluate(&bugs, &pairs, &Config::plain_bm25())?;
    println!("plain {}", serde_json::to_string(&e)?);
    // One factor at a time around the defaults.
    let mut settings: Vec<(String, CasebookParams)> = vec![("default".into(), base.clone())];
    let mut vary = |name: &str, values: &[f32], set: fn(&mut CasebookParams, f32)| {
        for &v in values {
            let mut p = base.clone();
            set(&mut p, v);
            settings.push((format!("{name}={v}"), p));
        }
    };
    vary("summary_weight", &[1.0, 1.5, 3.0, 4.0], |p, v| {
        p.summary_weight = v
    });
    vary("versions_weight", &[0.0, 1.0, 2.0], |p, v| {
        p.versions_weight = v
    });
    vary("summary_b", &[0.0, 0.3, 0.75], |p, v| p.summary_b = v);
    vary("description_b", &[0.5, 0.9], |p, v| p.description_b = v);
    vary("summary_query_weight", &[1.0, 3.0], |p, v| {
        p.summary_query_weight = v
    });
    vary("k1", &[0.8, 1.6, 2.0], |p, v| p.k1 = v);
    vary("recency", &[0.0, 0.5, 2.0, 4.0], |p, v| p.recency = v);
    vary("recency_days", &[7.0, 14.0, 60.0, 120.0], |p, v| {
        p.recency_days = v
    });
    for (name, p) in settings {
        let cfg = Config {
            method: Method::Casebook(p),
            window_days: 365,
        };
        let e = evaluate(&bugs, &pairs, &cfg)?;
        println!("{name} {}", serde_json::to_string(&e)?);
    }
    Ok(())
}
