//! Reply tokens: how outbound mail is tied to its case when the customer answers.
//!
//! Formats (and the only forms the parsers accept):
//! - subject tag: `[CB-<case_ref> #<token>]`, or `[CB #<token>]` without a case reference;
//! - plus address: `<local>+cb-<token>@<domain>`.
//!
//! A token is 8 to 64 lowercase ASCII letters and digits. Parsing is case-insensitive (mail
//! systems may change case) and yields the lowercase token, so formatting then parsing gives
//! back the same token.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use super::EmailError;

const MIN_LEN: usize = 8;
const MAX_LEN: usize = 64;
const MAX_REF_LEN: usize = 32;
const TAG_PREFIX: &str = "CB";
const PLUS_PREFIX: &str = "+cb-";

/// An opaque token naming the case a reply belongs to. The host stores it with the case (for
/// example drawn from its id source) and looks it up when a reply carries it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReplyToken(String);

impl ReplyToken {
    /// Checks and wraps a token: 8 to 64 lowercase ASCII letters and digits.
    pub fn new(token: &str) -> Result<Self, EmailError> {
        if is_token(token) {
            Ok(ReplyToken(token.to_owned()))
        } else {
            Err(EmailError::InvalidReplyToken {
                token: token.to_owned(),
            })
        }
    }

    /// The token for a UUID: its 32 lowercase hex digits. Use a random UUID, not a guessable
    /// one, if a token should also prove that the sender got the outbound mail.
    pub fn from_uuid(id: Uuid) -> Self {
        ReplyToken(id.simple().to_string())
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReplyToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ReplyToken {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ReplyToken::new(&s)
    }
}

impl From<ReplyToken> for String {
    fn from(t: ReplyToken) -> String {
        t.0
    }
}

fn is_token(s: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn is_case_ref(s: &str) -> bool {
    (1..=MAX_REF_LEN).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The subject tag for a token: `[CB-42 #token]` with a case reference, `[CB #token]` without.
pub fn reply_token_for(case_ref: Option<&str>, token: &ReplyToken) -> Result<String, EmailError> {
    match case_ref {
        Some(r) if !is_case_ref(r) => Err(EmailError::InvalidCaseRef {
            case_ref: r.to_owned(),
        }),
        Some(r) => Ok(format!("[{TAG_PREFIX}-{r} #{token}]")),
        None => Ok(format!("[{TAG_PREFIX} #{token}]")),
    }
}

/// `subject` with the tag appended (`Printer jams [CB-42 #token]`). A subject that already
/// carries this token is returned unchanged.
pub fn subject_with_token(
    subject: &str,
    case_ref: Option<&str>,
    token: &ReplyToken,
) -> Result<String, EmailError> {
    let tag = reply_token_for(case_ref, token)?;
    if token_from_subject(subject).as_ref() == Some(token) {
        return Ok(subject.to_owned());
    }
    let subject = subject.trim();
    Ok(if subject.is_empty() {
        tag
    } else {
        format!("{subject} {tag}")
    })
}

/// The plus address for a token: `support@example.com` becomes
/// `support+cb-<token>@example.com`.
pub fn reply_address_for(mailbox: &str, token: &ReplyToken) -> Result<String, EmailError> {
    let bad = |reason| EmailError::InvalidMailbox {
        mailbox: mailbox.to_owned(),
        reason,
    };
    let (local, domain) = mailbox.split_once('@').ok_or(bad("it has no '@'"))?;
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err(bad("it must be exactly local@domain"));
    }
    if local.contains('+') {
        return Err(bad("its local part already has a '+' tag"));
    }
    if mailbox
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';'))
    {
        return Err(bad("it contains spaces, quotes, brackets or separators"));
    }
    Ok(format!("{local}{PLUS_PREFIX}{token}@{domain}"))
}

/// The token of the first well-formed Casebook tag in a subject, if any.
pub fn token_from_subject(subject: &str) -> Option<ReplyToken> {
    find_tag(subject).map(|(_, _, token)| token)
}

