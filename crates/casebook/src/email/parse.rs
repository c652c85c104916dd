//! `parse_email`: raw bytes to [`InboundEmail`].

use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

use super::auto::{detect, raw_header};
use super::strip::{is_forward_subject, strip_reply, trim_lines};
use super::token::{token_from_address, token_from_subject};
use super::{
    AttachmentMeta, AutoKind, EmailError, EmailLimits, InboundEmail, Mailbox, ReplyToken,
    TextOverflow,
};

/// Parses one raw RFC 5322 message (as received over SMTP or read from an `.eml` file).
///
/// Checks run in this order: raw size ([`EmailError::TooLarge`]), header section
/// ([`EmailError::NotAnEmail`]), sender ([`EmailError::MissingSender`]), content
/// ([`EmailError::NoContent`]), text size ([`EmailError::TextTooLarge`], only with
/// [`TextOverflow::Refuse`]). Never panics.
pub fn parse_email(raw: &[u8], limits: &EmailLimits) -> Result<InboundEmail, EmailError> {
    if raw.len() > limits.max_raw_bytes {
        return Err(EmailError::TooLarge {
            size: raw.len(),
            limit: limits.max_raw_bytes,
        });
    }
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(EmailError::NotAnEmail {
            reason: "the input is empty",
        });
    }
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or(EmailError::NotAnEmail {
            reason: "no header lines were found",
        })?;
    if msg.parts.first().is_none_or(|p| p.headers.is_empty()) {
        return Err(EmailError::NotAnEmail {
            reason: "no header lines were found",
        });
    }

    let from = pick_sender(&msg)?;
    let reply_to = msg
        .reply_to()
        .and_then(first_mailbox)
        .filter(|r| !r.address.eq_ignore_ascii_case(&from.address));
    let to = mailboxes(msg.all_to());
    let cc = mailboxes(msg.all_cc());
    let subject = clean_text(msg.subject().unwrap_or("")).trim().to_owned();

    let (full_text, from_html) = body_text(&msg);
    let stripped = if is_forward_subject(&subject) {
        trim_lines(&full_text.lines().collect::<Vec<_>>())
    } else {
        strip_reply(&full_text)
    };
    let attachments = attachments(&msg);
    if full_text.trim().is_empty() && subject.is_empty() && attachments.is_empty() {
        return Err(EmailError::NoContent);
    }
    if full_text.len() > limits.max_text_bytes && limits.text_overflow == TextOverflow::Refuse {
        return Err(EmailError::TextTooLarge {
            size: full_text.len(),
            limit: limits.max_text_bytes,
        });
    }

    let auto = detect(&msg, &from.address);
    let reply_token = token_from_subject(&subject)
        .or_else(|| {
            let headers = ["Delivered-To", "X-Original-To", "Envelope-To"];
            to.iter()
                .chain(cc.iter())
                .map(|m| m.address.clone())
                .chain(headers.iter().filter_map(|h| raw_header(&msg, h)))
                .find_map(|a| token_from_address(&a))
        })
        // A bounce quotes the returned message's headers: its subject tag names the case.
        .or_else(|| (auto == Some(AutoKind::Bounce)).then(|| bounced_token(&msg))?);

    let (original_text, cut_a) = truncate(full_text, limits.max_text_bytes);
    let (text, cut_b) = truncate(stripped, limits.max_text_bytes);
    Ok(InboundEmail {
        auto,
        message_id: msg
            .message_id()
            .map(normalize_message_id)
            .filter(|s| !s.is_empty()),
        in_reply_to: id_list(msg.in_reply_to()),
        references: id_list(msg.references()),
        date: msg
            .date()
            .filter(|d| d.is_valid())
            .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0)),
        from,
        reply_to,
        to,
        cc,
        subject,
        text,
        original_text,
        from_html,
        text_truncated: cut_a || cut_b,
        attachments,
        reply_token,
    })
}

