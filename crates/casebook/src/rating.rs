//! One-click feedback: when a case is solved its reporter gets a signed rating link. The token is
//! `cbr1_<case>_<nonce>_<mac>`: the nonce encodes the solve (the sequence number of the event that
//! solved the case) and the expiry, and the MAC (HMAC-SHA256 with the host's tracking secret, as
//! in [`crate::token`]) covers case and nonce. It rates one solve once, expires after
//! [`RATING_DAYS`] days, stops working when the case is reopened, and cannot be forged without
//! the secret.

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::engine::Casebook;
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::release::{LoopError, LoopResult};
use crate::store::Store;
use crate::workflow::Category;

/// How long a rating link works after the solve.
pub const RATING_DAYS: i64 = 30;
const PREFIX: &str = "cbr1";
const TRACKING_PREFIX: &str = "cbt1";
/// Marks a rating nonce, so it never reads as a tracking nonce.
const MARK: &str = "ae";

/// Good or bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// It helped.
    Good,
    /// It did not.
    Bad,
}

/// What `rate` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Rated {
    /// The case key.
    pub case: String,
    /// The rating given.
    pub rating: Rating,
}

/// The current solve of a case: the sequence number and time of the last transition into a
/// solved state, unless a later transition left the solved and closed states.
pub(crate) fn current_solve<S: Store>(
    book: &Casebook<S>,
    events: &[Event],
) -> Option<(u64, DateTime<Utc>)> {
    let wf = book.workflow();
    let mut solve = None;
    for e in events {
        if let Change::Transitioned { to, .. } = &e.change {
            match wf.category(to) {
                Category::Solved => solve = Some((e.seq, e.at)),
                Category::Closed => {}
                _ => solve = None,
            }
        }
    }
    solve
}

fn issue(key: &crate::token::TokenKey, case: CaseId, solve: u64, expires: DateTime<Utc>) -> String {
    let nonce = format!(
        "{MARK}{solve:016x}{:016x}",
        expires.timestamp().max(0) as u64
    );
    let t = key.issue(case, &nonce);
    format!("{PREFIX}{}", &t[TRACKING_PREFIX.len()..])
}

/// The rating link of a case's current solve (when `solve` is given, only if it is that solve):
/// none when tokens are off or the case is not solved.
pub fn rating_link<S: Store>(
    book: &Casebook<S>,
    case: CaseId,
    solve: Option<u64>,
) -> crate::error::Result<Option<String>> {
    let Some(key) = book.token_key() else {
        return Ok(None);
    };
    let events = book.events_of(case)?;
    let Some((seq, at)) = current_solve(book, &events) else {
        return Ok(None);
    };
    if solve.is_some_and(|s| s != seq) {
        return Ok(None);
    }
    Ok(Some(issue(
        key,
        case,
        seq,
        at + Duration::days(RATING_DAYS),
    )))
}

fn parse(book: &Casebook<impl Store>, token: &str) -> LoopResult<(CaseId, u64, DateTime<Utc>)> {
    let bad = || {
        LoopError::InvalidRatingToken(
            "use the link from the message that told you the case was solved".into(),
        )
    };
    let key = book.token_key().ok_or_else(|| {
        LoopError::InvalidRatingToken(
            "rating links are not enabled: configure a tracking_secret".into(),
        )
    })?;
    let rest = token.trim().strip_prefix(PREFIX).ok_or_else(bad)?;
    let (case, nonce) = key
        .verify(&format!("{TRACKING_PREFIX}{rest}"))
        .map_err(|_| bad())?;
    let n = nonce
        .strip_prefix(MARK)
        .filter(|n| n.len() == 32)
        .ok_or_else(bad)?;
    let solve = u64::from_str_radix(&n[..16], 16).map_err(|_| bad())?;
    let exp = u64::from_str_radix(&n[16..], 16).map_err(|_| bad())?;
    let exp = i64::try_from(exp)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(bad)?;
    Ok((case, solve, exp))
}

