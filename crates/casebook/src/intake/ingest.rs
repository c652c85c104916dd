//! `ingest_email` and `record_outbound`: raw mail in, a case, a comment, a hold or an ignore out.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::records::{EMAIL_STREAM, HeldMessage, MailChange, MailRecord};
use super::{Attachment, UnknownSenders};
use crate::actor::{Actor, Role};
use crate::case::Channel;
use crate::command::{CaseCommand, Report};
use crate::derived::Derived;
use crate::email::{EmailLimits, InboundEmail, ReplyToken, clean_subject, parse_email};
use crate::engine::Casebook;
use crate::error::{Error, Result};
use crate::event::{Change, Event};
use crate::ids::CaseId;
use crate::policy::Relation;
use crate::store::{Commit, Store};
use crate::view::CaseView;

/// What became of an inbound message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IngestAction {
    /// A new case.
    Created,
    /// A comment on an existing case.
    Commented,
    /// Kept for review (see `reason`); nothing was dropped.
    Held,
    /// Machine mail (bounce, auto-reply, bulk): recorded, not taken in, never answered.
    Ignored,
    /// A message with this Message-ID was taken in before (a redelivery): nothing new.
    AlreadyIngested,
}

/// The answer to `ingest_email`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IngestResult {
    /// What happened.
    pub action: IngestAction,
    /// Why it was held or ignored (`unknown_sender`, `sender_not_on_case`, `bounce`,
    /// `auto_reply`, `auto_generated`, `bulk`), or how a reply was threaded (`reply_token`,
    /// `in_reply_to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The case made or commented on, as the requester may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Box<CaseView>>,
    /// The new comment's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The hold's id, for held messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<String>,
    /// The case's reply token: put `subject_tag` in the subject of mail about the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_token: Option<String>,
    /// The subject tag, e.g. `[CB-4 #token]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_tag: Option<String>,
    /// Whether the host may send an automatic acknowledgement (never for machine mail).
    pub may_acknowledge: bool,
}

impl IngestResult {
    fn bare(action: IngestAction, reason: Option<String>) -> Self {
        Self {
            action,
            reason,
            case: None,
            comment: None,
            hold: None,
            reply_token: None,
            subject_tag: None,
            may_acknowledge: false,
        }
    }
}

/// The answer to `record_outbound`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutboundResult {
    /// The case's key.
    pub case: String,
    /// The case's reply token.
    pub reply_token: String,
    /// The subject tag to put in the outbound subject.
    pub subject_tag: String,
    /// The Message-ID recorded, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

fn mail_commit(d: &Derived, at: DateTime<Utc>, changes: Vec<MailChange>) -> Result<Commit> {
    let payloads = changes
        .into_iter()
        .map(|change| serde_json::to_string(&MailRecord { at, change }))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Commit {
        stream: EMAIL_STREAM.into(),
        expected_version: d.intake.version,
        payloads,
    })
}

fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn require_system(actor: &Actor, what: &str) -> Result<()> {
    if matches!(actor.role, Role::System | Role::Admin) {
        Ok(())
    } else {
        Err(Error::forbidden(
            what,
            actor.role,
            "mail intake is the host's mail gateway's job: act as the system",
        ))
    }
}

impl<S: Store> Casebook<S> {
    fn tag_for(&self, case: CaseId, token: &str) -> Option<String> {
        let c = self.cases().get(case)?;
        let t = ReplyToken::new(token).ok()?;
        crate::email::reply_token_for(Some(&c.number.to_string()), &t).ok()
    }

