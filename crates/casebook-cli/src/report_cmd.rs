//! `casebook report --period FROM..TO --out DIR`: an HTML report with SVG charts of the metrics
//! and trends, for people who would rather look than read. The charts are plain SVG written here
//! (no plotting dependency, no fonts to embed: the browser's sans-serif renders the labels).

use std::fmt::Write as _;

use casebook::Store;
use casebook::stats::{self, Period, Stats, StatsFilter, Trends};

use crate::host::Book;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A bar chart as an SVG document.
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> String {
    let (w, h, left, top, bottom) = (720.0, 260.0, 48.0, 32.0, 48.0);
    let max = bars.iter().map(|b| b.1).fold(0.0f64, f64::max).max(1e-9);
    let n = bars.len().max(1) as f64;
    let slot = (w - left - 16.0) / n;
    let plot = h - top - bottom;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif" font-size="11" role="img" aria-label="{t}">"#,
        t = esc(title)
    );
    let _ = write!(
        s,
        r#"<text x="{left}" y="18" font-size="14" font-weight="bold">{}</text>"#,
        esc(title)
    );
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" stroke="#888"/>"##,
        y = top + plot,
        x2 = w - 16.0
    );
    let _ = write!(
        s,
        r#"<text x="4" y="{}" >{}</text>"#,
        top + 8.0,
        esc(&format!("{} {unit}", fmt_num(max)))
    );
    let every = (bars.len() / 16).max(1);
    for (i, (label, v)) in bars.iter().enumerate() {
        let bh = if v.is_finite() { v / max * plot } else { 0.0 };
        let x = left + i as f64 * slot + slot * 0.1;
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#3b6ea8"><title>{}: {} {}</title></rect>"##,
            top + plot - bh,
            slot * 0.8,
            esc(label),
            fmt_num(*v),
            esc(unit)
        );
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + slot * 0.4,
                top + plot + 14.0,
                esc(label)
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn hours(secs: Option<i64>) -> String {
    secs.map_or_else(|| "–".into(), |s| format!("{:.1} h", s as f64 / 3600.0))
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "–".into(), |r| format!("{:.0}%", r * 100.0))
}

fn sub_periods(p: &Period, days: i64) -> Vec<Period> {
    let mut out = Vec::new();
    let mut from = p.from;
    while from <= p.to {
        let to = (from + chrono::Duration::days(days - 1)).min(p.to);
        out.push(Period { from, to });
        from = to + chrono::Duration::days(1);
    }
    out
}

