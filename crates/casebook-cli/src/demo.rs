//! `casebook demo`: a realistic support day, played through the JSON protocol on a fresh file.

use casebook::protocol::OpResult;
use casebook::view::CaseView;
use serde_json::{Value, json};

use crate::host::{self, Book};
use crate::{human, render};

const DAY: &str = "2026-11-23";

fn at(time: &str) -> String {
    format!("{DAY}T{time}:00Z")
}

fn send(book: &mut Book, time: &str, mut request: Value) -> Result<OpResult, String> {
    request["at"] = json!(at(time));
    let op = request["op"].as_str().unwrap_or("?").to_string();
    human::call(book, request).map_err(|e| format!("demo step {op} at {time} failed: {e}"))
}

fn case(result: OpResult) -> Result<CaseView, String> {
    match result {
        OpResult::Case { case } => Ok(*case),
        _ => Err("expected a case".into()),
    }
}

/// Plays the day. `store` is the file to create (removed first if it exists).
pub fn run(store: &str, default_store: bool) -> Result<(), String> {
    let path = if default_store {
        "./casebook-demo.db".to_string()
    } else {
        store.to_string()
    };
    if path != ":memory:" {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    let mut book = host::open(&path, true, Some(2026))?;
    println!("Casebook demo: a support day on a fresh casebook in {path}\n");

    let ada = json!({"role": "customer", "id": "ada", "name": "Ada", "org": "acme"});
    let bo = json!({"role": "customer", "id": "bo", "name": "Bo"});
    let cy = json!({"role": "customer", "id": "cy", "name": "Cy"});
    let sam = json!({"role": "agent", "id": "sam", "name": "Sam"});
    let eve = json!({"role": "engineer", "id": "eve", "name": "Eve"});
    let intake = json!({"role": "system", "name": "email intake"});

    // 08:55 The host's admin sets the key prefix (the default workflow ships with Casebook).
    send(
        &mut book,
        "08:55",
        json!({"op": "configure", "as": {"role": "admin", "id": "root"}, "key_prefix": "CB",
            "tracking_secret": "demo-secret: hosts pass 32 random bytes",
            "policy": {"staff_names": "first_name", "internal_tags": ["vip"]}}),
    )?;

    // 09:02 Ada reports from the in-app widget: a description and automatic diagnostics.
    let a = case(send(
        &mut book,
        "09:02",
        json!({"op": "report", "as": ada,
        "description": "Exporting a report to PDF crashes the app.\nIt started after the last update.",
        "diagnostics": {"app_version": "5.2.1", "os": "macOS 15.1", "device": "MacBook Air", "locale": "en-GB"}}),
    )?)?;
    // 09:20 Bo writes an email; intake turns it into a case for him.
    let b = case(send(
        &mut book,
        "09:20",
        json!({"op": "report", "as": intake, "channel": "email",
        "subject": "Dark mode keeps switching off",
        "description": "Every time I restart the app, dark mode is off again. Annoying at night!",
        "on_behalf_of": {"id": "bo", "email": "bo@example.com", "name": "Bo"}}),
    )?)?;
    // 09:41 Sam takes a phone call from Cy and logs it for her.
    let c = case(send(
        &mut book,
        "09:41",
        json!({"op": "report", "as": sam, "channel": "phone",
        "description": "Caller says the theme resets to light after each restart since 5.2.",
        "on_behalf_of": {"id": "cy", "name": "Cy", "org": "globex"}}),
    )?)?;

    // 10:05 Sam works Ada's case: an internal note for the team, a public reply for Ada.
    send(
        &mut book,
        "10:05",
        json!({"op": "comment", "as": sam, "case": a.key, "internal": true,
        "body": "Crash is in the legacy PDF renderer; Eve says it is being retired."}),
    )?;
    send(
        &mut book,
        "10:07",
        json!({"op": "comment", "as": sam, "case": a.key,
        "body": "Thanks Ada, we can reproduce the crash. Looking into it now."}),
    )?;
    send(
        &mut book,
        "10:08",
        json!({"op": "assign", "as": sam, "case": a.key, "assignee": "eve", "team": "engineering"}),
    )?;

    // 10:30 Cy's call is the same problem as Bo's email: a duplicate, linked both ways.
    send(
        &mut book,
        "10:30",
        json!({"op": "transition", "as": sam, "case": c.key, "to": "solved",
        "outcome": {"kind": "duplicate", "of": b.key}}),
    )?;
    // 11:15 Engineering plans the fix: an honest, tracked promise.
    send(
        &mut book,
        "11:15",
        json!({"op": "transition", "as": eve, "case": b.key, "to": "planned",
        "outcome": {"kind": "planned", "target_release": "5.3"}}),
    )?;
    send(
        &mut book,
        "11:16",
        json!({"op": "comment", "as": eve, "case": b.key,
        "body": "Found it: the setting was not saved on quit. The fix ships in 5.3."}),
    )?;

    // 14:00 The legacy renderer won't be fixed: say so, and give the workaround.
    send(
        &mut book,
        "14:00",
        json!({"op": "transition", "as": eve, "case": a.key, "to": "solved",
        "outcome": {"kind": "wont_fix", "reason": "the legacy PDF renderer is retired in 5.3",
                    "workaround": "turn on Settings > Export > New renderer"}}),
    )?;
    // 15:10 Ada tries it, it doesn't help for her charts: she reopens it herself.
    send(
        &mut book,
        "15:10",
        json!({"op": "comment", "as": ada, "case": a.key,
        "body": "The new renderer drops my charts, so this does not work for me."}),
    )?;
    send(
        &mut book,
        "15:11",
        json!({"op": "transition", "as": ada, "case": a.key, "to": "open"}),
    )?;
    send(
        &mut book,
        "15:40",
        json!({"op": "transition", "as": sam, "case": a.key, "to": "waiting_on_customer"}),
    )?;
    send(
        &mut book,
        "15:41",
        json!({"op": "comment", "as": sam, "case": a.key,
        "body": "Sorry about that! Could you send us one report that loses its charts?"}),
    )?;
    // 16:02 Ada answers; her reply puts the case back in progress by itself.
    send(
        &mut book,
        "16:02",
        json!({"op": "comment", "as": ada, "case": a.key, "body": "Sent: 'Q3 sales.report'."}),
    )?;
    // 16:20 The dark-mode fix goes on the public roadmap; Cy says "me too" there.
    send(
        &mut book,
        "16:20",
        json!({"op": "set_visibility", "as": sam, "case": b.key, "visibility": "public"}),
    )?;
    send(
        &mut book,
        "16:30",
        json!({"op": "vote", "as": cy, "case": b.key}),
    )?;
    // 17:05 A visitor without an account reports from the widget and gets a tracking link.
    let guest = case(send(
        &mut book,
        "17:05",
        json!({"op": "report", "as": {"role": "anonymous"},
        "description": "The signup page rejects my company email address.", "email": "dee@example.org"}),
    )?)?;
    let token = guest.tracking_token.clone().unwrap_or_default();
    send(
        &mut book,
        "17:20",
        json!({"op": "comment", "as": sam, "case": guest.key,
        "body": "Thanks Dee! Addresses with a '+' are refused by mistake; a fix is on its way."}),
    )?;

    println!("== The support team's view of the day ==\n");
    let all = human::call(&mut book, json!({"op": "list", "as": sam}))?;
    if let OpResult::Cases { cases, .. } = &all {
        for c in cases.iter().rev() {
            let full = case(human::call(
                &mut book,
                json!({"op": "get", "as": sam, "case": c.key}),
            )?)?;
            println!("{}", render::case_detail(&full));
        }
    }
    println!("== What each reporter sees of their own cases ==\n");
    for (name, who) in [("Ada", &ada), ("Bo", &bo), ("Cy", &cy)] {
        println!("-- {name} --");
        let mine = human::call(
            &mut book,
            json!({"op": "list", "as": who, "filter": {"mine": true}}),
        )?;
        if let OpResult::Cases { cases, .. } = mine {
            for c in cases.iter().rev() {
                let own = case(human::call(
                    &mut book,
                    json!({"op": "get", "as": who, "case": c.key}),
                )?)?;
                println!("{}", render::case_detail(&own));
            }
        }
    }
    println!(
        "-- Dee (no account, following {} with her tracking link) --",
        guest.key
    );
    let dee = json!({"role": "anonymous", "token": token});
    println!(
        "{}",
        render::case_detail(&case(human::call(
            &mut book,
            json!({"op": "get", "as": dee, "case": guest.key})
        )?)?)
    );
    println!("== The public roadmap (anyone may read it) ==\n");
    if let OpResult::Roadmap { roadmap } = human::call(
        &mut book,
        json!({"op": "roadmap", "as": {"role": "anonymous"}}),
    )? {
        for (group, entries) in [
            ("Planned", &roadmap.planned),
            ("In progress", &roadmap.in_progress),
            ("Recently fixed", &roadmap.recently_fixed),
            ("Won't fix", &roadmap.wont_fix),
        ] {
            for e in entries {
                println!(
                    "  {group:<15} {:<7} {:<40} {} vote(s)  {}",
                    e.key,
                    e.subject,
                    e.votes,
                    e.outcome.clone().unwrap_or_default()
                );
            }
        }
        println!();
    }
    let stranger = human::call(&mut book, json!({"op": "get", "as": bo, "case": a.key}));
    println!(
        "Bo asks for Ada's {}: {}",
        a.key,
        stranger
            .err()
            .unwrap_or_else(|| "visible (unexpected!)".into())
    );
    close_the_loop(&mut book, &path, &sam, &b.key, &guest.key)?;
    println!(
        "\nThe casebook is in {path}; try: casebook --store {path} show --as customer:ada {}",
        a.key
    );
    Ok(())
}

/// 17:30 onwards: a release ships, everyone concerned is told once, ratings come in, a status
/// broadcast goes out and the month's report is written.
fn close_the_loop(
    book: &mut Book,
    path: &str,
    sam: &Value,
    dark_mode: &str,
    signup: &str,
) -> Result<(), String> {
    let system = json!({"role": "system", "name": "mailer"});
    println!("\n== Closing the loop ==\n");
    let shipped = send(
        book,
        "17:30",
        json!({"op": "release", "as": sam, "version": "5.3", "cases": [dark_mode, signup]}),
    )?;
    if let OpResult::Release { release } = &shipped {
        println!(
            "Release {} ships fixes for {}; {} people are told, {} reporters asked to confirm.",
            release.version,
            release.fixed.join(", "),
            release.notified,
            release.confirmations_asked
        );
    }
    let mut tokens = Vec::new();
    if let OpResult::Notifications { notifications } =
        send(book, "17:31", json!({"op": "notifications", "as": system}))?
    {
        let mut ids = Vec::new();
        for n in &notifications {
            let what = n.data["cases"]
                .as_array()
                .map(|cs| {
                    cs.iter()
                        .filter_map(|c| c["key"].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .or_else(|| n.data["text"].as_str().map(str::to_string))
                .unwrap_or_default();
            println!(
                "  to {:<20} {:<15} {what}",
                n.recipient,
                format!("{:?}", n.kind)
            );
            for c in n.data["cases"].as_array().into_iter().flatten() {
                if let Some(t) = c["rating_token"].as_str() {
                    tokens.push((n.recipient.clone(), t.to_string()));
                }
            }
            ids.push(n.id.clone());
        }
        send(
            book,
            "17:32",
            json!({"op": "ack", "as": system, "ids": ids}),
        )?;
    }
    send(
        book,
        "17:45",
        json!({"op": "confirm_fix", "as": {"role": "customer", "id": "bo"}, "case": dark_mode, "works": true}),
    )?;
    println!("\nBo confirms that 5.3 fixes dark mode for him.");
    for (i, (who, token)) in tokens.iter().enumerate() {
        let rating = if i % 3 == 2 { "bad" } else { "good" };
        send(
            book,
            "17:50",
            json!({"op": "rate", "as": {"role": "anonymous"}, "token": token, "rating": rating}),
        )?;
        println!("{who} clicks \"{rating}\" in the message.");
    }
    send(
        book,
        "18:00",
        json!({"op": "broadcast", "as": sam, "component": "export",
            "message": "PDF export: turn on the new renderer until the legacy one is retired in 5.4."}),
    )?;
    if let OpResult::ReleaseNotes { release_notes } = send(
        book,
        "18:05",
        json!({"op": "release_notes", "as": {"role": "anonymous"}, "version": "5.3"}),
    )? {
        println!("\n{}", release_notes.markdown);
    }
    let out = if path == ":memory:" {
        "casebook-demo-report".to_string()
    } else {
        format!("{path}-report")
    };
    crate::report_cmd::run(book, "2026-11-01..2026-11-30", &out)
}
