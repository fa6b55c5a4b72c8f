//! The federation runtime shared by the inbox, fetches and the delivery worker: the HTTP client,
//! parsed keys (parsing a PEM costs more than a signature, so each is parsed once), and the
//! signal that wakes the delivery worker.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::Context;
use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::Notify;

use super::{
    client::{HttpClient, Signer},
    signatures::keys::{SigningKey, VerifyingKey},
};
use crate::{config::Settings, domain::actor};

/// Remote keys kept in memory; past this the cache starts over (keys are in the database too).
const MAX_CACHED_KEYS: usize = 50_000;

pub struct Federation {
    pub client: HttpClient,
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    /// Signs every outgoing GET, so servers with authorized fetch answer us.
    pub instance: Arc<Signer>,
    /// Private keys of our actors by row id, parsed on first use.
    signers: Mutex<HashMap<i64, Arc<Signer>>>,
    /// Remote public keys by key id, parsed on first use.
    keys: Mutex<HashMap<String, (String, VerifyingKey)>>,
    /// Notified when deliveries are queued or finish, so the worker need not wait for its poll.
    pub wake: Notify,
    /// Notified when inbox work is queued for the inbox worker.
    pub jobs: Notify,
    /// Notified when a blocklist subscription is added, so it is fetched at once.
    pub blocklists: Notify,
    /// Notified when a feed is subscribed or asked for early, so the poller need not wait.
    pub feeds: Notify,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Signs the media proxy's URLs (see `http::media`), so it serves only what our pages
    /// link to. Derived from the instance actor's key: the same on every replica, never stored.
    pub media_key: ring::hmac::Key,
    /// Key fetches remembered for the cool-down (see `remote_actors::fetch_key_owner`).
    pub key_fetches: super::remote_actors::KeyFetches,
    /// Conversation changes, for live story pages (see `http::live`): this process's and,
    /// through `cluster`, the other replicas'.
    pub events: tokio::sync::broadcast::Sender<crate::domain::reply::ThreadEvent>,
    /// What the inbox reads for every request, kept in memory (see `memo`).
    pub memo: super::memo::Memo,
    /// Writes replies from other servers in batches (see `domain::reply::intake`).
    pub intake: crate::domain::reply::intake::Intake,
    /// What in-memory caches must drop (see [`Invalidation`]), wherever it changed.
    pub invalidations: tokio::sync::broadcast::Sender<Invalidation>,
    /// Tells the other replicas on the same database what `announce` and `invalidate` say here.
    pub cluster: super::cluster::Cluster,
}

/// A change that makes something kept in memory stale: announced by whoever made the change,
/// after it is committed, and heard by every cache that holds what it names, on every replica.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Invalidation {
    /// Blocks, keyword rules, instance policies or the moderation mode changed.
    Moderation,
    /// A remote actor changed (key, approval, deletion); `None` for any number of them.
    RemoteActor(Option<i64>),
    /// A story changed (edited, closed, deleted, its quote policy); `None` for any.
    Story(Option<i64>),
}

impl Federation {
    /// Announces a committed change to a conversation, here and to the other replicas.
    /// Nobody listening is fine.
    pub fn announce(&self, story_id: i64, reply_id: i64, kind: crate::domain::reply::ThreadChange) {
        let event = crate::domain::reply::ThreadEvent {
            story_id,
            reply_id,
            kind,
        };
        let _ = self.events.send(event);
        self.cluster.publish(event.into());
    }
}

/// A key for signing media URLs, derived from (and as secret as) the instance actor's key.
pub fn media_key(private_key_pem: &str) -> ring::hmac::Key {
    let seed = ring::digest::digest(
        &ring::digest::SHA256,
        format!("broadsheet media proxy\n{private_key_pem}").as_bytes(),
    );
    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, seed.as_ref())
}

/// Conversation changes reach open story pages through the live-update channel.
impl crate::domain::reply::accept::ReplyEvents for Federation {
    fn conversation_changed(
        &self,
        story_id: i64,
        reply_id: i64,
        change: crate::domain::reply::ThreadChange,
    ) {
        self.announce(story_id, reply_id, change);
    }
}

