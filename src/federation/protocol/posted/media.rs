//! Media: an object's `attachment`s, and an Image, Video or Audio object's own `url`.

use serde_json::Value;
use url::Url;

use super::{entries, text, types};
use crate::{
    domain::{
        links::web,
        reply::presentation::{Attachment, MediaKind, ObjectKind},
    },
    federation::protocol::urls::web_url,
};

/// More would not be looked at; Mastodon allows four, Pixelfed a few more.
pub const MAX_ATTACHMENTS: usize = 8;
/// Mastodon's limit for alt text.
const MAX_DESCRIPTION: usize = 1_500;

/// The object's media, its own first (when it is an Image, Video or Audio), web URLs only.
pub fn attachments(object: &Value, kind: ObjectKind) -> Vec<Attachment> {
    let own = media_kind_of(kind).and_then(|want| attachment(object, want, None));
    own.into_iter()
        .chain(entries(&object["attachment"]).iter().filter_map(listed))
        .take(MAX_ATTACHMENTS)
        .collect()
}

/// The object's page: for a media object only a `text/html` link (its other URLs are the
/// media), for anything else its `url` as read everywhere.
pub fn page_url(object: &Value, kind: ObjectKind) -> Option<Url> {
    if media_kind_of(kind).is_none() {
        return web_url(&object["url"]);
    }
    entries(&object["url"])
        .iter()
        .filter(|link| media_type(link).as_deref() == Some("text/html"))
        .find_map(web_url)
}

/// One entry of `attachment`: a Document, Image, Video, Audio or Link (a profile's
/// `PropertyValue` and the like are not media).
fn listed(value: &Value) -> Option<Attachment> {
    let by_type = types(value).find_map(|name| match name {
        "Image" => Some(MediaKind::Image),
        "Video" => Some(MediaKind::Video),
        "Audio" => Some(MediaKind::Audio),
        "Document" | "Link" => Some(MediaKind::Other),
        _ => None,
    })?;
    let declared = media_type(value);
    let want = declared.as_deref().map_or(by_type, by_media_type);
    attachment(value, want, declared)
}

/// `value` as media of kind `want`, with the media type it declares for itself (an object's
/// own `mediaType` is that of its content, so the caller decides whether it counts).
fn attachment(value: &Value, want: MediaKind, declared: Option<String>) -> Option<Attachment> {
    let link = value.get("href").map_or(&value["url"], |_| value);
    let (url, linked_type) = media_url(link, want)?;
    let media_type = declared.or(linked_type);
    Some(Attachment {
        url,
        kind: media_type.as_deref().map_or(want, by_media_type),
        media_type,
        description: text(&value["name"], MAX_DESCRIPTION),
        width: dimension(&value["width"]),
        height: dimension(&value["height"]),
        blurhash: text(&value["blurhash"], 100).filter(|b| b.is_ascii()),
        focal_point: focal_point(&value["focalPoint"]),
    })
}

/// The URL to load for media of kind `want` from a string, a Link, or a list of them: a link
/// whose type is of that kind (PeerTube nests its files in a playlist link's `tag`), else the
/// first that is not a page.
fn media_url(value: &Value, want: MediaKind) -> Option<(Url, Option<String>)> {
    match value {
        Value::String(s) => web(s).map(|url| (url, None)),
        Value::Object(o) if !o.contains_key("href") => {
            o.get("url").and_then(|u| media_url(u, want))
        }
        Value::Object(_) => {
            let href = value["href"].as_str().and_then(web)?;
            Some((href, media_type(value)))
        }
        Value::Array(items) => {
            let nested = items.iter().flat_map(|i| entries(&i["tag"]));
            let all: Vec<&Value> = items.iter().chain(nested).collect();
            let of_kind = |v: &&Value| {
                want != MediaKind::Other && media_type(v).is_some_and(|t| by_media_type(&t) == want)
            };
            let not_page = |v: &&Value| media_type(v).as_deref() != Some("text/html");
            let of_kind = all.iter().copied().filter(of_kind);
            let mut chosen = of_kind.chain(all.iter().copied().filter(not_page));
            chosen.find_map(|v| media_url(v, want))
        }
        _ => None,
    }
}

fn media_kind_of(kind: ObjectKind) -> Option<MediaKind> {
    match kind {
        ObjectKind::Image => Some(MediaKind::Image),
        ObjectKind::Video => Some(MediaKind::Video),
        ObjectKind::Audio => Some(MediaKind::Audio),
        _ => None,
    }
}

fn by_media_type(media_type: &str) -> MediaKind {
    match media_type.split('/').next() {
        Some("image") => MediaKind::Image,
        Some("video") => MediaKind::Video,
        Some("audio") => MediaKind::Audio,
        _ => MediaKind::Other,
    }
}

/// A `type/subtype`, lower-cased; anything else is left out.
fn media_type(value: &Value) -> Option<String> {
    let text = value.get("mediaType")?.as_str()?.trim();
    let sane =
        text.len() <= 100 && text.contains('/') && text.bytes().all(|b| b.is_ascii_graphic());
    sane.then(|| text.to_ascii_lowercase())
}

fn dimension(value: &Value) -> Option<u32> {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
}

/// Mastodon's `[x, y]`, each in -1.0..=1.0.
fn focal_point(value: &Value) -> Option<(f32, f32)> {
    let [x, y] = value.as_array()?.as_slice() else {
        return None;
    };
    let coordinate = |v: &Value| {
        v.as_f64()
            .filter(|c| (-1.0..=1.0).contains(c))
            .map(|c| c as f32)
    };
    Some((coordinate(x)?, coordinate(y)?))
}
