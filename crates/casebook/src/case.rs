//! The case (ticket) and its parts. A `Case` is the folded state of its events.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::ids::CaseId;
use crate::outcome::Outcome;

/// How a case came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The host's in-app "report a problem" widget.
    #[default]
    Widget,
    /// An email.
    Email,
    /// A phone call.
    Phone,
    /// A chat.
    Chat,
    /// An agent logged it for the customer.
    AgentOnBehalf,
    /// The host's own API calls.
    Api,
}

impl Channel {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Widget => "widget",
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Chat => "chat",
            Channel::AgentOnBehalf => "agent_on_behalf",
            Channel::Api => "api",
        }
    }
}

/// How urgent a case is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Low.
    Low,
    /// Normal (the default).
    #[default]
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// Who reported a case: a host user, an email address, both, or nobody (anonymous).
///
/// Its JSON and schema are those of [`ReporterFields`]; in memory the email and the name, which
/// most reporters (host users) do not have, are boxed together and take one pointer while both
/// are empty (40 B less a case at a million cases).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "ReporterFields", into = "ReporterFields")]
pub struct Reporter {
    /// The host's user id.
    pub user: Option<String>,
    /// Email and name; `None` while both are empty (never a box of two `None`s).
    contact: Option<Box<Contact>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct Contact {
    email: Option<String>,
    name: Option<String>,
}

/// Who reported a case: a host user, an email address, both, or nobody (anonymous).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "Reporter")]
pub struct ReporterFields {
    /// The host's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// A contact email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl From<ReporterFields> for Reporter {
    fn from(f: ReporterFields) -> Self {
        Reporter::new(f.user, f.email, f.name)
    }
}

impl From<Reporter> for ReporterFields {
    fn from(r: Reporter) -> Self {
        let Contact { email, name } = r.contact.map(|c| *c).unwrap_or_default();
        ReporterFields {
            user: r.user,
            email,
            name,
        }
    }
}

impl JsonSchema for Reporter {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        ReporterFields::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        ReporterFields::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ReporterFields::json_schema(generator)
    }
}

impl Reporter {
    /// A reporter with these parts.
    pub fn new(user: Option<String>, email: Option<String>, name: Option<String>) -> Self {
        let contact =
            (email.is_some() || name.is_some()).then(|| Box::new(Contact { email, name }));
        Reporter { user, contact }
    }

    /// A contact email address.
    pub fn email(&self) -> Option<&str> {
        self.contact.as_ref().and_then(|c| c.email.as_deref())
    }

    /// A display name.
    pub fn name(&self) -> Option<&str> {
        self.contact.as_ref().and_then(|c| c.name.as_deref())
    }

    /// Sets (or clears) the email address.
    pub fn set_email(&mut self, email: Option<String>) {
        let name = self.contact.take().and_then(|c| c.name);
        *self = Reporter::new(self.user.take(), email, name);
    }

    /// Sets (or clears) the display name.
    pub fn set_name(&mut self, name: Option<String>) {
        let email = self.contact.take().and_then(|c| c.email);
        *self = Reporter::new(self.user.take(), email, name);
    }

    /// No identity at all.
    pub fn is_anonymous(&self) -> bool {
        self.user.is_none() && self.email().is_none()
    }

    /// The key reporters' cases are indexed by: the user id, else the lower-cased email.
    pub fn index_key(&self) -> Option<String> {
        let mut key = String::new();
        self.write_index_key(&mut key).then_some(key)
    }

    /// Writes [`index_key`](Self::index_key) into `out` (cleared first), without allocating
    /// when `out` has room; false (and `out` empty) for an anonymous reporter.
    pub fn write_index_key(&self, out: &mut String) -> bool {
        out.clear();
        match (&self.user, self.email()) {
            (Some(u), _) => {
                out.push_str("u:");
                out.push_str(u);
            }
            (None, Some(e)) => {
                out.push_str("e:");
                if e.is_ascii() {
                    out.extend(e.chars().map(|c| c.to_ascii_lowercase()));
                } else {
                    out.push_str(&e.to_lowercase());
                }
            }
            (None, None) => return false,
        }
        true
    }

