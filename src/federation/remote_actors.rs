//! Remote actors: fetched (signed by the instance actor) through the origin rules, checked,
//! stored, and found again by the key id their signatures name.
//!
//! An actor document is believed only from its own origin ([`origin::fetch`]); its inbox,
//! shared inbox and key must be on that origin too. Our own host is never fetched, and the
//! storage layer refuses to overwrite a local actor whatever reaches it.

use std::time::{Duration, Instant};

use serde_json::Value;
use url::Url;

use super::{
    client::FetchError,
    context::Federation,
    origin::{self, Authoritative, same_origin},
    protocol::{actor::RemoteActor as ActorDocument, urls::web_url},
};
use crate::{
    domain::remote::{self, RemoteActor, RemoteActorData},
    error::AppError,
};

/// Fetches the actor at `url` and stores it.
pub async fn fetch_actor(fed: &Federation, url: &Url) -> Result<RemoteActor, AppError> {
    let fetched = origin::fetch(fed, url)
        .await
        .map_err(|e| fetch_error(url, e))?;
    store(fed, fetched, None).await
}

/// The actor that owns `key_id`, fetched now (the caller decides when a fetch is due).
/// A failed fetch of a key is not repeated within the cool-down, so a flood of requests naming
/// one key costs its host one request.
pub async fn fetch_key_owner(fed: &Federation, key_id: &str) -> Result<RemoteActor, AppError> {
    let url = key_url(key_id)?;
    if !fed.key_fetches.try_start(url.as_str()) {
        return Err(AppError::Signature(format!(
            "the key {key_id} was fetched moments ago; retry later"
        )));
    }
    let fetched = origin::fetch(fed, &url)
        .await
        .map_err(|e| fetch_error(&url, e))?;
    let owner = key_owner(&fetched)?;
    let actor_document = match owner {
        // A key document: its owner must be on the key's origin, and is fetched in turn.
        Some(owner) => {
            if !same_origin(&fetched.id, &owner) {
                return Err(AppError::Signature(format!(
                    "the key {key_id} names an owner on another host"
                )));
            }
            origin::fetch(fed, &owner)
                .await
                .map_err(|e| fetch_error(&owner, e))?
        }
        None => fetched,
    };
    store(fed, actor_document, Some(key_id)).await
}

/// The URL to fetch for a key id: its fragment removed.
pub fn key_url(key_id: &str) -> Result<Url, AppError> {
    let mut url: Url = key_id
        .parse()
        .map_err(|_| AppError::Signature(format!("keyId `{key_id}` is not a URL")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::Signature(format!(
            "keyId `{key_id}` is not an http(s) URL"
        )));
    }
    url.set_fragment(None);
    Ok(url)
}

/// A stored actor's key may be fetched again (it may have rotated) once the cool-down since
/// its last refresh has passed.
pub fn may_refresh(fed: &Federation, actor: &RemoteActor) -> bool {
    let cooldown = chrono::Duration::seconds(fed.settings.inbox.key_refresh_cooldown_secs as i64);
    chrono::Utc::now() - actor.last_refreshed_at >= cooldown
}

/// `Some(owner)` when the document is a bare key document rather than an actor.
fn key_owner(fetched: &Authoritative) -> Result<Option<Url>, AppError> {
    let doc = &fetched.document;
    if doc.get("inbox").is_some() || doc.get("publicKeyPem").is_none() {
        return Ok(None);
    }
    doc.get("owner")
        .and_then(Value::as_str)
        .and_then(|o| o.parse().ok())
        .map(Some)
        .ok_or_else(|| AppError::Signature("the key document names no owner".into()))
}

fn fetch_error(url: &Url, err: FetchError) -> AppError {
    match err {
        FetchError::Refused(reason) => AppError::Unprocessable(reason),
        // The actor no longer exists; the inbox treats this apart (a deleted account's Delete).
        gone if gone.is_gone() => AppError::Gone("actor"),
        other => AppError::Signature(format!("cannot fetch {url}: {other}")),
    }
}

