//! Human-readable rendering of protocol results.

use std::fmt::Write;

use casebook::view::{CaseView, TimelineEntry};

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

/// One line per case: key, status, subject.
pub fn case_line(c: &CaseView) -> String {
    let outcome = c
        .outcome
        .as_ref()
        .map(|o| format!("  ({})", one_line(&o.words, 50)))
        .unwrap_or_default();
    format!(
        "{:<8} {:<24} {}{}",
        c.key,
        format!("[{}]", c.status_label),
        one_line(&c.subject, 60),
        outcome
    )
}

fn entry_line(e: &TimelineEntry) -> String {
    let who = match &e.actor.name {
        Some(n) => format!("{} {}", e.actor.role_str(), n),
        None => e.actor.role_str().to_string(),
    };
    let mut line = format!(
        "    {}  {:<18} {}",
        e.at.format("%a %H:%M"),
        one_line(&who, 18),
        e.text
    );
    if let Some(body) = &e.body {
        let _ = write!(line, ": \"{}\"", one_line(body, 70));
    }
    line
}

/// A case with its details and timeline.
pub fn case_detail(c: &CaseView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", case_line(c));
    if let Some(r) = &c.reporter {
        let who = r
            .name
            .clone()
            .or(r.user.clone())
            .or(r.email.clone())
            .unwrap_or_else(|| "anonymous".into());
        let priority = c
            .priority
            .map(|p| format!("   priority: {}", p.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    reporter: {who}   channel: {}{priority}",
            c.channel.as_str()
        );
    }
    if let Some(d) = &c.duplicate_of {
        let o = d
            .outcome
            .as_ref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        let _ = writeln!(out, "    the original {} is: {}{o}", d.key, d.status_label);
    }
    if let Some(a) = &c.assignee {
        let _ = writeln!(out, "    assignee: {a}");
    }
    if c.votes > 0 || c.duplicates > 0 {
        let _ = writeln!(
            out,
            "    me too: {} vote(s), {} duplicate(s)",
            c.votes, c.duplicates
        );
    }
    for p in &c.commitments {
        let _ = writeln!(out, "    promise #{}: {} [{:?}]", p.number, p.text, p.state);
    }
    if let Some(t) = &c.timeline {
        for e in t {
            let _ = writeln!(out, "{}", entry_line(e));
        }
    }
    out
}

trait RoleStr {
    fn role_str(&self) -> &'static str;
}

impl RoleStr for casebook::view::ActorView {
    fn role_str(&self) -> &'static str {
        self.role.as_str()
    }
}
