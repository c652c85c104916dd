//! `casebook calendar`: business-time arithmetic on a calendar JSON file (format in docs/sla.md),
//! so a host can check what the SLA clocks will compute.

use casebook::calendar::{Calendar, parse_amount, parse_instant};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::Subcommand;

/// The calendar operations.
#[derive(Subcommand)]
pub enum CalendarOp {
    /// Add business time to an instant; prints an RFC 3339 instant.
    Add {
        /// The calendar JSON file.
        #[arg(long)]
        calendar: String,
        /// The instant (with an offset: exact; without: local time in the calendar's zone).
        #[arg(long)]
        at: String,
        /// Business time: 1h30m, 45min, 90s, 1d (24 business hours), or 3bd (business days).
        #[arg(long)]
        duration: String,
    },
    /// Subtract business time from an instant; prints an RFC 3339 instant.
    Subtract {
        /// The calendar JSON file.
        #[arg(long)]
        calendar: String,
        /// The instant.
        #[arg(long)]
        at: String,
        /// Business time.
        #[arg(long)]
        duration: String,
    },
    /// Business time between two instants; prints seconds (negative when --to is before --from).
    Between {
        /// The calendar JSON file.
        #[arg(long)]
        calendar: String,
        /// The start.
        #[arg(long)]
        from: String,
        /// The end.
        #[arg(long)]
        to: String,
    },
    /// The first open instant at or after --at; prints an RFC 3339 instant.
    NextOpen {
        /// The calendar JSON file.
        #[arg(long)]
        calendar: String,
        /// The instant.
        #[arg(long)]
        at: String,
    },
}

fn load(path: &str) -> Result<Calendar, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("--calendar {path}: {e}"))?;
    Calendar::from_json_str(&text).map_err(|e| format!("--calendar {path}: {e} ({})", e.code()))
}

fn instant(flag: &str, text: &str, cal: &Calendar) -> Result<DateTime<Utc>, String> {
    parse_instant(text, cal).map_err(|e| format!("--{flag} {text}: {e} ({})", e.code()))
}

fn show(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `add` (forward) or `subtract` a business amount from an instant, as an RFC 3339 line.
fn shift(calendar: &str, at: &str, duration: &str, forward: bool) -> Result<String, String> {
    let cal = load(calendar)?;
    let at = instant("at", at, &cal)?;
    let amount =
        parse_amount(duration).map_err(|e| format!("--duration {duration}: {e} ({})", e.code()))?;
    let result = if forward {
        cal.add_amount(at, amount)
    } else {
        cal.subtract_amount(at, amount)
    };
    result.map(show).map_err(|e| format!("{e} ({})", e.code()))
}

/// Runs one operation and returns the line to print.
pub fn run(op: CalendarOp) -> Result<String, String> {
    match op {
        CalendarOp::Add {
            calendar,
            at,
            duration,
        } => shift(&calendar, &at, &duration, true),
        CalendarOp::Subtract {
            calendar,
            at,
            duration,
        } => shift(&calendar, &at, &duration, false),
        CalendarOp::Between { calendar, from, to } => {
            let cal = load(&calendar)?;
            let from = instant("from", &from, &cal)?;
            let to = instant("to", &to, &cal)?;
            let ms = cal.between(from, to).num_milliseconds();
            Ok(if ms % 1000 == 0 {
                (ms / 1000).to_string()
            } else {
                format!("{:.3}", ms as f64 / 1000.0)
            })
        }
        CalendarOp::NextOpen { calendar, at } => {
            let cal = load(&calendar)?;
            let at = instant("at", &at, &cal)?;
            cal.next_open(at)
                .map(show)
                .map_err(|e| format!("{e} ({})", e.code()))
        }
    }
}
