//! Remote actors: fetched (signed by the instance actor), checked, stored, and found again by
//! the key id their signatures name.

use serde_json::Value;
use url::Url;

use super::{
    client::FetchError,
    context::Federation,
    protocol::actor::{KeyDocument, RemoteActor as ActorDocument},
};
use crate::{
    config::host_with_port,
    domain::remote::{self, RemoteActor, RemoteActorData},
    error::AppError,
};

/// Fetches the actor at `url` and stores it.
pub async fn fetch_actor(fed: &Federation, url: &Url) -> Result<RemoteActor, AppError> {
    let document = fetch(fed, url).await?;
    store(fed, url, document).await
}

/// The actor that owns `key_id`: from the database unless `refresh`, else fetched (keys rotate).
pub async fn actor_for_key(
    fed: &Federation,
    key_id: &str,
    refresh: bool,
) -> Result<RemoteActor, AppError> {
    if !refresh && let Some(found) = remote::find_by_key_id(&fed.db, key_id).await? {
        return Ok(found);
    }
    let mut url: Url = key_id
        .parse()
        .map_err(|_| AppError::Signature(format!("keyId `{key_id}` is not a URL")))?;
    url.set_fragment(None);
    let document = fetch(fed, &url).await?;
    if document.get("inbox").is_none() && document.get("owner").is_some() {
        let key: KeyDocument = serde_json::from_value(document)
            .map_err(|e| AppError::Signature(format!("key document unreadable: {e}")))?;
        same_host(&url, &key.owner)?;
        return fetch_actor(fed, &key.owner).await;
    }
    store(fed, &url, document).await
}

async fn fetch(fed: &Federation, url: &Url) -> Result<Value, AppError> {
    let fetched = fed.client.get_json(url, &fed.instance).await;
    fed.metrics.fetch(fetched.is_ok());
    fetched.map_err(|e| match e {
        FetchError::Refused(reason) => AppError::Unprocessable(reason),
        // The actor no longer exists; the inbox treats this apart (a deleted account's Delete).
        gone if gone.is_gone() => AppError::Gone("actor"),
        other => AppError::Signature(format!("cannot fetch {url}: {other}")),
    })
}

async fn store(fed: &Federation, fetched: &Url, document: Value) -> Result<RemoteActor, AppError> {
    let doc: ActorDocument = serde_json::from_value(document)
        .map_err(|e| AppError::Unprocessable(format!("{fetched} is not an actor: {e}")))?;
    same_host(fetched, &doc.id)?;
    same_host(fetched, &doc.inbox)?;
    let (key_id, pem) = public_key(&doc.public_key)
        .ok_or_else(|| AppError::Unprocessable(format!("{fetched} has no usable publicKey")))?;
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
    let data = RemoteActorData {
        name: doc
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| username.clone()),
        username,
        kind: doc.kind.clone(),
        summary: doc.summary.clone().unwrap_or_default(),
        inbox: doc.inbox.clone(),
        shared_inbox: doc
            .shared_inbox()
            .filter(|s| host_with_port(s) == host_with_port(&doc.id)),
        url: doc.url.as_ref().and_then(first_url),
        icon_url: doc
            .icon
            .as_ref()
            .and_then(|i| i.get("url"))
            .and_then(first_url),
        public_key_id: key_id,
        public_key_pem: pem,
        ap_id: doc.id,
    };
    remote::upsert(&fed.db, data).await
}

fn public_key(value: &Value) -> Option<(String, String)> {
    let key = match value {
        Value::Array(keys) => keys.first()?,
        other => other,
    };
    let id = key.get("id")?.as_str()?.to_string();
    let pem = key.get("publicKeyPem")?.as_str()?.to_string();
    Some((id, pem))
}

/// `url` may be a string, a Link object, or a list of either.
fn first_url(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Object(o) => o.get("href").or_else(|| o.get("url")).and_then(first_url),
        Value::Array(items) => items.iter().find_map(first_url),
        _ => None,
    }
}

fn same_host(a: &Url, b: &Url) -> Result<(), AppError> {
    if host_with_port(a) == host_with_port(b) {
        Ok(())
    } else {
        Err(AppError::Unprocessable(format!(
            "{b} is not on the host of {a}"
        )))
    }
}
