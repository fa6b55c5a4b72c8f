//! Creating our actors, each with its RSA-2048 key pair made once, off the async runtime.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use url::Url;

use super::{LocalActor, Role};
use crate::{
    config::Settings,
    domain::ids::Urls,
    error::AppError,
    storage::{actors, entities::actor},
};

/// Whether this database has no publication yet: the site's first start.
pub async fn is_new_site(db: &DatabaseConnection) -> Result<bool, AppError> {
    Ok(actors::find_by_role(db, Role::Publication.as_str())
        .await?
        .is_none())
}

/// Creates the publication and instance actors when missing. Returns true when the publication
/// was created now, i.e. this is the first start on this database.
#[tracing::instrument(skip_all)]
pub async fn ensure_site_actors(
    db: &DatabaseConnection,
    settings: &Settings,
) -> Result<bool, AppError> {
    let urls = Urls::new(&settings.public_url);
    let no_instance = actors::find_by_role(db, Role::Instance.as_str())
        .await?
        .is_none();
    let no_publication = is_new_site(db).await?;
    // On a first start both keys are made at once, one per core: each takes a few hundred
    // milliseconds, and they are most of the time a new site takes to start.
    let (instance_keys, publication_keys) = tokio::try_join!(
        generate_keys_if(no_instance),
        generate_keys_if(no_publication)
    )?;
    if let Some(keys) = instance_keys {
        let spec = NewActor {
            role: Role::Instance,
            ap_id: urls.instance_actor(),
            username: settings.domain().replace(':', "."),
            name: settings.publication.name.clone(),
            summary: "Signs this site's requests to other servers.".to_string(),
            icon_url: None,
        };
        create(db, &urls, spec, keys).await?;
    }
    let Some(keys) = publication_keys else {
        return Ok(false);
    };
    let handle = settings.publication.handle.clone();
    let spec = NewActor {
        role: Role::Publication,
        ap_id: urls.actor(&handle),
        username: handle,
        name: settings.publication.name.clone(),
        summary: settings.publication.summary.clone(),
        icon_url: settings.publication.icon_url.clone(),
    };
    create(db, &urls, spec, keys).await?;
    Ok(true)
}

async fn generate_keys_if(needed: bool) -> Result<Option<KeyPair>, AppError> {
    match needed {
        true => generate_keys().await.map(Some),
        false => Ok(None),
    }
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