/// The subject without its Casebook tags.
pub(crate) fn remove_tags(subject: &str) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut rest = subject;
    while let Some((start, end, _)) = find_tag(rest) {
        out.push_str(&rest[..start]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Byte range (including the brackets) and token of the first tag in `s`.
fn find_tag(s: &str) -> Option<(usize, usize, ReplyToken)> {
    let mut from = 0;
    while let Some(open) = s[from..].find('[') {
        let start = from + open;
        if let Some((len, token)) = parse_tag_body(&s[start + 1..]) {
            return Some((start, start + 1 + len, token));
        }
        from = start + 1;
    }
    None
}

/// Parses `CB[-ref] #token]` (the part after `[`): the bytes used and the token.
fn parse_tag_body(s: &str) -> Option<(usize, ReplyToken)> {
    let head = s.get(..TAG_PREFIX.len())?;
    if !head.eq_ignore_ascii_case(TAG_PREFIX) {
        return None;
    }
    let mut rest = &s[TAG_PREFIX.len()..];
    if let Some(after) = rest.strip_prefix('-') {
        let end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        if !is_case_ref(&after[..end]) {
            return None;
        }
        rest = &after[end..];
    }
    let after_space = rest.trim_start_matches(' ');
    if after_space.len() == rest.len() {
        return None;
    }
    let body = after_space.strip_prefix('#')?;
    let end = body.find(']')?;
    let token = body[..end].to_ascii_lowercase();
    if !is_token(&token) {
        return None;
    }
    let used = s.len() - body.len() + end + 1;
    Some((used, ReplyToken(token)))
}

/// The token of a plus address `local+cb-<token>@domain` (angle brackets allowed), if any.
pub fn token_from_address(address: &str) -> Option<ReplyToken> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _domain) = address.rsplit_once('@')?;
    let lower = local.to_ascii_lowercase();
    let at = lower.find(PLUS_PREFIX)?;
    let token = &lower[at + PLUS_PREFIX.len()..];
    is_token(token).then(|| ReplyToken(token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok() -> ReplyToken {
        ReplyToken::from_uuid(Uuid::from_u128(0x0190_aabb_ccdd_7eef_8123_4567_89ab_cdef))
    }

    #[test]
    fn subject_tag_roundtrips_with_and_without_case_ref() {
        let t = tok();
        assert_eq!(t.as_str(), "0190aabbccdd7eef8123456789abcdef");
        for r in [Some("42"), Some("A7x"), None] {
            let s = subject_with_token("Printer jams", r, &t).unwrap();
            assert_eq!(token_from_subject(&s), Some(t.clone()), "{s}");
            assert_eq!(token_from_subject(&format!("Re: AW: {s}")), Some(t.clone()));
        }
        assert_eq!(
            reply_token_for(Some("42"), &t).unwrap(),
            format!("[CB-42 #{t}]")
        );
        assert_eq!(reply_token_for(None, &t).unwrap(), format!("[CB #{t}]"));
    }

    #[test]
    fn address_roundtrips() {
        let t = tok();
        let a = reply_address_for("support@example.com", &t).unwrap();
        assert_eq!(a, format!("support+cb-{t}@example.com"));
        assert_eq!(token_from_address(&a), Some(t.clone()));
        assert_eq!(
            token_from_address(&format!("<{}>", a.to_uppercase())),
            Some(t)
        );
    }

    #[test]
    fn subject_with_token_does_not_tag_twice() {
        let t = tok();
        let once = subject_with_token("Hi", Some("7"), &t).unwrap();
        assert_eq!(subject_with_token(&once, Some("7"), &t).unwrap(), once);
        assert_eq!(
            subject_with_token("  ", None, &t).unwrap(),
            format!("[CB #{t}]")
        );
    }

    #[test]
    fn lookalikes_are_not_tokens() {
        for s in [
            "[CB-42 abcdefgh]",
            "[CB-42#abcdefgh]",
            "[CB-42 #abc]",
            "[CB-4_2 #abcdefgh]",
            "[XCB #abcdefgh]",
            "[CB #abcdefgh",
            "[CB #abc-defgh]",
            "[",
            "[C",
            "[CB-",
        ] {
            assert_eq!(token_from_subject(s), None, "{s}");
        }
        assert_eq!(
            token_from_subject("[ticket] [cb-9 #ABCDEFGH]"),
            Some(ReplyToken::new("abcdefgh").unwrap())
        );
        assert_eq!(token_from_address("support+billing@example.com"), None);
        assert_eq!(token_from_address("support+cb-short@example.com"), None);
        assert_eq!(token_from_address("no-at-sign"), None);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let t = tok();
        assert_eq!(
            ReplyToken::new("ABCDEFGH").unwrap_err().code(),
            "invalid_reply_token"
        );
        assert_eq!(
            ReplyToken::new("abc").unwrap_err().code(),
            "invalid_reply_token"
        );
        assert_eq!(
            reply_token_for(Some("4 2"), &t).unwrap_err().code(),
            "invalid_case_ref"
        );
        assert_eq!(
            reply_token_for(Some(""), &t).unwrap_err().code(),
            "invalid_case_ref"
        );
        for m in ["support", "@x", "a@", "a@b@c", "a+b@c", "a b@c", "<a@b>"] {
            assert_eq!(
                reply_address_for(m, &t).unwrap_err().code(),
                "invalid_mailbox",
                "{m}"
            );
        }
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<ReplyToken>(&json).unwrap(), t);
        assert!(serde_json::from_str::<ReplyToken>("\"NOPE\"").is_err());
    }
}
