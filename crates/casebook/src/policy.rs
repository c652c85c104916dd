//! The visibility policy: who sees which cases and fields, and who may do what. Deny by default.
//!
//! A viewer stands in one *relation* to a case: staff (by role), its reporter, a participant the
//! reporter or staff added, a member of the reporter's organisation (when the case is shared with
//! the organisation and the organisation shares), anyone (when the case is public), or a stranger.
//! Strangers see nothing: the case answers `not_found`, exactly like a case that does not exist.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{Case, Visibility};
use crate::error::{Error, Result};

/// What a viewer may do on a case.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Reply publicly.
    Comment,
    /// Write an internal note.
    InternalNote,
    /// Take workflow transitions (still limited by the workflow's takers).
    Transition,
    /// Vote "me too".
    Vote,
    /// Watch.
    Watch,
    /// Add a participant.
    AddParticipant,
    /// Change the visibility.
    SetVisibility,
    /// Export the case.
    Export,
    /// Assign.
    Assign,
    /// Tag.
    Tag,
    /// Link.
    Link,
    /// Change the priority.
    SetPriority,
    /// Make promises.
    Promise,
    /// Issue and revoke tracking tokens.
    ManageTokens,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 14] = [
        Action::Comment,
        Action::InternalNote,
        Action::Transition,
        Action::Vote,
        Action::Watch,
        Action::AddParticipant,
        Action::SetVisibility,
        Action::Export,
        Action::Assign,
        Action::Tag,
        Action::Link,
        Action::SetPriority,
        Action::Promise,
        Action::ManageTokens,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Comment => "comment",
            Action::InternalNote => "internal_note",
            Action::Transition => "transition",
            Action::Vote => "vote",
            Action::Watch => "watch",
            Action::AddParticipant => "add_participant",
            Action::SetVisibility => "set_visibility",
            Action::Export => "export",
            Action::Assign => "assign",
            Action::Tag => "tag",
            Action::Link => "link",
            Action::SetPriority => "set_priority",
            Action::Promise => "promise",
            Action::ManageTokens => "manage_tokens",
        }
    }
}

/// How much of a staff member's name a customer sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum NameDisplay {
    /// Nothing ("Support").
    Hide,
    /// The first word of the name.
    #[default]
    FirstName,
    /// The whole name.
    Full,
}

/// The relation of a viewer to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Staff, by role.
    Staff(Role),
    /// The reporter (or the holder of the case's tracking token).
    Reporter,
    /// A participant added to the case.
    Participant,
    /// A member of the reporter's organisation, on a case shared with it.
    OrgMember,
    /// Anyone, on a public case.
    Public,
    /// No relation: the case does not exist for them.
    Stranger,
}

impl Relation {
    /// Staff or not.
    pub fn is_staff(self) -> bool {
        matches!(self, Relation::Staff(_))
    }
}

/// Which organisations share cases marked `organization` with their members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OrgSharing {
    /// Whether organisations share unless listed otherwise.
    pub default: bool,
    /// Per-organisation settings.
    pub orgs: BTreeMap<String, bool>,
}

impl Default for OrgSharing {
    fn default() -> Self {
        Self {
            default: true,
            orgs: BTreeMap::new(),
        }
    }
}

/// What the non-staff relations may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Grants {
    /// The reporter.
    pub reporter: Vec<Action>,
    /// Participants.
    pub participant: Vec<Action>,
    /// Organisation members on shared cases.
    pub org_member: Vec<Action>,
    /// Anyone signed in, on public cases.
    pub public: Vec<Action>,
}

impl Default for Grants {
    fn default() -> Self {
        use Action::*;
        Self {
            reporter: vec![Comment, Transition, Vote, Watch, AddParticipant, Export],
            participant: vec![Comment, Vote, Watch],
            org_member: vec![Vote, Watch],
            public: vec![Vote, Watch],
        }
    }
}

