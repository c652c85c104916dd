//! `casebook`: the reference host of Casebook and its operations tool.

mod calendar_cmd;
mod demo;
mod eval_cmd;
mod exec;
mod host;
mod human;
mod import_cmd;
mod portability_cmd;
mod render;
mod report_cmd;
mod schema;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

/// Casebook: an embeddable customer-support engine, from the command line.
#[derive(Parser)]
#[command(name = "casebook", version, about)]
struct Cli {
    /// The casebook file (SQLite), or :memory: for an ephemeral one.
    #[arg(long, global = true, default_value = "./casebook.db")]
    store: String,
    /// Trade power-loss durability for speed (synchronous=NORMAL: an acknowledged write still
    /// survives a crash of the process, but the last ones may be lost on power loss).
    #[arg(long, global = true)]
    fast: bool,
    /// Save a snapshot after a command when the next open would otherwise replay this many
    /// events or more (0: only with `casebook snapshot`).
    #[arg(long, global = true, default_value_t = host::SNAPSHOT_EVERY)]
    snapshot_every: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the JSON protocol: one request per line on stdin, one response per line on stdout.
    Exec,
    /// Save a snapshot of the casebook's state, so that opening it replays only later events.
    Snapshot,
    /// Report a problem (a description alone is enough).
    Report {
        /// Who reports: ROLE[:ID], e.g. customer:u1.
        #[arg(long = "as", default_value = "anonymous")]
        actor: String,
        /// A subject (derived from the description when absent).
        #[arg(long)]
        subject: Option<String>,
        /// The channel: widget, email, phone, chat, agent_on_behalf, api.
        #[arg(long)]
        channel: Option<String>,
        /// Diagnostics as KEY=VALUE (app_version, os, device, locale or any other key).
        #[arg(long = "diag")]
        diagnostics: Vec<String>,
        /// What happened.
        #[arg(required_unless_present = "period")]
        description: Option<String>,
        /// Instead of reporting a case: write the HTML report of metrics and trends for a period,
        /// e.g. 2026-11-01..2026-11-30 (with --out DIR).
        #[arg(long)]
        period: Option<String>,
        /// The folder of the HTML report.
        #[arg(long, default_value = "casebook-report")]
        out: String,
    },
    /// List cases, newest first.
    List {
        /// Who asks: ROLE[:ID].
        #[arg(long = "as")]
        actor: String,
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// Only the asker's own cases (the default for customers).
        #[arg(long)]
        mine: bool,
        /// Only cases in this state.
        #[arg(long)]
        status: Option<String>,
        /// Continue after this cursor.
        #[arg(long)]
        cursor: Option<String>,
    },
    /// Show one case with its timeline.
    Show {
        /// Who asks: ROLE[:ID].
        #[arg(long = "as")]
        actor: String,
        /// The case: a key such as CB-42, or its id.
        case: String,
    },
    /// Add a public reply (or an internal note with --internal).
    Comment {
        /// Who comments: ROLE[:ID].
        #[arg(long = "as")]
        actor: String,
        /// An internal note, invisible to customers.
        #[arg(long)]
        internal: bool,
        /// The case.
        case: String,
        /// The text.
        body: String,
    },
    /// Move a case to another state, with an outcome when the workflow needs one.
    Transition {
        /// Who acts: ROLE[:ID].
        #[arg(long = "as")]
        actor: String,
        /// The outcome as JSON, e.g. '{"kind":"fixed","version":"5.2"}'.
        #[arg(long)]
        outcome: Option<String>,
        /// The case.
        case: String,
        /// The target state.
        to: String,
    },
    /// Play a realistic support day on a fresh casebook file and print what everyone sees.
    Demo,
    /// Business-time arithmetic on a calendar JSON file (docs/sla.md).
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarOp),
    /// Import an issue-tracker CSV export (Jira-style columns) as cases; prints a JSON report.
    ImportCsv {
        /// The CSV file.
        #[arg(long)]
        csv: String,
        /// A mapping file (JSON: columns, statuses, resolutions, priorities, date formats);
        /// the Jira mapping when absent. See docs/portability.md.
        #[arg(long)]
        mapping: Option<String>,
    },
    /// Write the whole casebook as an export document (docs/portability.md), streamed, so it
    /// works at any size; to standard output without --out.
    Export {
        /// The file to write.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Load an export document into this casebook, which must be empty. Unlike the `import`
    /// request of `exec` (one JSON line, at most the request size limit), any size is accepted.
    Import {
        /// The export file, or - for standard input.
        file: std::path::PathBuf,
    },
    /// Write (or with --check, verify) the JSON Schemas of the protocol.
    Schema {
        /// The folder of the schema files.
        #[arg(long, default_value = "docs/schema")]
        out: String,
        /// Fail when the files differ from what the code generates.
        #[arg(long)]
        check: bool,
    },
    /// Measure duplicate detection on a bug-tracker export: RR@1, RR@5, RR@10 and MRR.
    EvalDuplicates {
        /// The reports (CSV: Summary, Issue id, Created, Description, [Affects Version/s]).
        #[arg(long)]
        csv: std::path::PathBuf,
        /// The duplicate pairs (CSV: Issue id, Duplicate id).
        #[arg(long)]
        pairs: std::path::PathBuf,
        /// Print one JSON object: queries, rr@1, rr@5, rr@10, mrr.
        #[arg(long)]
        json: bool,
    },
}

