//! Actors on other servers: followers now, repliers later. Stored in `actors` with `local = false`.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use url::Url;

use crate::{
    domain::ids::host_with_port,
    error::AppError,
    storage::{actors, entities::actor},
};

/// What we keep of a remote actor.
#[derive(Debug, Clone)]
pub struct RemoteActor {
    pub id: i64,
    pub ap_id: Url,
    pub kind: String,
    pub username: String,
    pub domain: String,
    pub name: String,
    pub inbox: Url,
    pub shared_inbox: Option<Url>,
    pub url: Option<Url>,
    pub icon_url: Option<Url>,
    pub public_key_id: Option<String>,
    pub public_key_pem: String,
    pub last_refreshed_at: DateTime<Utc>,
    /// Set once an editor approved one of their replies (first-time moderation trusts them).
    pub approved_at: Option<DateTime<Utc>>,
}

impl RemoteActor {
    pub fn from_model(m: actor::Model) -> Result<Self, AppError> {
        Ok(RemoteActor {
            id: m.id,
            ap_id: m.ap_id.parse().context("stored actor id is not a URL")?,
            kind: m.kind,
            username: m.username,
            domain: m.domain,
            name: m.name,
            inbox: m.inbox.parse().context("stored inbox is not a URL")?,
            shared_inbox: m.shared_inbox.and_then(|u| u.parse().ok()),
            // Rows from older versions may hold any scheme: only web links are believed.
            url: m.url.as_deref().and_then(crate::domain::links::web),
            icon_url: m.icon_url.as_deref().and_then(crate::domain::links::web),
            public_key_id: m.public_key_id,
            public_key_pem: m.public_key,
            last_refreshed_at: m.last_refreshed_at,
            approved_at: m.approved_at,
        })
    }

    /// `@user@host`, as people write it.
    pub fn handle(&self) -> String {
        format!("@{}@{}", self.username, self.domain)
    }

    /// Where to deliver to this actor: the shared inbox when it has one, so one request serves
    /// everyone on its server.
    pub fn delivery_inbox(&self) -> &Url {
        self.shared_inbox.as_ref().unwrap_or(&self.inbox)
    }
}

/// A remote actor as read from its document, validated by the federation layer.
pub struct RemoteActorData {
    pub ap_id: Url,
    pub kind: String,
    pub username: String,
    pub name: String,
    pub summary: String,
    pub inbox: Url,
    pub shared_inbox: Option<Url>,
    pub url: Option<Url>,
    pub icon_url: Option<Url>,
    pub public_key_id: String,
    pub public_key_pem: String,
}

/// Stores or refreshes a remote actor. An actor on `our_domain` is never taken from outside:
/// ours are written only by us (and the storage layer refuses to overwrite a local row).
pub async fn upsert(
    db: &impl ConnectionTrait,
    our_domain: &str,
    data: RemoteActorData,
) -> Result<RemoteActor, AppError> {
    if host_with_port(&data.ap_id).eq_ignore_ascii_case(our_domain) {
        return Err(AppError::Unprocessable(format!(
            "{} is on our own host and cannot be stored as remote",
            data.ap_id
        )));
    }
    RemoteActor::from_model(actors::upsert_remote(db, row(data)).await?)
}

/// The row for a remote actor, refreshed now.
fn row(data: RemoteActorData) -> actor::ActiveModel {
    let now = Utc::now();
    actor::ActiveModel {
        ap_id: Set(data.ap_id.to_string()),
        role: Set("remote".to_string()),
        kind: Set(data.kind),
        domain: Set(host_with_port(&data.ap_id)),
        username: Set(data.username),
        name: Set(data.name),
        summary: Set(data.summary),
        inbox: Set(data.inbox.to_string()),
        shared_inbox: Set(data.shared_inbox.map(String::from)),
        // Shown as links and images: http(s) only, whatever the caller read.
        url: Set(data
            .url
            .filter(crate::domain::links::is_web)
            .map(String::from)),
        icon_url: Set(data
            .icon_url
            .filter(crate::domain::links::is_web)
            .map(String::from)),
        public_key_id: Set(Some(data.public_key_id)),
        public_key: Set(data.public_key_pem),
        private_key: Set(None),
        local: Set(false),
        published_at: Set(now),
        last_refreshed_at: Set(now),
        ..Default::default()
    }
}

/// Records when the account says it was created (`None`: it does not say).
pub async fn set_account_published(
    db: &impl ConnectionTrait,
    id: i64,
    published: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    actors::set_account_published(db, id, published).await?;
    Ok(())
}

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<RemoteActor>, AppError> {
    match actors::find_by_ap_id(db, ap_id).await? {
        Some(m) if !m.local => Ok(Some(RemoteActor::from_model(m)?)),
        _ => Ok(None),
    }
}

pub async fn find_by_key_id(
    db: &impl ConnectionTrait,
    key_id: &str,
) -> Result<Option<RemoteActor>, AppError> {
    match actors::find_by_key_id(db, key_id).await? {
        Some(m) if !m.local => Ok(Some(RemoteActor::from_model(m)?)),
        _ => Ok(None),
    }
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<RemoteActor>, AppError> {
    match actors::find_by_id(db, id).await? {
        Some(m) if !m.local => Ok(Some(RemoteActor::from_model(m)?)),
        _ => Ok(None),
    }
}
