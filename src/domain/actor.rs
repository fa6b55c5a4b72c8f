//! Our own actors: the publication, one author per byline name, and the instance actor that
//! signs outgoing fetches. Each gets an RSA-2048 key pair once, at creation, and keeps it.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use url::Url;

use super::ids::Urls;
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

/// Usernames follow Mastodon's rule for local accounts: `a-z`, `0-9` and `_`, at most 30 long.
pub fn is_valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 30
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The username an author's display name suggests: "María José Núñez" → `maria_jose_nunez`.
pub fn username_from_name(name: &str) -> String {
    let mut username = String::new();
    for word in super::text::ascii_words(name) {
        if username.len() + word.len() + 1 > 24 {
            break;
        }
        if !username.is_empty() {
            username.push('_');
        }
        username.push_str(&word);
    }
    if username.is_empty() {
        "author".to_string()
    } else {
        username
    }
}

/// Creates the publication and instance actors when missing. Returns true when the publication
/// was created now, i.e. this is the first start on this database.
#[tracing::instrument(skip_all)]
pub async fn ensure_site_actors(
    db: &DatabaseConnection,
    settings: &Settings,
) -> Result<bool, AppError> {
    let urls = Urls::new(&settings.public_url);
    if actors::find_by_role(db, Role::Instance.as_str())
        .await?
        .is_none()
    {
        let spec = NewActor {
            role: Role::Instance,
            ap_id: urls.instance_actor(),
            username: settings.domain().replace(':', "."),
            name: settings.publication.name.clone(),
            summary: "Signs this site's requests to other servers.".to_string(),
            icon_url: None,
        };
        create(db, &urls, spec, generate_keys().await?).await?;
    }
    if actors::find_by_role(db, Role::Publication.as_str())
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let handle = settings.publication.handle.clone();
    let spec = NewActor {
        role: Role::Publication,
        ap_id: urls.actor(&handle),
        username: handle,
        name: settings.publication.name.clone(),
        summary: settings.publication.summary.clone(),
        icon_url: settings.publication.icon_url.clone(),
    };
    create(db, &urls, spec, generate_keys().await?).await?;
    Ok(true)
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

/// A freshly generated key pair, PEM encoded.
pub struct KeyPair {
    pub public_pem: String,
    pub private_pem: String,
}

/// RSA-2048 generation takes tens of milliseconds of CPU: off the async runtime.
pub async fn generate_keys() -> Result<KeyPair, AppError> {
    let pair = tokio::task::spawn_blocking(
        activitypub_federation::http_signatures::generate_actor_keypair,
    )
    .await
    .context("key generation task failed")?
    .context("RSA key generation failed")?;
    Ok(KeyPair {
        public_pem: pair.public_key,
        private_pem: pair.private_key,
    })
}

pub struct NewActor {
    pub role: Role,
    pub ap_id: Url,
    pub username: String,
    pub name: String,
    pub summary: String,
    pub icon_url: Option<Url>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    urls: &Urls,
    spec: NewActor,
    keys: KeyPair,
) -> Result<LocalActor, AppError> {
    let now = Utc::now();
    let domain = crate::domain::ids::host_with_port(&urls.root());
    let model = actor::ActiveModel {
        ap_id: Set(spec.ap_id.to_string()),
        role: Set(spec.role.as_str().to_string()),
        kind: Set(spec.role.kind().to_string()),
        inbox: Set(urls.inbox(&spec.username).to_string()),
        shared_inbox: Set(Some(urls.shared_inbox().to_string())),
        url: Set(Some(spec.ap_id.to_string())),
        username: Set(spec.username),
        domain: Set(domain),
        name: Set(spec.name),
        summary: Set(spec.summary),
        icon_url: Set(spec.icon_url.map(String::from)),
        public_key_id: Set(Some(urls.key_id(&spec.ap_id).to_string())),
        public_key: Set(keys.public_pem),
        private_key: Set(Some(keys.private_pem)),
        local: Set(true),
        published_at: Set(now),
        last_refreshed_at: Set(now),
        ..Default::default()
    };
    LocalActor::from_model(actors::insert(db, model).await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{LocalActor, Role, is_valid_username, username_from_name};
    use crate::storage::entities::actor;

    #[test]
    fn debug_output_leaves_the_private_key_out() {
        const PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
        let now = chrono::Utc::now();
        let model = actor::Model {
            id: 1,
            ap_id: "https://news.example/@news".into(),
            role: Role::Publication.as_str().into(),
            kind: "Service".into(),
            username: "news".into(),
            domain: "news.example".into(),
            name: "News".into(),
            summary: String::new(),
            inbox: "https://news.example/@news/inbox".into(),
            shared_inbox: None,
            url: None,
            icon_url: None,
            public_key_id: None,
            public_key: "-----BEGIN PUBLIC KEY-----".into(),
            private_key: Some(PEM.into()),
            local: true,
            published_at: now,
            last_refreshed_at: now,
            approved_at: None,
        };
        let printed = format!("{model:?} {model:#?}");
        assert!(
            !printed.contains("PRIVATE KEY") && !printed.contains("MIIEvQ"),
            "{printed}"
        );
        assert!(printed.contains("news.example") && printed.contains("[redacted]"));
        let local = LocalActor::from_model(model).unwrap();
        assert_eq!(local.private_key_pem, PEM);
        let printed = format!("{local:?} {local:#?}");
        assert!(
            !printed.contains("PRIVATE KEY") && !printed.contains("MIIEvQ"),
            "{printed}"
        );
        assert!(printed.contains("@news"));
    }

    #[test]
    fn usernames_come_from_names_in_mastodon_form() {
        assert_eq!(username_from_name("Jane Doe"), "jane_doe");
        assert_eq!(username_from_name("María José Núñez"), "maria_jose_nunez");
        assert_eq!(username_from_name("  O'Brien, Pat "), "o_brien_pat");
        assert_eq!(username_from_name("李明"), "author");
        for name in [
            "Jane Doe",
            "María José Núñez",
            "李明",
            "A very long name indeed, far too long",
        ] {
            assert!(is_valid_username(&username_from_name(name)), "{name}");
        }
    }
}
