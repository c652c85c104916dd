//! Reply stripping: keep what the sender wrote now, drop what they quoted and their signature.
//!
//! Rules, applied in this order to the text split into lines:
//! 1. Cut at the first quote header: an attribution line ("On … wrote:", "Am … schrieb …:",
//!    "Le … a écrit :", "El … escribió:", "Op … schreef …:", "Il … ha scritto:",
//!    "Em … escreveu:", "Den … skrev …:", possibly wrapped over up to three lines), a line ending
//!    in such a verb and followed by `>` lines, an Outlook separator ("-----Original
//!    Message-----" and its translations) or an Outlook header block ("From: …" followed within
//!    four lines by "Sent:"/"Date:" or their translations).
//! 2. Drop every remaining line that starts with `>` (inline quotes).
//! 3. Cut at the first signature delimiter line (`-- ` or `--`), and at a mobile signature
//!    ("Sent from my iPhone", "Von meinem iPhone gesendet", "Get Outlook for Android", …) that
//!    is among the last two non-empty lines.
//! 4. Trim trailing spaces of each line and blank lines at both ends.
//!
//! Forwarded messages are kept whole: when a forward marker ("---------- Forwarded message
//! ---------", "Begin forwarded message:", and translations) comes before any quote header, the
//! text is only trimmed. When someone forwards a customer's mail to support, that is the content.

/// Attribution verbs: (first word of the line, verb the joined lines must contain).
const ATTRIBUTIONS: &[(&str, &str)] = &[
    ("on ", "wrote"),
    ("am ", "schrieb"),
    ("le ", "a écrit"),
    ("el ", "escribió"),
    ("op ", "schreef"),
    ("il ", "ha scritto"),
    ("em ", "escreveu"),
    ("den ", "skrev"),
];

const OUTLOOK_SEPARATORS: &[&str] = &[
    "original message",
    "ursprüngliche nachricht",
    "message d'origine",
    "mensaje original",
    "oorspronkelijk bericht",
    "messaggio originale",
    "mensagem original",
];

const FROM_FIELDS: &[&str] = &["from:", "von:", "de:", "de :", "van:", "da:", "från:"];
const SENT_FIELDS: &[&str] = &[
    "sent:",
    "date:",
    "gesendet:",
    "datum:",
    "envoyé :",
    "envoyé:",
    "enviado:",
    "enviado el:",
    "verzonden:",
    "inviato:",
    "data:",
    "skickat:",
];

const MOBILE_SIGNATURES: &[&str] = &[
    "sent from my ",
    "sent from outlook",
    "sent from mail for windows",
    "sent from yahoo mail",
    "sent from proton mail",
    "sent with proton mail",
    "sent via ",
    "get outlook for ",
    "von meinem iphone gesendet",
    "von meinem ipad gesendet",
    "von meinem smartphone gesendet",
    "gesendet von meinem ",
    "gesendet mit ",
    "envoyé de mon ",
    "enviado desde mi ",
    "inviato da ",
    "verzonden vanaf mijn ",
    "skickat från min ",
];

/// The new text of a reply: quoted text and signature removed (see the module rules).
pub fn strip_reply(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let cut = quote_start(&lines).unwrap_or(lines.len());
    if lines[..cut].iter().any(|l| is_forward_marker(l)) {
        return trim_lines(&lines);
    }
    let kept: Vec<&str> = lines[..cut]
        .iter()
        .copied()
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect();
    trim_lines(&kept[..signature_start(&kept).unwrap_or(kept.len())])
}

/// Whether a subject marks the message as a forward (Fwd:, FW:, WG:, TR:, RV:, Enc:).
pub(crate) fn is_forward_subject(subject: &str) -> bool {
    let s = subject.trim_start().to_lowercase();
    ["fwd:", "fw:", "wg:", "tr:", "rv:", "enc:", "fwd :", "fw :"]
        .iter()
        .any(|p| s.starts_with(p))
}

fn is_forward_marker(line: &str) -> bool {
    let l = lower(line);
    l.len() < 100
        && [
            "forwarded message",
            "begin forwarded message",
            "weitergeleitete nachricht",
            "message transféré",
            "mensaje reenviado",
            "messaggio inoltrato",
            "doorgestuurd bericht",
        ]
        .iter()
        .any(|m| l.contains(m))
}

