//! Our own actors: the publication, one author per byline name, and the instance actor that
//! signs outgoing fetches. Each gets an RSA-2048 key pair once, at creation, and keeps it.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use url::Url;

mod create;
mod names;
#[cfg(test)]
mod tests;

pub use create::{KeyPair, NewActor, create, ensure_site_actors, generate_keys, is_new_site};
pub use names::{is_valid_username, username_from_name};

use crate::{
    config::Settings,
    error::AppError,
    storage::{actors, entities::actor},
};

/// What a local actor is for. Stored as text in `actors.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Publication,
    Author,
    Instance,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Publication => "publication",
            Role::Author => "author",
            Role::Instance => "instance",
        }
    }
    /// The ActivityStreams type the actor is served as.
    pub fn kind(self) -> &'static str {
        match self {
            Role::Publication => "Organization",
            Role::Author => "Person",
            Role::Instance => "Application",
        }
    }
    fn parse(text: &str) -> Option<Role> {
        [Role::Publication, Role::Author, Role::Instance]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// A local actor as the rest of the program sees it. Its `Debug` leaves the private key out.
#[derive(Clone)]
pub struct LocalActor {
    pub id: i64,
    pub role: Role,
    pub ap_id: Url,
    pub username: String,
    pub name: String,
    pub summary: String,
    pub icon_url: Option<Url>,
    pub public_key_pem: String,
    pub private_key_pem: String,
    pub published_at: DateTime<Utc>,
}

impl std::fmt::Debug for LocalActor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalActor")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("ap_id", &self.ap_id.as_str())
            .field("username", &self.username)
            .field("name", &self.name)
            .field("summary", &self.summary)
            .field("icon_url", &self.icon_url.as_ref().map(Url::as_str))
            .field("public_key_pem", &self.public_key_pem)
            .field("private_key_pem", &"[redacted]")
            .field("published_at", &self.published_at)
            .finish()
    }
}

impl LocalActor {
    pub fn from_model(model: actor::Model) -> Result<Self, AppError> {
        let role = Role::parse(&model.role)
            .with_context(|| format!("actor {} has unknown role {}", model.id, model.role))?;
        Ok(LocalActor {
            id: model.id,
            role,
            ap_id: model
                .ap_id
                .parse()
                .context("stored actor id is not a URL")?,
            username: model.username,
            name: model.name,
            summary: model.summary,
            icon_url: model.icon_url.and_then(|u| u.parse().ok()),
            public_key_pem: model.public_key,
            private_key_pem: model
                .private_key
                .context("local actor without a private key")?,
            published_at: model.published_at,
        })
    }

    /// `name@host[:port]`, without the leading `@`.
    pub fn handle(&self, settings: &Settings) -> String {
        format!("{}@{}", self.username, settings.domain())
    }
}

pub async fn publication(db: &impl ConnectionTrait) -> Result<LocalActor, AppError> {
    let model = actors::find_by_role(db, Role::Publication.as_str())
        .await?
        .context("the publication actor is missing; run `broadsheet migrate`")?;
    LocalActor::from_model(model)
}

pub async fn instance_actor(db: &impl ConnectionTrait) -> Result<LocalActor, AppError> {
    let model = actors::find_by_role(db, Role::Instance.as_str())
        .await?
        .context("the instance actor is missing; run `broadsheet migrate`")?;
    LocalActor::from_model(model)
}

/// A local actor by username (publication or author), for WebFinger and actor pages.
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<LocalActor>, AppError> {
    actors::find_local_by_username(db, username)
        .await?
        .map(LocalActor::from_model)
        .transpose()
}

/// A local actor by row id (the delivery worker loads signers this way).
pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<LocalActor>, AppError> {
    match actors::find_by_id(db, id).await? {
        Some(m) if m.local => Ok(Some(LocalActor::from_model(m)?)),
        _ => Ok(None),
    }
}

/// A local actor by its ActivityPub id (the object of a Follow).
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<LocalActor>, AppError> {
    match actors::find_by_ap_id(db, ap_id).await? {
        Some(m) if m.local => Ok(Some(LocalActor::from_model(m)?)),
        _ => Ok(None),
    }
}

pub async fn list_authors(db: &impl ConnectionTrait) -> Result<Vec<LocalActor>, AppError> {
    actors::list_by_role(db, Role::Author.as_str())
        .await?
        .into_iter()
        .map(LocalActor::from_model)
        .collect()
}