/// Builds the report's HTML and its charts (file name, SVG).
pub fn build<S: Store>(
    book: &casebook::Casebook<S>,
    period: &Period,
) -> Result<(String, Vec<(String, String)>), String> {
    let all = StatsFilter::default();
    let err = |e: casebook::release::LoopError| format!("{e} ({})", e.code().as_str());
    let s: Stats = stats::stats(book, period, &all).map_err(err)?;
    let t: Trends = stats::trends(book, period, None).map_err(err)?;
    let days = sub_periods(period, 1);
    let mut daily = Vec::new();
    for d in &days {
        let x = stats::stats(book, d, &all).map_err(err)?;
        daily.push((d.from.format("%d").to_string(), x.reported as f64));
    }
    let mut weekly = Vec::new();
    for w in sub_periods(period, 7) {
        let x = stats::stats(book, &w, &all).map_err(err)?;
        let h = x.first_reply.median_secs.map_or(0.0, |v| v as f64 / 3600.0);
        weekly.push((format!("from {}", w.from.format("%m-%d")), h));
    }
    let ages: Vec<(String, f64)> = s
        .backlog
        .ages
        .iter()
        .map(|(l, n)| (l.clone(), *n as f64))
        .collect();
    let rates = vec![
        (
            "first contact".to_string(),
            s.first_contact_resolution.rate.unwrap_or(0.0) * 100.0,
        ),
        (
            "reopened".to_string(),
            s.reopen_rate.rate.unwrap_or(0.0) * 100.0,
        ),
        (
            "satisfied".to_string(),
            s.satisfaction.rate.unwrap_or(0.0) * 100.0,
        ),
    ];
    let charts = vec![
        (
            "new-cases.svg".to_string(),
            bar_chart("New cases per day", &daily, "cases"),
        ),
        (
            "first-reply.svg".to_string(),
            bar_chart("Median first reply per week", &weekly, "hours"),
        ),
        (
            "backlog-ages.svg".to_string(),
            bar_chart("Backlog by age at the end of the period", &ages, "cases"),
        ),
        ("rates.svg".to_string(), bar_chart("Rates", &rates, "%")),
    ];
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Casebook report {p}</title>\
         <style>body{{font-family:sans-serif;max-width:780px;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}}</style>\
         </head><body>\n<h1>Casebook report {p}</h1>\n",
        p = esc(&s.period)
    );
    h.push_str("<h2>Metrics</h2>\n<table>\n<tr><th>Metric</th><th>Value</th><th>Cases</th></tr>\n");
    let rows: Vec<(&str, String, String)> = vec![
        ("Cases reported", s.reported.to_string(), String::new()),
        (
            "First reply (median)",
            hours(s.first_reply.median_secs),
            s.first_reply.count.to_string(),
        ),
        (
            "First resolution (median)",
            hours(s.first_resolution.median_secs),
            s.first_resolution.count.to_string(),
        ),
        (
            "Full resolution (median)",
            hours(s.full_resolution.median_secs),
            s.full_resolution.count.to_string(),
        ),
        (
            "Confirmed resolution (median)",
            hours(s.confirmed_resolution.median_secs),
            s.confirmed_resolution.count.to_string(),
        ),
        (
            "First-contact resolution",
            pct(s.first_contact_resolution.rate),
            format!(
                "{} of {}",
                s.first_contact_resolution.count, s.first_contact_resolution.of
            ),
        ),
        (
            "Reopen rate",
            pct(s.reopen_rate.rate),
            format!("{} of {}", s.reopen_rate.count, s.reopen_rate.of),
        ),
        (
            "Satisfaction",
            pct(s.satisfaction.rate),
            format!("{} of {} ratings", s.satisfaction.count, s.satisfaction.of),
        ),
        (
            "Backlog at the end",
            s.backlog.size.to_string(),
            hours(s.backlog.median_age_secs) + " median age",
        ),
    ];
    for (name, value, n) in rows {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&value),
            esc(&n)
        );
    }
    for (name, m) in [
        ("SLA attainment", &s.sla_attainment),
        ("Known-answer rate", &s.known_answer_rate),
        ("Deflection rate", &s.deflection_rate),
    ] {
        let v = m
            .value
            .as_ref()
            .map_or_else(|| "–".to_string(), |v| v.to_string());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&v),
            esc(m.note.as_deref().unwrap_or(""))
        );
    }
    h.push_str("</table>\n<h2>Charts</h2>\n");
    for (file, svg) in &charts {
        let _ = writeln!(
            h,
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            esc(file)
        );
    }
    let _ = writeln!(
        h,
        "<h2>Spikes</h2>\n<p>New cases in {} against {} (one-sided exact binomial test, {} values tested, threshold p &lt; {:.2e}).</p>",
        esc(&t.period),
        esc(&t.baseline),
        t.tested,
        t.threshold
    );
    if t.spikes.is_empty() {
        h.push_str("<p>No spikes.</p>\n");
    } else {
        h.push_str("<table><tr><th>What</th><th>Cases</th><th>Expected</th><th>p</th></tr>\n");
        for sp in &t.spikes {
            let _ = writeln!(
                h,
                "<tr><td>{}: {}</td><td>{}</td><td>{:.1}</td><td>{:.2e}</td></tr>",
                esc(&sp.dimension),
                esc(&sp.value),
                sp.count,
                sp.expected,
                sp.p_value
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Similar open cases nobody linked</h2>\n");
    if t.clusters.is_empty() {
        h.push_str("<p>None.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for c in &t.clusters {
            let _ = writeln!(
                h,
                "<li>{} — {}</li>",
                esc(&c.cases.join(", ")),
                esc(&c.terms.join(", "))
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</body></html>\n");
    Ok((h, charts))
}

/// Writes DIR/index.html and one SVG file per chart.
pub fn run(book: &Book, period: &str, out: &str) -> Result<(), String> {
    let p = Period::parse(period).map_err(|e| format!("--period: {e}"))?;
    let (html, charts) = build(book, &p)?;
    let dir = std::path::Path::new(out);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {out}: {e}"))?;
    for (name, svg) in &charts {
        std::fs::write(dir.join(name), svg).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let index = dir.join("index.html");
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    println!("The report for {p} is in {}", index.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_charts_and_escapes_text() {
        let mut book = crate::host::open(":memory:", false, Some(7)).unwrap();
        let sam = serde_json::json!({"role": "agent", "id": "sam"});
        for (i, day) in ["02", "02", "03", "05"].iter().enumerate() {
            let r = crate::human::call(
                &mut book,
                serde_json::json!({"op": "report", "as": {"role": "customer", "id": format!("u{i}")},
                    "description": format!("Sync <fails> & stops {i}"), "at": format!("2026-11-{day}T09:00:00Z")}),
            );
            assert!(r.is_ok(), "{r:?}");
        }
        crate::human::call(&mut book, serde_json::json!({"op": "comment", "as": sam, "case": "CB-1", "body": "on it", "at": "2026-11-02T11:00:00Z"})).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        run(&book, "2026-11-01..2026-11-07", out.to_str().unwrap()).unwrap();
        let html = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(html.contains("<h1>Casebook report 2026-11-01..2026-11-07</h1>"));
        assert!(
            html.contains("<td>First reply (median)</td><td>2.0 h</td><td>1</td>"),
            "{html}"
        );
        assert_eq!(html.matches("<svg ").count(), 4);
        let svg = std::fs::read_to_string(out.join("new-cases.svg")).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        // Seven days, seven bars; the tallest is the day with two reports.
        assert_eq!(svg.matches("<rect ").count(), 7);
        assert!(svg.contains("<title>02: 2 cases</title>"));
        let e = run(&book, "nope", out.to_str().unwrap()).unwrap_err();
        assert!(e.starts_with("--period: invalid period"), "{e}");
    }
}
