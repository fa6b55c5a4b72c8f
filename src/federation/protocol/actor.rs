//! `Organization` / `Person` / `Application` actor documents, as Mastodon reads them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::Image;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub preferred_username: String,
    pub name: String,
    pub summary: String,
    /// The HTML profile, on our host.
    pub url: Url,
    pub inbox: Url,
    pub outbox: Url,
    pub followers: Url,
    pub following: Url,
    pub featured: Url,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<Image>,
    pub published: DateTime<Utc>,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub indexable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub shared_inbox: Url,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: Url,
    pub owner: Url,
    pub public_key_pem: String,
}

/// Another server's actor document, read leniently: only what we need is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteActor {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub inbox: Url,
    /// Usually an object with `sharedInbox`; some servers give a URL instead.
    pub endpoints: Option<Value>,
    /// An object, or (rarely) a list of them.
    pub public_key: Value,
    pub icon: Option<Value>,
    pub url: Option<Value>,
    /// When the account was created, as its server says (any shape: read leniently).
    pub published: Option<Value>,
}

impl RemoteActor {
    /// The account's creation time, when it gives a readable one.
    pub fn published_at(&self) -> Option<DateTime<Utc>> {
        let text = self.published.as_ref()?.as_str()?;
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The shared inbox, when the actor names one.
    pub fn shared_inbox(&self) -> Option<Url> {
        self.endpoints
            .as_ref()?
            .get("sharedInbox")?
            .as_str()?
            .parse()
            .ok()
    }
}

/// A key document, which some servers serve at the key id instead of the whole actor.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDocument {
    pub id: Url,
    pub owner: Url,
    pub public_key_pem: String,
}
