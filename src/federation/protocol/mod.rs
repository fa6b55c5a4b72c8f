//! Wire JSON only: serde structs named after ActivityStreams types. No database, no I/O.

pub mod actor;
pub mod article;
pub mod collection;
pub mod context;
pub mod inbound;
pub mod posted;
pub mod urls;

use serde::{Deserialize, Serialize};
use url::Url;

/// The audience that makes an object public.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// An image with the text that describes it (`name` is the alt text Mastodon shows).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Url,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Image {
    pub fn new(url: Url, alt: Option<String>) -> Self {
        Image {
            kind: "Image".to_string(),
            media_type: media_type_of(&url),
            url,
            name: alt,
        }
    }
}

/// The media type a URL's extension suggests; Mastodon wants one on attachments.
fn media_type_of(url: &Url) -> Option<String> {
    let ext = url.path().rsplit('.').next()?.to_ascii_lowercase();
    let mime = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => return None,
    };
    Some(mime.to_string())
}