/// Op `rate`: anyone holding the link rates the solve, once.
pub fn rate<S: Store>(
    book: &mut Casebook<S>,
    actor: &Actor,
    token: &str,
    rating: Rating,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> LoopResult<Rated> {
    let (id, solve, expires) = parse(book, token)?;
    if now > expires {
        return Err(LoopError::RatingTokenExpired(format!(
            "it worked until {expires}; reply on the case instead"
        )));
    }
    let case = book
        .cases()
        .get(id)
        .ok_or_else(|| LoopError::InvalidRatingToken("its case does not exist here".into()))?;
    let key = book.key_of(case);
    let events = book.events_of(id)?;
    if events
        .iter()
        .any(|e| matches!(e.change, Change::Rated { solve: s, .. } if s == solve))
    {
        return Err(LoopError::RatingAlreadyGiven { case: key });
    }
    if current_solve(book, &events).map(|s| s.0) != Some(solve) {
        return Err(LoopError::RatingTokenExpired(format!(
            "{key} was reopened since; the next solve brings a new link"
        )));
    }
    if let Some(c) = comment {
        crate::decide::check_len("comment", c, book.limits().comment_bytes)?;
    }
    let mut who = actor.clone();
    who.token = None;
    let event = Event {
        case: id,
        seq: case.version + 1,
        at: now,
        actor: who,
        change: Change::Rated {
            solve,
            good: rating == Rating::Good,
            comment: comment
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        },
    };
    book.commit_case_events(&[event])?;
    Ok(Rated { case: key, rating })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::release::testkit::*;

    fn solve(b: &mut Book, key: &str, at: &str) -> String {
        ok(
            b,
            json!({"op": "transition", "as": staff(), "case": key, "to": "solved",
            "outcome": {"kind": "answered", "reply": "clear the cache"}}),
            at,
        );
        let n = drain(b, at);
        n.iter()
            .find_map(|x| x["data"]["rating_token"].as_str())
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_token_rates_once_expires_and_cannot_be_forged() {
        let mut b = book();
        let a = report(
            &mut b,
            &customer("ada"),
            "Images do not load",
            json!({}),
            "2026-11-02T09:00:00Z",
        );
        let t = solve(&mut b, &a, "2026-11-02T10:00:00Z");
        let rate = |t: &str, r: &str| json!({"op": "rate", "as": {"role": "anonymous"}, "token": t, "rating": r});
        // Forged: one changed character of the MAC, another case, or a tracking token.
        let mut forged = t.clone();
        let last = if forged.ends_with('0') { "1" } else { "0" };
        forged.replace_range(forged.len() - 1.., last);
        assert_eq!(
            fails(&mut b, rate(&forged, "good"), "2026-11-03T00:00:00Z"),
            "invalid_rating_token"
        );
        assert_eq!(
            fails(
                &mut b,
                rate(&t.replacen("cbr1", "cbt1", 1), "good"),
                "2026-11-03T00:00:00Z"
            ),
            "invalid_rating_token"
        );
        assert_eq!(
            fails(&mut b, rate("cbr1_junk", "good"), "2026-11-03T00:00:00Z"),
            "invalid_rating_token"
        );
        // Expired after 30 days.
        assert_eq!(
            fails(&mut b, rate(&t, "good"), "2026-12-03T10:00:01Z"),
            "rating_token_expired"
        );
        let r = ok(
            &mut b,
            json!({"op": "rate", "as": {"role": "anonymous"}, "token": t, "rating": "bad", "comment": "still slow"}),
            "2026-11-03T00:00:00Z",
        );
        assert_eq!(r["rated"]["case"], a);
        assert_eq!(r["rated"]["rating"], "bad");
        // Used once.
        assert_eq!(
            fails(&mut b, rate(&t, "good"), "2026-11-03T00:01:00Z"),
            "rating_already_given"
        );
        // Reopened and solved again: the old link is dead, the new one works.
        ok(
            &mut b,
            json!({"op": "transition", "as": customer("ada"), "case": a, "to": "open"}),
            "2026-11-04T00:00:00Z",
        );
        let t2 = solve(&mut b, &a, "2026-11-05T00:00:00Z");
        assert_ne!(t, t2);
        assert_eq!(
            fails(&mut b, rate(&t, "good"), "2026-11-05T01:00:00Z"),
            "rating_already_given"
        );
        ok(&mut b, rate(&t2, "good"), "2026-11-05T01:00:00Z");
        // The timeline shows both ratings.
        let got = ok(
            &mut b,
            json!({"op": "get", "as": staff(), "case": a}),
            "2026-11-05T02:00:00Z",
        );
        let kinds: Vec<&str> = got["case"]["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "rated").count(), 2);
    }

    #[test]
    fn without_a_secret_there_are_no_links() {
        let mut b = crate::engine::Casebook::open(
            crate::store::MemoryStore::new(),
            Box::new(crate::ids::SeededIds::new(1)),
        )
        .unwrap();
        let a = report(
            &mut b,
            &customer("ada"),
            "Images do not load",
            json!({}),
            "2026-11-02T09:00:00Z",
        );
        ok(
            &mut b,
            json!({"op": "transition", "as": staff(), "case": a, "to": "solved",
            "outcome": {"kind": "answered", "reply": "clear the cache"}}),
            "2026-11-02T10:00:00Z",
        );
        assert!(
            drain(&mut b, "2026-11-02T10:00:00Z")[0]["data"]
                .get("rating_token")
                .is_none()
        );
        assert_eq!(
            fails(
                &mut b,
                json!({"op": "rate", "as": {"role": "anonymous"}, "token": "cbr1_x", "rating": "good"}),
                "2026-11-02T10:00:00Z"
            ),
            "invalid_rating_token"
        );
    }
}