/// A message id without surrounding whitespace and angle brackets: `<a@b>` becomes `a@b`. The
/// engine should store the ids of mail it sends in this form to match `in_reply_to`/`references`.
pub fn normalize_message_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_owned()
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(t) => vec![t.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.as_ref()).collect(),
        _ => Vec::new(),
    };
    raw.into_iter()
        .map(normalize_message_id)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Text without NUL and other control characters (except tab and newline), CRLF as LF.
fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

fn is_address(a: &str) -> bool {
    match a.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !a.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn to_mailbox(address: Option<&str>, name: Option<&str>) -> Option<Mailbox> {
    let address = clean_text(address?)
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    if !is_address(&address) {
        return None;
    }
    let name = name
        .map(|n| clean_text(n).trim().to_owned())
        .filter(|n| !n.is_empty());
    Some(Mailbox { address, name })
}

fn first_mailbox(a: &Address<'_>) -> Option<Mailbox> {
    a.iter().find_map(|x| to_mailbox(x.address(), x.name()))
}

fn mailboxes<'a>(list: impl Iterator<Item = &'a Address<'a>>) -> Vec<Mailbox> {
    list.flat_map(|a| a.iter())
        .filter_map(|x| to_mailbox(x.address(), x.name()))
        .collect()
}

fn pick_sender(msg: &Message<'_>) -> Result<Mailbox, EmailError> {
    let candidates = [msg.from(), msg.sender(), msg.reply_to()];
    if let Some(m) = candidates.iter().flatten().find_map(|a| first_mailbox(a)) {
        return Ok(m);
    }
    let found = candidates
        .iter()
        .flatten()
        .flat_map(|a| a.iter())
        .find_map(|x| {
            x.address()
                .or(x.name())
                .map(|s| clean_text(s).trim().to_owned())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| raw_header(msg, "From").filter(|s| !s.is_empty()));
    Err(EmailError::MissingSender { found })
}

/// All text bodies joined, and whether any came from HTML.
fn body_text(msg: &Message<'_>) -> (String, bool) {
    let mut texts = Vec::new();
    let mut from_html = false;
    for (pos, id) in msg.text_body.iter().enumerate() {
        if let Some(PartType::Html(_)) = msg.parts.get(*id as usize).map(|p| &p.body) {
            from_html = true;
        }
        if let Some(t) = msg.body_text(pos) {
            let t = clean_text(&t);
            let t = t.trim_matches('\n');
            if !t.trim().is_empty() {
                texts.push(t.to_owned());
            }
        }
    }
    (texts.join("\n\n"), from_html)
}

fn attachments(msg: &Message<'_>) -> Vec<AttachmentMeta> {
    msg.attachments()
        .map(|p| {
            let content_type = match (p.content_type(), &p.body) {
                (Some(ct), _) => match &ct.c_subtype {
                    Some(sub) => format!("{}/{}", ct.c_type, sub),
                    None => ct.c_type.to_string(),
                },
                (None, PartType::Message(_)) => "message/rfc822".to_owned(),
                (None, _) => "application/octet-stream".to_owned(),
            };
            AttachmentMeta {
                name: p
                    .attachment_name()
                    .map(|n| clean_text(n).trim().to_owned())
                    .filter(|n| !n.is_empty()),
                content_type: content_type.to_ascii_lowercase(),
                size: p.len(),
                inline: p.content_disposition().is_some_and(|cd| cd.is_inline()),
            }
        })
        .collect()
}

/// The first subject tag in any text part or attached message of a bounce (the returned
/// message or its headers).
fn bounced_token(msg: &Message<'_>) -> Option<ReplyToken> {
    msg.parts.iter().find_map(|p| match &p.body {
        PartType::Text(t) => token_from_subject(t),
        PartType::Message(m) => m.subject().and_then(token_from_subject),
        _ => None,
    })
}

/// `s` cut to at most `max` bytes on a character boundary, and whether it was cut.
fn truncate(mut s: String, max: usize) -> (String, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    (s, true)
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