    /// The reporter an actor is, when it reports for itself.
    pub fn from_actor(actor: &Actor) -> Self {
        Reporter::new(actor.id.clone(), actor.email.clone(), actor.name.clone())
    }
}

/// Structured diagnostics a host collects with a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
pub struct Diagnostics {
    /// The host product's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// The operating system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// The device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The locale, e.g. "de-DE".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Any other key/values.
    #[serde(default, flatten)]
    pub extra: BTreeMap<String, String>,
}

impl Diagnostics {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.app_version.is_none()
            && self.os.is_none()
            && self.device.is_none()
            && self.locale.is_none()
            && self.extra.is_empty()
    }

    /// Every entry as (key, value).
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        [
            ("app_version", &self.app_version),
            ("os", &self.os),
            ("device", &self.device),
            ("locale", &self.locale),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .chain(self.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// Kinds of links between a case and something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// This case is a duplicate of the target case.
    DuplicateOf,
    /// The target case is a duplicate of this one.
    DuplicatedBy,
    /// Related to the target case.
    Related,
    /// An engineering defect in an external tracker (a URL or an id such as "BUG-123").
    Defect,
}

/// A link from a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Link {
    /// The kind.
    pub kind: LinkKind,
    /// The target: a case key for case links, a URL or external id for defects.
    pub target: String,
    /// The target case's id, for case links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
}

/// Where a case may be seen. The default is private: the reporter, participants and staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The reporter, participants and staff.
    #[default]
    Private,
    /// Also the reporter's organisation.
    Organization,
    /// Everyone: listed on the public roadmap.
    Public,
}

/// The state of a promise made to the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PromiseState {
    /// Not yet due, or due and not yet kept.
    Open,
    /// Kept.
    Kept,
    /// Its date passed unkept.
    Broken,
    /// Replaced by a newer promise.
    Superseded,
}

/// A customer-visible commitment: a target release or a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Commitment {
    /// Its number within the case, from 1.
    pub number: u32,
    /// What was promised, in words.
    pub text: String,
    /// The release it targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_release: Option<String>,
    /// The date it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// Its state.
    pub state: PromiseState,
}

/// A case: the fold of its events. Comments and the timeline live in the events, not here, so a
/// casebook with a million cases keeps only what lists and rules need in memory: the parts most
/// cases never have (links, watchers, voters, an outcome, promises, ...) live in one boxed
/// [`CaseExtras`], read through accessor methods, and cost one pointer while they are empty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The permanent id.
    pub id: CaseId,
    /// The number of its human key (CB-42 is 42).
    pub number: u64,
    /// Who reported it.
    pub reporter: Reporter,
    /// The reporter's organisation.
    pub org: Option<String>,
    /// How it came in.
    pub channel: Channel,
    /// The subject (derived from the description when the reporter gave none).
    pub subject: String,
    /// The description.
    pub description: String,
    /// Diagnostics.
    pub diagnostics: Diagnostics,
    /// Tags.
    pub tags: Vec<String>,
    /// Priority.
    pub priority: Priority,
    /// The workflow state.
    pub status: String,
    /// The assignee's id.
    pub assignee: Option<String>,
    /// The team.
    pub team: Option<String>,
    /// Where it may be seen.
    pub visibility: Visibility,
    /// Whether the reporter agreed to show their name on a shared or public case.
    pub show_reporter: bool,
    /// Comments: all, and public agent replies.
    pub comments: u32,
    /// Public replies by staff.
    pub public_replies: u32,
    /// How often it was reopened.
    pub reopened: u32,
    /// When it was reported.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its version: the sequence number of its last event.
    pub version: u64,
    /// The rarely-set parts (see [`CaseExtras`]); read them through the accessors.
    #[serde(flatten)]
    pub(crate) extras: Extras,
}