fn diagnostics(pairs: &[String]) -> Result<Value, String> {
    let mut map = serde_json::Map::new();
    for p in pairs {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| format!("--diag {p}: write KEY=VALUE"))?;
        map.insert(k.to_string(), Value::String(v.to_string()));
    }
    Ok(Value::Object(map))
}

fn run(cli: Cli) -> Result<(), String> {
    let open = || host::open(&cli.store, !cli.fast, None);
    let request = match cli.command {
        Command::Exec => {
            let mut book = open()?;
            let stdin = std::io::stdin().lock();
            exec::run(&mut book, stdin, std::io::stdout().lock())
                .map_err(|e| format!("exec: {e}"))?;
            host::settle(&mut book, cli.snapshot_every);
            return Ok(());
        }
        Command::Snapshot => {
            println!("{}", host::snapshot(&mut open()?)?);
            return Ok(());
        }
        Command::Demo => return demo::run(&cli.store, cli.store == "./casebook.db"),
        Command::Export { out } => return portability_cmd::export(&open()?, out.as_deref()),
        Command::Import { file } => {
            let mut book = open()?;
            portability_cmd::import(&mut book, &file)?;
            host::settle(&mut book, cli.snapshot_every);
            return Ok(());
        }
        Command::Schema { out, check } => return schema::run(&out, check),
        Command::Calendar(op) => {
            println!("{}", calendar_cmd::run(op)?);
            return Ok(());
        }
        Command::EvalDuplicates { csv, pairs, json } => return eval_cmd::run(&csv, &pairs, json),
        Command::ImportCsv { csv, mapping } => {
            return import_cmd::run(&cli.store, !cli.fast, &csv, mapping.as_deref());
        }
        Command::Report {
            actor,
            subject,
            channel,
            diagnostics: d,
            description,
            period,
            out,
        } => {
            if let Some(p) = period {
                return report_cmd::run(&open()?, &p, &out);
            }
            let mut r = json!({"op": "report", "as": human::parse_actor(&actor)?, "description": description});
            if let Some(s) = subject {
                r["subject"] = json!(s);
            }
            if let Some(c) = channel {
                r["channel"] = json!(c);
            }
            if !d.is_empty() {
                r["diagnostics"] = diagnostics(&d)?;
            }
            r
        }
        Command::List {
            actor,
            open,
            mine,
            status,
            cursor,
        } => {
            let mut filter = json!({});
            if open {
                filter["open"] = json!(true);
            }
            if mine {
                filter["mine"] = json!(true);
            }
            if let Some(s) = status {
                filter["status"] = json!(s);
            }
            let mut r = json!({"op": "list", "as": human::parse_actor(&actor)?, "filter": filter});
            if let Some(c) = cursor {
                r["cursor"] = json!(c);
            }
            r
        }
        Command::Show { actor, case } => {
            json!({"op": "get", "as": human::parse_actor(&actor)?, "case": case})
        }
        Command::Comment {
            actor,
            internal,
            case,
            body,
        } => {
            json!({"op": "comment", "as": human::parse_actor(&actor)?, "case": case, "body": body, "internal": internal})
        }
        Command::Transition {
            actor,
            outcome,
            case,
            to,
        } => {
            let mut r = json!({"op": "transition", "as": human::parse_actor(&actor)?, "case": case, "to": to});
            if let Some(o) = outcome {
                r["outcome"] = serde_json::from_str(&o)
                    .map_err(|e| format!("--outcome is not valid JSON: {e}"))?;
            }
            r
        }
    };
    let mut book = open()?;
    let result = human::call(&mut book, request)?;
    human::print(&result);
    host::settle(&mut book, cli.snapshot_every);
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("casebook: {e}");
            ExitCode::FAILURE
        }
    }
}