/// The public roadmap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RoadmapPolicy {
    /// Whether the roadmap is published at all.
    pub published: bool,
    /// Whether anonymous visitors may read it.
    pub anonymous: bool,
    /// When not empty, only public cases with one of these tags are listed.
    pub tags: Vec<String>,
    /// How many days a fixed case stays under "recently fixed".
    pub recent_days: u32,
}

impl Default for RoadmapPolicy {
    fn default() -> Self {
        Self {
            published: true,
            anonymous: true,
            tags: Vec::new(),
            recent_days: 90,
        }
    }
}

/// A visibility policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Organisation sharing.
    pub org_sharing: OrgSharing,
    /// How customers see staff names (assignee, authors of replies).
    pub staff_names: NameDisplay,
    /// Whether customers see the priority.
    pub show_priority: bool,
    /// Tags customers never see.
    pub internal_tags: Vec<String>,
    /// Whether links to defect trackers are internal.
    pub internal_defect_links: bool,
    /// What customers may do, by relation.
    pub grants: Grants,
    /// What staff may do, by role (agent, engineer, admin); the system may do everything.
    pub staff: BTreeMap<Role, Vec<Action>>,
    /// The public roadmap.
    pub roadmap: RoadmapPolicy,
}

impl Default for Policy {
    fn default() -> Self {
        let all = Action::ALL.to_vec();
        Self {
            org_sharing: OrgSharing::default(),
            staff_names: NameDisplay::FirstName,
            show_priority: true,
            internal_tags: Vec::new(),
            internal_defect_links: true,
            grants: Grants::default(),
            staff: BTreeMap::from([
                (Role::Agent, all.clone()),
                (Role::Engineer, all.clone()),
                (Role::Admin, all),
            ]),
            roadmap: RoadmapPolicy::default(),
        }
    }
}

impl Policy {
    /// Checks the document: staff entries only for staff roles, customers never granted staff
    /// powers, no duplicates.
    pub fn validate(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::InvalidConfig(format!("policy: {msg}")));
        for (role, actions) in &self.staff {
            if !matches!(role, Role::Agent | Role::Engineer | Role::Admin) {
                return bad(format!(
                    "\"staff\" lists '{}', which is not a staff role; use agent, engineer or admin",
                    role.as_str()
                ));
            }
            if let Some(d) = duplicate(actions) {
                return bad(format!(
                    "\"staff.{}\" lists '{}' twice",
                    role.as_str(),
                    d.as_str()
                ));
            }
        }
        let staff_only = [
            Action::InternalNote,
            Action::Assign,
            Action::Tag,
            Action::Link,
            Action::SetPriority,
            Action::Promise,
            Action::SetVisibility,
            Action::ManageTokens,
        ];
        for (name, actions) in [
            ("reporter", &self.grants.reporter),
            ("participant", &self.grants.participant),
            ("org_member", &self.grants.org_member),
            ("public", &self.grants.public),
        ] {
            if let Some(a) = actions.iter().find(|a| staff_only.contains(a)) {
                return bad(format!(
                    "\"grants.{name}\" grants '{}', which only staff may have",
                    a.as_str()
                ));
            }
            if let Some(d) = duplicate(actions) {
                return bad(format!("\"grants.{name}\" lists '{}' twice", d.as_str()));
            }
        }
        if self.internal_tags.iter().any(|t| t.trim().is_empty()) {
            return bad("\"internal_tags\" has an empty tag".into());
        }
        Ok(())
    }

    /// Parses and validates a JSON policy document.
    pub fn from_json(json: &str) -> Result<Self> {
        let p: Policy =
            serde_json::from_str(json).map_err(|e| Error::InvalidConfig(format!("policy: {e}")))?;
        p.validate()?;
        Ok(p)
    }

    /// Whether an organisation shares `organization` cases with its members.
    pub fn org_shares(&self, org: &str) -> bool {
        self.org_sharing
            .orgs
            .get(org)
            .copied()
            .unwrap_or(self.org_sharing.default)
    }

    /// The relation of a viewer to a case.
    pub fn relation(&self, case: &Case, viewer: &Actor) -> Relation {
        if viewer.is_staff() {
            return Relation::Staff(viewer.role);
        }
        if case.is_reporter(viewer) {
            return Relation::Reporter;
        }
        let key = crate::decide::person_key(viewer);
        if key
            .as_ref()
            .is_some_and(|k| case.participants().contains(k))
        {
            return Relation::Participant;
        }
        if case.visibility != Visibility::Private
            && viewer.role == Role::Customer
            && viewer.org.is_some()
            && viewer.org == case.org
            && case.org.as_deref().is_some_and(|o| self.org_shares(o))
        {
            return Relation::OrgMember;
        }
        if case.visibility == Visibility::Public {
            return Relation::Public;
        }
        Relation::Stranger
    }

    /// May the viewer see the case at all?
    pub fn can_view(&self, case: &Case, viewer: &Actor) -> bool {
        self.relation(case, viewer) != Relation::Stranger
    }

    /// May a viewer in this relation take this action?
    pub fn allows(&self, relation: Relation, action: Action) -> bool {
        let list: &[Action] = match relation {
            Relation::Staff(Role::System) => return true,
            Relation::Staff(role) => self.staff.get(&role).map_or(&[], Vec::as_slice),
            Relation::Reporter => &self.grants.reporter,
            Relation::Participant => &self.grants.participant,
            Relation::OrgMember => &self.grants.org_member,
            Relation::Public => &self.grants.public,
            Relation::Stranger => &[],
        };
        list.contains(&action)
    }

    /// Is this tag visible to the viewer's relation?
    pub fn tag_visible(&self, relation: Relation, tag: &str) -> bool {
        relation.is_staff() || !self.internal_tags.iter().any(|t| t == tag)
    }

    /// A staff member's name as a customer sees it.
    pub fn staff_name(&self, name: &str) -> Option<String> {
        match self.staff_names {
            NameDisplay::Hide => None,
            NameDisplay::FirstName => name.split_whitespace().next().map(str::to_string),
            NameDisplay::Full => Some(name.to_string()),
        }
    }
}