/// The parts of a case that most cases never have. A [`Case`] keeps them boxed, and not at all
/// while they are all empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseExtras {
    /// The agent who logged it on the reporter's behalf.
    #[serde(default)]
    pub logged_by: Option<String>,
    /// Links.
    #[serde(default)]
    pub links: Vec<Link>,
    /// Watchers' ids (or reporter index keys).
    #[serde(default)]
    pub watchers: Vec<String>,
    /// "Me too" voters' ids.
    #[serde(default)]
    pub voters: Vec<String>,
    /// The current outcome.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Promises made to the customer.
    #[serde(default)]
    pub commitments: Vec<Commitment>,
    /// People added to the case (person keys); they see it and may reply.
    #[serde(default)]
    pub participants: Vec<String>,
    /// Tracking tokens issued for the case (nonce, revoked).
    #[serde(default)]
    pub tokens: Vec<(String, bool)>,
    /// Escalation rules that fired, with the episode each fired in: (rule, episode).
    #[serde(default)]
    pub escalations: Vec<(String, String)>,
    /// Flags set by escalation rules.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Attachments' metadata given with the report (the bytes stay with the host).
    #[serde(default)]
    pub attachments: Vec<crate::intake::Attachment>,
}

impl CaseExtras {
    /// True when every part is empty.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The boxed extras of a case: `None` stands for all-empty extras (and compares equal to them).
/// Empty extras are written as nothing and read back as `None`, so a case's encoding does not
/// depend on whether its extras were ever boxed (a restored snapshot encodes like a replay).
#[derive(Clone, Debug, Default)]
pub(crate) struct Extras(Option<Box<CaseExtras>>);

impl Serialize for Extras {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_deref().filter(|e| !e.is_empty()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Extras {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<CaseExtras>::deserialize(d)?.map_or(Extras(None), Extras::new))
    }
}

impl PartialEq for Extras {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            (Some(x), None) | (None, Some(x)) => x.is_empty(),
            (None, None) => true,
        }
    }
}

static NO_EXTRAS: CaseExtras = CaseExtras {
    logged_by: None,
    links: Vec::new(),
    watchers: Vec::new(),
    voters: Vec::new(),
    outcome: None,
    commitments: Vec::new(),
    participants: Vec::new(),
    tokens: Vec::new(),
    escalations: Vec::new(),
    flags: Vec::new(),
    attachments: Vec::new(),
};

impl Extras {
    /// Boxes `extras`, or keeps nothing when they are all empty.
    pub(crate) fn new(extras: CaseExtras) -> Self {
        if extras.is_empty() {
            Self(None)
        } else {
            Self(Some(Box::new(extras)))
        }
    }

    fn get(&self) -> &CaseExtras {
        self.0.as_deref().unwrap_or(&NO_EXTRAS)
    }
}

impl Case {
    /// The rarely-set parts, all empty when the case has none.
    pub fn extras(&self) -> &CaseExtras {
        self.extras.get()
    }

    /// The rarely-set parts, to change them (boxed on first use).
    pub(crate) fn extras_mut(&mut self) -> &mut CaseExtras {
        self.extras.0.get_or_insert_with(Box::default)
    }

    /// The agent who logged it on the reporter's behalf.
    pub fn logged_by(&self) -> Option<&str> {
        self.extras().logged_by.as_deref()
    }

    /// Links.
    pub fn links(&self) -> &[Link] {
        &self.extras().links
    }

    /// Watchers' ids (or reporter index keys).
    pub fn watchers(&self) -> &[String] {
        &self.extras().watchers
    }

    /// "Me too" voters' ids.
    pub fn voters(&self) -> &[String] {
        &self.extras().voters
    }