/// Lines with trailing spaces trimmed, without blank lines at either end, joined by `\n`.
pub(crate) fn trim_lines(lines: &[&str]) -> String {
    let mut out: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let first = out.iter().position(|l| !l.is_empty()).unwrap_or(out.len());
    out[first..].join("\n")
}

/// A subject without reply/forward prefixes (Re:, Fwd:, AW:, WG:, SV:, …) and Casebook tags,
/// for use as a case title.
pub fn clean_subject(subject: &str) -> String {
    const PREFIXES: &[&str] = &[
        "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "tr", "rif", "odp", "res",
    ];
    let untagged = super::token::remove_tags(subject);
    let mut s = untagged.trim();
    loop {
        let before = s;
        for p in PREFIXES {
            let Some(head) = s.get(..p.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(p) {
                continue;
            }
            let mut rest = &s[p.len()..];
            // "Re[2]:" style counters.
            if let Some(inner) = rest.strip_prefix('[')
                && let Some(close) = inner.find(']')
                && inner[..close].bytes().all(|b| b.is_ascii_digit())
            {
                rest = &inner[close + 1..];
            }
            if let Some(after) = rest.trim_start_matches(' ').strip_prefix(':') {
                s = after.trim_start();
                break;
            }
        }
        if s.len() == before.len() {
            break;
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lower(l: &str) -> String {
    l.trim().trim_matches('*').trim().to_lowercase()
}

/// Index of the first line of quoted material, if any.
fn quote_start(lines: &[&str]) -> Option<usize> {
    (0..lines.len()).find_map(|i| {
        if is_attribution(lines, i) || is_outlook_separator(lines[i]) {
            Some(i)
        } else if is_outlook_header(lines, i) {
            // An underscore rule right above the header belongs to it.
            let prev = (0..i).rev().find(|&j| !lines[j].trim().is_empty());
            match prev {
                Some(j) if is_rule(lines[j]) => Some(j),
                _ => Some(i),
            }
        } else {
            None
        }
    })
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 8 && t.bytes().all(|b| b == b'_' || b == b'-')
}

fn is_attribution(lines: &[&str], i: usize) -> bool {
    let first = lower(lines[i]);
    if first.is_empty() || first.starts_with('>') {
        return false;
    }
    // Prefix form, possibly wrapped over up to three lines.
    let mut joined = String::new();
    for line in lines.iter().skip(i).take(3) {
        if line.trim().is_empty() {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(&lower(line));
        if joined.len() > 400 {
            break;
        }
        if joined.ends_with(':')
            && ATTRIBUTIONS
                .iter()
                .any(|(p, verb)| first.starts_with(p) && joined.contains(verb))
        {
            return true;
        }
    }
    // "Name <addr> wrote:" directly followed by quoted lines.
    first.ends_with(':')
        && first.len() <= 400
        && ATTRIBUTIONS.iter().any(|(_, verb)| first.contains(verb))
        && lines
            .iter()
            .skip(i + 1)
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with('>'))
}

fn is_outlook_separator(line: &str) -> bool {
    let t = line.trim();
    if !t.starts_with("--") {
        return false;
    }
    let inner = lower(t.trim_matches(|c: char| c == '-' || c.is_whitespace()));
    OUTLOOK_SEPARATORS.contains(&inner.as_str())
}

fn is_outlook_header(lines: &[&str], i: usize) -> bool {
    let first = lower(lines[i]);
    if !FROM_FIELDS.iter().any(|f| first.starts_with(f)) {
        return false;
    }
    lines
        .iter()
        .skip(i + 1)
        .take(4)
        .map(|l| lower(l))
        .any(|l| SENT_FIELDS.iter().any(|f| l.starts_with(f)))
}

fn signature_start(lines: &[&str]) -> Option<usize> {
    if let Some(i) = lines.iter().position(|l| l.trim_end() == "--") {
        return Some(i);
    }
    let non_empty: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let tail = &non_empty[non_empty.len().saturating_sub(2)..];
    tail.iter().copied().find(|&i| {
        let l = lower(lines[i]);
        l.len() < 100 && MOBILE_SIGNATURES.iter().any(|m| l.starts_with(m))
    })
}

#[cfg(test)]
#[path = "strip_tests.rs"]
mod tests;