/// Checks an authoritative actor document against its own origin and stores it. `key_id`,
/// when given, is the key the caller needs: it must be among the actor's keys.
async fn store(
    fed: &Federation,
    fetched: Authoritative,
    key_id: Option<&str>,
) -> Result<RemoteActor, AppError> {
    let id = fetched.id.clone();
    let doc: ActorDocument = serde_json::from_value(fetched.document)
        .map_err(|e| AppError::Unprocessable(format!("{id} is not an actor: {e}")))?;
    let refuse = |why: String| Err(AppError::Unprocessable(why));
    if doc.id != id {
        return refuse(format!("{id} claims to be {}", doc.id));
    }
    if origin::is_ours(&fed.settings, &doc.id) {
        return refuse(format!("{id} is on our own host"));
    }
    if !same_origin(&id, &doc.inbox) {
        return refuse(format!("the inbox of {id} is on another host"));
    }
    let key = public_key(&doc, key_id)?;
    let published = doc.published_at();
    let stored = remote::upsert(&fed.db, &fed.settings.domain(), actor_data(doc, key)).await?;
    // Kept for the desk's triage (how old the account is), apart from what identifies it.
    remote::set_account_published(&fed.db, stored.id, published).await?;
    // Its key or inbox may have changed: no replica may keep verifying with the old one.
    fed.invalidate(super::context::Invalidation::RemoteActor(Some(stored.id)));
    Ok(stored)
}

/// What we keep of a checked actor document, with its chosen key (id, PEM).
fn actor_data(
    doc: ActorDocument,
    (public_key_id, public_key_pem): (String, String),
) -> RemoteActorData {
    let username = doc
        .preferred_username
        .clone()
        .filter(|u| !u.is_empty())
        .or_else(|| {
            doc.id
                .path_segments()
                .and_then(|mut s| s.next_back())
                .map(str::to_string)
        })
        .unwrap_or_default();
    RemoteActorData {
        name: doc
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| username.clone()),
        username,
        kind: doc.kind.clone(),
        summary: doc.summary.clone().unwrap_or_default(),
        inbox: doc.inbox.clone(),
        shared_inbox: doc.shared_inbox().filter(|s| same_origin(s, &doc.id)),
        url: doc.url.as_ref().and_then(web_url),
        icon_url: doc
            .icon
            .as_ref()
            .and_then(|i| i.get("url").or_else(|| i.get(0).and_then(|f| f.get("url"))))
            .and_then(web_url),
        public_key_id,
        public_key_pem,
        ap_id: doc.id,
    }
}

/// The actor's key: the one named `key_id` when given, else the first. Its id must be on the
/// actor's origin and its owner, when stated, the actor itself.
fn public_key(doc: &ActorDocument, key_id: Option<&str>) -> Result<(String, String), AppError> {
    let keys: Vec<&Value> = match &doc.public_key {
        Value::Array(keys) => keys.iter().collect(),
        other => vec![other],
    };
    let wanted = |k: &&Value| match key_id {
        Some(wanted) => k.get("id").and_then(Value::as_str) == Some(wanted),
        None => true,
    };
    let key = keys
        .into_iter()
        .find(wanted)
        .ok_or_else(|| AppError::Signature(format!("{} does not hold the key named", doc.id)))?;
    let unusable = || AppError::Unprocessable(format!("{} has no usable publicKey", doc.id));
    let id = key.get("id").and_then(Value::as_str).ok_or_else(unusable)?;
    let pem = key
        .get("publicKeyPem")
        .and_then(Value::as_str)
        .ok_or_else(unusable)?;
    let id_url: Url = id.parse().map_err(|_| unusable())?;
    if !same_origin(&id_url, &doc.id) {
        return Err(AppError::Unprocessable(format!(
            "the key of {} is on another host",
            doc.id
        )));
    }
    if let Some(owner) = key.get("owner").and_then(Value::as_str)
        && owner != doc.id.as_str()
    {
        return Err(AppError::Unprocessable(format!(
            "the key of {} is owned by someone else",
            doc.id
        )));
    }
    Ok((id.to_string(), pem.to_string()))
}

/// Failed key fetches remembered for a cool-down, so repeated requests naming one key do not
/// each make us fetch it. Bounded: past the limit, the oldest half is forgotten.
pub struct KeyFetches {
    cooldown: Duration,
    started: std::sync::Mutex<std::collections::HashMap<String, Instant>>,
}

const MAX_REMEMBERED_KEYS: usize = 20_000;

impl KeyFetches {
    pub fn new(cooldown: Duration) -> Self {
        KeyFetches {
            cooldown,
            started: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// True (and remembered) when `key` was not fetched within the cool-down.
    pub fn try_start(&self, key: &str) -> bool {
        let Ok(mut started) = self.started.lock() else {
            return false;
        };
        let now = Instant::now();
        if let Some(at) = started.get(key)
            && now.duration_since(*at) < self.cooldown
        {
            return false;
        }
        if started.len() >= MAX_REMEMBERED_KEYS {
            let cooldown = self.cooldown;
            started.retain(|_, at| now.duration_since(*at) < cooldown);
            if started.len() >= MAX_REMEMBERED_KEYS {
                started.clear();
            }
        }
        started.insert(key.to_string(), now);
        true
    }
}