    /// The current outcome.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.extras().outcome.as_ref()
    }

    /// Promises made to the customer.
    pub fn commitments(&self) -> &[Commitment] {
        &self.extras().commitments
    }

    /// People added to the case (person keys); they see it and may reply.
    pub fn participants(&self) -> &[String] {
        &self.extras().participants
    }

    /// Tracking tokens issued for the case (nonce, revoked).
    pub fn tokens(&self) -> &[(String, bool)] {
        &self.extras().tokens
    }

    /// Escalation rules that fired, with the episode each fired in: (rule, episode).
    pub fn escalations(&self) -> &[(String, String)] {
        &self.extras().escalations
    }

    /// Flags set by escalation rules.
    pub fn flags(&self) -> &[String] {
        &self.extras().flags
    }

    /// Attachments' metadata given with the report (the bytes stay with the host).
    pub fn attachments(&self) -> &[crate::intake::Attachment] {
        &self.extras().attachments
    }

    /// The duplicates of this case (cases linked as duplicate of it).
    pub fn duplicates(&self) -> impl Iterator<Item = &Link> {
        self.links()
            .iter()
            .filter(|l| l.kind == LinkKind::DuplicatedBy)
    }

    /// True when `actor` is this case's reporter (by user id, or by email when the case has no user).
    pub fn is_reporter(&self, actor: &Actor) -> bool {
        if actor.token_case == Some(self.id) {
            return true;
        }
        match (&self.reporter.user, &actor.id) {
            (Some(u), Some(a)) => return u == a,
            (Some(_), None) => return false,
            _ => {}
        }
        match (self.reporter.email(), &actor.email) {
            (Some(e), Some(a)) => e.eq_ignore_ascii_case(a),
            _ => false,
        }
    }
}

/// Derives a subject from a description: its first non-empty line, cut at a word boundary.
pub fn derive_subject(description: &str, max_chars: usize) -> String {
    let line = description
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("(no description)");
    if line.chars().count() <= max_chars {
        return line.to_string();
    }
    let cut: String = line.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max_chars / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_from_description() {
        assert_eq!(
            derive_subject("\n  Export crashes\nmore", 80),
            "Export crashes"
        );
        let long = "word ".repeat(40);
        let s = derive_subject(&long, 30);
        assert!(s.ends_with('…') && s.chars().count() <= 31, "{s}");
        assert_eq!(derive_subject("   ", 80), "(no description)");
        assert_eq!(derive_subject("ääääääääää", 4), "ääää…");
    }
}

#[cfg(test)]
mod reporter_tests {
    use super::*;

    #[test]
    fn reporter_json_is_the_three_fields_and_empty_contact_is_not_boxed() {
        let r = Reporter::new(Some("u1".into()), Some("a@b.c".into()), Some("Ann".into()));
        let json = serde_json::to_string(&r).expect("a reporter encodes");
        assert_eq!(json, r#"{"user":"u1","email":"a@b.c","name":"Ann"}"#);
        let back: Reporter = serde_json::from_str(&json).expect("and decodes");
        assert_eq!(back, r);
        assert_eq!((back.email(), back.name()), (Some("a@b.c"), Some("Ann")));

        // Clearing both leaves no box, so it equals (and hashes like) a user-only reporter.
        let mut cleared = r.clone();
        cleared.set_email(None);
        cleared.set_name(None);
        assert_eq!(cleared, Reporter::new(Some("u1".into()), None, None));
        assert!(cleared.contact.is_none());
        assert_eq!(
            serde_json::to_string(&cleared).expect("encodes"),
            r#"{"user":"u1"}"#
        );

        let empty: Reporter = serde_json::from_str("{}").expect("an empty reporter decodes");
        assert!(empty.is_anonymous() && empty.contact.is_none());
        assert_eq!(empty, Reporter::default());
        let by_email: Reporter = serde_json::from_str(r#"{"email":"X@Y.z"}"#).expect("decodes");
        assert_eq!(by_email.index_key().as_deref(), Some("e:x@y.z"));
        let mut buf = String::from("left over");
        assert!(r.write_index_key(&mut buf));
        assert_eq!(buf, "u:u1");
        let accented = Reporter::new(None, Some("ÉLODIE@Example.FR".into()), None);
        assert!(accented.write_index_key(&mut buf));
        assert_eq!(buf, "e:élodie@example.fr");
        assert!(!empty.write_index_key(&mut buf));
        assert!(buf.is_empty() && empty.index_key().is_none());
    }
}