impl Federation {
    /// Tells every cache, here and on the other replicas, that `what` changed (call it after
    /// the commit). Nobody listening is fine.
    pub fn invalidate(&self, what: Invalidation) {
        // This process's copies go now, before the caller answers: its next request must see
        // the change. The broadcast reaches the other caches and, through it, other replicas.
        super::memo::drop_what(&what);
        let _ = self.invalidations.send(what.clone());
        self.cluster
            .publish(super::cluster::notice::Notice::Invalidate(what));
    }
}

impl Federation {
    pub async fn new(db: DatabaseConnection, settings: Arc<Settings>) -> anyhow::Result<Arc<Self>> {
        let instance = actor::instance_actor(&db).await?;
        let urls = crate::domain::ids::Urls::new(&settings.public_url);
        let delivery = &settings.delivery;
        let client = HttpClient::new(
            &settings,
            Duration::from_secs(delivery.timeout_secs),
            Duration::from_secs(delivery.connect_timeout_secs),
            Duration::from_millis(delivery.unproven_connect_timeout_ms),
        )?;
        let signer = Signer {
            key_id: urls.key_id(&instance.ap_id).to_string(),
            key: SigningKey::from_pem(&instance.private_key_pem).context("instance actor key")?,
        };
        let key_fetches = super::remote_actors::KeyFetches::new(Duration::from_secs(
            settings.inbox.key_refresh_cooldown_secs,
        ));
        let media_key = media_key(&instance.private_key_pem);
        let invalidations = tokio::sync::broadcast::channel(256).0;
        tokio::spawn(super::memo::follow_invalidations(invalidations.subscribe()));
        let cluster =
            super::cluster::Cluster::new(db.get_database_backend() == DbBackend::Postgres);
        Ok(Arc::new(Federation {
            cluster,
            media_key,
            intake: crate::domain::reply::intake::Intake::start(db.clone()),
            client,
            settings,
            db,
            instance: Arc::new(signer),
            signers: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            jobs: Notify::new(),
            blocklists: Notify::new(),
            feeds: Notify::new(),
            metrics: Arc::new(crate::metrics::Metrics::new()),
            key_fetches,
            events: tokio::sync::broadcast::channel(1024).0,
            invalidations,
            memo: super::memo::Memo::default(),
        }))
    }

    /// The signer for local actor `actor_id`.
    pub async fn signer(&self, actor_id: i64) -> anyhow::Result<Arc<Signer>> {
        if let Some(found) = self
            .signers
            .lock()
            .ok()
            .and_then(|m| m.get(&actor_id).cloned())
        {
            return Ok(found);
        }
        let actor = actor::find_by_id(&self.db, actor_id)
            .await?
            .with_context(|| format!("no local actor {actor_id} to sign with"))?;
        let urls = crate::domain::ids::Urls::new(&self.settings.public_url);
        let signer = Arc::new(Signer {
            key_id: urls.key_id(&actor.ap_id).to_string(),
            key: SigningKey::from_pem(&actor.private_key_pem)?,
        });
        if let Ok(mut map) = self.signers.lock() {
            map.insert(actor_id, signer.clone());
        }
        Ok(signer)
    }

    /// The parsed form of `pem`, cached under `key_id` (re-parsed when the PEM changed).
    pub fn verifying_key(&self, key_id: &str, pem: &str) -> anyhow::Result<VerifyingKey> {
        if let Ok(map) = self.keys.lock()
            && let Some((cached_pem, key)) = map.get(key_id)
            && cached_pem == pem
        {
            return Ok(key.clone());
        }
        let key = VerifyingKey::from_pem(pem)?;
        if let Ok(mut map) = self.keys.lock() {
            if map.len() >= MAX_CACHED_KEYS {
                map.clear();
            }
            map.insert(key_id.to_string(), (pem.to_string(), key.clone()));
        }
        Ok(key)
    }
}
