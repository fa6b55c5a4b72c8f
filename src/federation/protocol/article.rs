//! A story on the wire: an `Article`, and the `Tombstone` left when it is deleted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{Image, collection::OrderedCollection};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub attributed_to: Url,
    /// The headline.
    pub name: String,
    /// The teaser Mastodon shows under the headline, as plain text.
    pub summary: String,
    /// The full story as HTML, byline first.
    pub content: String,
    pub media_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_map: Option<Value>,
    /// The HTML permalink.
    pub url: Url,
    pub published: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub tag: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    pub attachment: Vec<Image>,
    pub replies: OrderedCollection,
    /// The conversation (FEP-7888): a collection of the story and the replies it shows.
    #[serde(rename = "context")]
    pub conversation: Url,
    pub sensitive: bool,
    pub interaction_policy: Value,
}

/// `Hashtag` and `Mention` entries of `tag`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tag {
    #[serde(rename = "type")]
    pub kind: String,
    pub href: Url,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub former_type: String,
    pub deleted: DateTime<Utc>,
}