fn duplicate(actions: &[Action]) -> Option<Action> {
    actions
        .iter()
        .enumerate()
        .find(|(i, a)| actions[..*i].contains(a))
        .map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_valid_and_denies_by_default() {
        let p = Policy::default();
        p.validate().unwrap();
        assert!(p.allows(Relation::Reporter, Action::Comment));
        assert!(!p.allows(Relation::Reporter, Action::InternalNote));
        assert!(!p.allows(Relation::Public, Action::Comment));
        assert!(!p.allows(Relation::Stranger, Action::Vote));
        assert!(p.allows(Relation::Staff(Role::Agent), Action::Assign));
        let only_agents: Policy = Policy::from_json(r#"{"staff":{"agent":["comment"]}}"#).unwrap();
        assert!(!only_agents.allows(Relation::Staff(Role::Engineer), Action::Comment));
        assert!(!only_agents.allows(Relation::Staff(Role::Agent), Action::Assign));
    }

    #[test]
    fn precise_policy_errors() {
        let e = Policy::from_json(r#"{"grants":{"public":["internal_note"]}}"#).unwrap_err();
        assert!(
            e.to_string().contains("grants.public") && e.to_string().contains("internal_note"),
            "{e}"
        );
        let e = Policy::from_json(r#"{"staff":{"customer":["comment"]}}"#).unwrap_err();
        assert!(e.to_string().contains("not a staff role"), "{e}");
        let e = Policy::from_json(r#"{"grants":{"reporter":["fly"]}}"#).unwrap_err();
        assert!(e.to_string().contains("fly"), "{e}");
        let e = Policy::from_json(r#"{"colour":"blue"}"#).unwrap_err();
        assert_eq!(e.code().as_str(), "invalid_config");
        assert!(e.to_string().contains("colour"), "{e}");
    }
}