    /// Takes in one raw RFC 5322 message (see docs/intake.md for the rules).
    pub fn ingest_email(
        &mut self,
        raw: &[u8],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<IngestResult> {
        require_system(actor, "ingesting email")?;
        let m = parse_email(raw, &EmailLimits::default()).map_err(|e| Error::EmailRefused {
            reason: e.code().to_string(),
            message: e.to_string(),
        })?;
        let intake = &self.derived().intake;
        if let Some(case) = m
            .message_id
            .as_deref()
            .and_then(|id| intake.already_received(id))
        {
            let mut r = IngestResult::bare(IngestAction::AlreadyIngested, None);
            r.case = Some(Box::new(self.view_case(&case.to_string(), actor)?));
            return Ok(r);
        }
        if let Some(kind) = m.auto.filter(|k| k.is_machine_generated()) {
            let change = MailChange::Ignored {
                reason: kind.code().to_string(),
                from: m.from.address.clone(),
                subject: m.subject.clone(),
                message_id: m.message_id.clone(),
            };
            self.append_mail(now, vec![change])?;
            return Ok(IngestResult::bare(
                IngestAction::Ignored,
                Some(kind.code().to_string()),
            ));
        }
        let sender = Actor {
            email: Some(m.from.address.to_lowercase()),
            name: m.from.name.clone(),
            ..Actor::new(Role::Customer)
        };
        match self.thread_of(&m) {
            Some((case, how)) => self.reply_from_email(raw, &m, case, how, &sender, actor, now),
            None => self.case_from_email(raw, &m, &sender, actor, now),
        }
    }

    /// The case a message belongs to: by reply token first, then by In-Reply-To / References
    /// (newest first) against the Message-IDs we received or sent.
    fn thread_of(&self, m: &InboundEmail) -> Option<(CaseId, &'static str)> {
        let intake = &self.derived().intake;
        let live = |c: CaseId| self.cases().get(c).is_some();
        if let Some(c) = m
            .reply_token
            .as_ref()
            .and_then(|t| intake.case_of_token(t.as_str()))
            .filter(|c| live(*c))
        {
            return Some((c, "reply_token"));
        }
        m.in_reply_to
            .iter()
            .chain(m.references.iter().rev())
            .find_map(|id| intake.case_of_message(id).filter(|c| live(*c)))
            .map(|c| (c, "in_reply_to"))
    }

    fn append_mail(&mut self, now: DateTime<Utc>, changes: Vec<MailChange>) -> Result<()> {
        let commit = mail_commit(self.derived(), now, changes)?;
        self.append_stream_at(commit.stream, commit.expected_version, commit.payloads)
    }

    fn hold(
        &mut self,
        raw: &[u8],
        m: &InboundEmail,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<IngestResult> {
        let hold = format!("hold-{}", self.new_id(now).simple());
        self.append_mail(
            now,
            vec![MailChange::Held(HeldMessage {
                hold: hold.clone(),
                reason: reason.into(),
                from: m.from.address.clone(),
                subject: m.subject.clone(),
                message_id: m.message_id.clone(),
                raw: std::str::from_utf8(raw).ok().map(str::to_string),
                raw_base64: std::str::from_utf8(raw)
                    .is_err()
                    .then(|| super::base64::encode(raw)),
                at: now,
            })],
        )?;
        let mut r = IngestResult::bare(IngestAction::Held, Some(reason.into()));
        r.hold = Some(hold);
        Ok(r)
    }

    #[allow(clippy::too_many_arguments)]
    fn reply_from_email(
        &mut self,
        raw: &[u8],
        m: &InboundEmail,
        case: CaseId,
        how: &str,
        sender: &Actor,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<IngestResult> {
        let on_case = self
            .cases()
            .get(case)
            .is_some_and(|c| self.policy().relation(c, sender) != Relation::Stranger);
        if !on_case {
            return self.hold(raw, m, "sender_not_on_case", now);
        }
        let limit = self.limits().comment_bytes;
        let text = if m.text.trim().is_empty() {
            m.original_text.trim()
        } else {
            m.text.trim()
        };
        let body = if text.is_empty() {
            attachment_line(m).unwrap_or_else(|| "(an empty reply)".into())
        } else {
            cut(text, limit)
        };
        let original = (m.original_text.trim() != body).then(|| m.original_text.clone());
        let message_id = m.message_id.clone();
        let adjust = |events: &mut Vec<Event>| {
            for e in events.iter_mut() {
                if let Change::Commented { original: o, .. } = &mut e.change {
                    *o = original.clone();
                }
            }
        };
        let extra = |d: &Derived, events: &[Event]| {
            let comment = events.iter().find_map(|e| match &e.change {
                Change::Commented { id, .. } => Some(*id),
                _ => None,
            });
            Ok(vec![mail_commit(
                d,
                now,
                vec![MailChange::Received {
                    case,
                    comment,
                    message_id: message_id.clone(),
                }],
            )?])
        };
        let cmd = CaseCommand::Comment {
            body,
            internal: false,
        };
        let events =
            self.execute_with(&case.to_string(), &cmd, sender, now, &adjust, Some(&extra))?;
        let comment = events.iter().find_map(|e| match &e.change {
            Change::Commented { id, .. } => Some(id.to_string()),
            _ => None,
        });
        let mut r = IngestResult::bare(IngestAction::Commented, Some(how.into()));
        r.case = Some(Box::new(self.view_case(&case.to_string(), actor)?));
        r.comment = comment;
        r.reply_token = self.derived().intake.token_of(case).map(str::to_string);
        r.subject_tag = r.reply_token.as_deref().and_then(|t| self.tag_for(case, t));
        r.may_acknowledge = m.auto.is_none();
        Ok(r)
    }

    fn case_from_email(
        &mut self,
        raw: &[u8],
        m: &InboundEmail,
        sender: &Actor,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<IngestResult> {
        let known = sender
            .email
            .as_ref()
            .is_some_and(|e| !self.cases().reporter_slots(&format!("e:{e}")).is_empty());
        if !known && self.derived().intake.config.unknown_senders == UnknownSenders::Hold {
            return self.hold(raw, m, "unknown_sender", now);
        }
        let l = self.limits().clone();
        let subject = clean_subject(&m.subject);
        let text = [m.text.trim(), m.original_text.trim(), subject.trim()]
            .into_iter()
            .find(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| attachment_line(m))
            .unwrap_or_else(|| "(an email without text)".into());
        let report = Report {
            description: cut(&text, l.description_bytes),
            subject: (!subject.trim().is_empty()).then(|| cut(subject.trim(), l.subject_bytes)),
            channel: Some(Channel::Email),
            attachments: m
                .attachments
                .iter()
                .take(super::MAX_ATTACHMENTS)
                .enumerate()
                .map(|(i, a)| Attachment {
                    name: cut(
                        a.name
                            .as_deref()
                            .filter(|n| !n.trim().is_empty())
                            .unwrap_or(&format!("attachment-{}", i + 1)),
                        l.short_bytes,
                    ),
                    content_type: cut(&a.content_type, l.short_bytes),
                    size: a.size as u64,
                    reference: Some(format!("part:{}", i + 1)),
                })
                .collect(),
            ..Report::default()
        };
        let token = ReplyToken::from_uuid(self.new_id(now)).as_str().to_string();
        let message_id = m.message_id.clone();
        let extra = |d: &Derived, events: &[Event]| {
            let Some(case) = events.first().map(|e| e.case) else {
                return Ok(Vec::new());
            };
            Ok(vec![mail_commit(
                d,
                now,
                vec![
                    MailChange::TokenIssued {
                        case,
                        token: token.clone(),
                    },
                    MailChange::Received {
                        case,
                        comment: None,
                        message_id: message_id.clone(),
                    },
                ],
            )?])
        };
        let pair = [(report, sender.clone())];
        let id = self
            .report_batch_with(&pair, now, Some(&extra))?
            .into_iter()
            .next()
            .unwrap_or_else(|| Err(Error::Internal("no result".into())))?;
        let mut r = IngestResult::bare(IngestAction::Created, None);
        r.case = Some(Box::new(self.view_case(&id.to_string(), actor)?));
        r.subject_tag = self.tag_for(id, &token);
        r.reply_token = Some(token);
        r.may_acknowledge = m.auto.is_none();
        Ok(r)
    }

    /// Records a message the host sent about a case (for In-Reply-To threading) and answers
    /// with the case's reply token, issuing one (recorded) when the case has none yet.
    pub fn record_outbound(
        &mut self,
        reference: &str,
        message_id: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<OutboundResult> {
        if !actor.is_staff() {
            return Err(Error::forbidden(
                "recording outbound mail",
                actor.role,
                "the host records the mail it sends as the system or staff",
            ));
        }
        let case = self.find_visible(reference, actor)?;
        let (id, key) = (case.id, self.key_of(case));
        let message_id = message_id
            .map(crate::email::normalize_message_id)
            .filter(|s| !s.is_empty());
        if let Some(mid) = &message_id {
            crate::decide::check_len("message_id", mid, self.limits().long_bytes)?;
        }
        let mut changes = Vec::new();
        let token = match self.derived().intake.token_of(id) {
            Some(t) => t.to_string(),
            None => {
                let t = ReplyToken::from_uuid(self.new_id(now)).as_str().to_string();
                changes.push(MailChange::TokenIssued {
                    case: id,
                    token: t.clone(),
                });
                t
            }
        };
        if let Some(mid) = &message_id {
            changes.push(MailChange::Sent {
                case: id,
                message_id: mid.clone(),
            });
        }
        if !changes.is_empty() {
            self.append_mail(now, changes)?;
        }
        Ok(OutboundResult {
            case: key,
            subject_tag: self.tag_for(id, &token).unwrap_or_default(),
            reply_token: token,
            message_id,
        })
    }
}

fn attachment_line(m: &InboundEmail) -> Option<String> {
    if m.attachments.is_empty() {
        return None;
    }
    let names: Vec<&str> = m
        .attachments
        .iter()
        .map(|a| a.name.as_deref().unwrap_or(a.content_type.as_str()))
        .collect();
    Some(format!("(attachments only: {})", names.join(", ")))
}
