//! Who acts: roles and actors.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The role an actor plays in a casebook.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Someone without an account (a widget user who gave no identity).
    Anonymous,
    /// A customer of the host product.
    Customer,
    /// A support agent.
    Agent,
    /// An engineer of the host product.
    Engineer,
    /// An administrator of the casebook.
    Admin,
    /// The host itself (automations, email intake, timers).
    System,
}

impl Role {
    /// Agents, engineers, admins and the system: the people and processes behind the product.
    pub fn is_staff(self) -> bool {
        matches!(
            self,
            Role::Agent | Role::Engineer | Role::Admin | Role::System
        )
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Engineer => "engineer",
            Role::Admin => "admin",
            Role::System => "system",
        }
    }
}

/// The actor of a request or an event: `{"role":"customer","id":"u1","org":"acme"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Actor {
    /// The role.
    pub role: Role,
    /// The host's user id, when the actor has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The actor's organisation, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// A contact email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A tracking token: lets an anonymous reporter see their case and reply, nothing more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The case a verified token grants (set by the engine, never by callers).
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) token_case: Option<crate::ids::CaseId>,
}

impl Actor {
    /// An actor with only a role.
    pub fn new(role: Role) -> Self {
        Self {
            role,
            id: None,
            org: None,
            email: None,
            name: None,
            token: None,
            token_case: None,
        }
    }

    /// An actor with a role and a host user id.
    pub fn with_id(role: Role, id: impl Into<String>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::new(role)
        }
    }

    /// The system actor (automations, timers, intake).
    pub fn system() -> Self {
        Self::new(Role::System)
    }

    /// Sets the organisation.
    pub fn in_org(mut self, org: impl Into<String>) -> Self {
        self.org = Some(org.into());
        self
    }

    /// Sets the email address.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the display name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The case this actor's verified tracking token grants, if any.
    pub fn token_case(&self) -> Option<crate::ids::CaseId> {
        self.token_case
    }

    /// Staff or not.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// A short label for timelines: the name, else the id, else the email, else the role.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.id.clone())
            .or_else(|| self.email.clone())
            .unwrap_or_else(|| self.role.as_str().to_string())
    }
}
