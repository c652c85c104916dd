//! Commands: what actors ask the engine to do.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::case::{Channel, Diagnostics, LinkKind, Priority, Visibility};
use crate::outcome::Outcome;

/// Someone an agent reports for (a phone call, a chat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OnBehalfOf {
    /// The customer's host user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The customer's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The customer's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// Report a problem. Only the description is required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
pub struct Report {
    /// What happened, in the reporter's words.
    pub description: String,
    /// A subject; derived from the description when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// How it came in; widget for customers, api for staff, agent_on_behalf for on-behalf reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Diagnostics collected by the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Priority (staff only; customers' reports start at normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// A contact email for anonymous reporters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A contact name for anonymous reporters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// An agent reporting for a customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<OnBehalfOf>,
    /// Initial visibility (default private).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Attachments' metadata: name, type, size and the host's reference to the bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::intake::Attachment>,
}

/// A command on an existing case.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaseCommand {
    /// Add a public reply or an internal note.
    Comment {
        /// The text.
        body: String,
        /// An internal note (staff only).
        internal: bool,
    },
    /// Move the case to another state.
    Transition {
        /// The target state.
        to: String,
        /// The outcome, when the transition needs or allows one.
        outcome: Option<Outcome>,
    },
    /// Assign to a person and/or a team (`Some("")` clears).
    Assign {
        /// The assignee.
        assignee: Option<String>,
        /// The team.
        team: Option<String>,
    },
    /// Change the priority.
    SetPriority(Priority),
    /// Add and remove tags.
    Tag {
        /// Tags to add.
        add: Vec<String>,
        /// Tags to remove.
        remove: Vec<String>,
    },
    /// Link to another case or an external defect.
    Link {
        /// The kind (duplicate_of, related or defect).
        kind: LinkKind,
        /// A case id/key, or a defect URL/id.
        target: String,
    },
    /// Vote "me too".
    Vote,
    /// Start or stop watching.
    Watch(bool),
    /// Make a promise to the customer.
    Promise {
        /// What is promised.
        text: String,
        /// The release it targets.
        target_release: Option<String>,
        /// The date it is due.
        due: Option<NaiveDate>,
    },
    /// Change who may see the case, and/or (the reporter) whether their name shows.
    SetVisibility {
        /// The new visibility.
        visibility: Option<Visibility>,
        /// Whether the reporter's name shows on shared and public cases.
        show_reporter: Option<bool>,
    },
    /// Add a participant, who then sees the case and may reply.
    AddParticipant {
        /// Their host user id.
        id: Option<String>,
        /// Their email.
        email: Option<String>,
    },
    /// Issue a new tracking token (staff).
    IssueToken,
    /// Revoke a tracking token by its nonce.
    RevokeToken(String),
}
