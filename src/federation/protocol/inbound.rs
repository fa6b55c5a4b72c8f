//! What other servers send, read leniently (string-or-array fields, objects or ids, missing
//! dates, `contentMap` instead of `content`) into strict types, or rejected with a reason.

use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

use super::{PUBLIC, posted, urls::is_web};
use crate::domain::reply::presentation::{ObjectKind, Presentation};

/// Why a payload is not one of our types. Each reason is stable, for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("no `{0}`")]
    Missing(&'static str),
    #[error("`{0}` is not a URL")]
    NotUrl(&'static str),
    #[error("`{0}` is not an http(s) URL")]
    NotWebUrl(&'static str),
    #[error("not an object (a JSON object is expected)")]
    NotObject,
}

/// A Note-like object: the parts a reply needs.
#[derive(Debug, Clone)]
pub struct InboundObject {
    pub id: Url,
    /// Its type (of a list, the first we show).
    pub kind: String,
    pub attributed_to: Url,
    pub in_reply_to: Option<Url>,
    /// HTML as sent (not yet cleaned).
    pub content: String,
    /// `contentMap`: the same content by language (see [`InboundObject::content_in`]).
    pub content_map: Vec<(String, String)>,
    pub summary: Option<String>,
    pub sensitive: bool,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    /// Its page on its server: http(s) only (anything else is dropped).
    pub url: Option<Url>,
    /// Addressed to the public (or unlisted): only those are shown on a public page.
    pub public: bool,
    /// Its own replies collection: an id, or the collection embedded.
    pub replies: Option<Value>,
    /// Its conversation (FEP-7888 `context`), when given as an http(s) URL.
    pub context: Option<Url>,
    /// Its kind, media, tags and details; the language is the object's own until
    /// [`InboundObject::content_in`] picks one from `contentMap`.
    pub presentation: Presentation,
}

/// An activity's envelope.
#[derive(Debug, Clone)]
pub struct InboundActivity {
    pub id: Url,
    pub kind: String,
    pub actor: Url,
    pub object: Value,
}

/// The id of a value given as a string, an object with `id`, or a Link with `href`.
pub fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o
            .get("id")
            .or_else(|| o.get("href"))
            .and_then(Value::as_str),
        Value::Array(items) => items.iter().find_map(id_of),
        _ => None,
    }
}

/// Every id in a string-or-object-or-array field.
pub fn ids_of(value: &Value) -> Vec<&str> {
    match value {
        Value::Array(items) => items.iter().filter_map(id_of).collect(),
        Value::Null => Vec::new(),
        other => id_of(other).into_iter().collect(),
    }
}

fn url_field(value: &Value, name: &'static str) -> Result<Url, Rejection> {
    let id = id_of(&value[name]).ok_or(Rejection::Missing(name))?;
    id.parse().map_err(|_| Rejection::NotUrl(name))
}

/// An id that will be fetched, stored and linked to: it must be http(s).
fn web_field(value: &Value, name: &'static str) -> Result<Url, Rejection> {
    let url = url_field(value, name)?;
    if is_web(&url) {
        Ok(url)
    } else {
        Err(Rejection::NotWebUrl(name))
    }
}

pub(super) fn date(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

fn is_public(audience: &str) -> bool {
    matches!(audience, PUBLIC | "as:Public" | "Public")
}

/// The HTML of an object: `content`, else the first `contentMap` entry, else its `name`.
fn content_of(value: &Value) -> String {
    if let Some(content) = value["content"].as_str() {
        return content.to_string();
    }
    if let Some(first) = value["contentMap"]
        .as_object()
        .and_then(|m| m.values().find_map(Value::as_str))
    {
        return first.to_string();
    }
    value["name"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_default()
}

impl InboundObject {
    pub fn parse(value: &Value) -> Result<Self, Rejection> {
        if !value.is_object() {
            return Err(Rejection::NotObject);
        }
        let kind = posted::type_of(value)
            .ok_or(Rejection::Missing("type"))?
            .to_string();
        let object_kind = ObjectKind::parse(&kind).unwrap_or_default();
        let audience: Vec<&str> = ids_of(&value["to"])
            .into_iter()
            .chain(ids_of(&value["cc"]))
            .collect();
        Ok(InboundObject {
            id: web_field(value, "id")?,
            attributed_to: web_field(value, "attributedTo")?,
            in_reply_to: match id_of(&value["inReplyTo"]) {
                Some(_) => Some(web_field(value, "inReplyTo")?),
                None => None,
            },
            content: content_of(value),
            content_map: posted::content_map(value),
            summary: value["summary"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            sensitive: value["sensitive"].as_bool().unwrap_or(false),
            published: date(&value["published"]),
            updated: date(&value["updated"]),
            url: posted::page_url(value, object_kind),
            public: audience.iter().any(|a| is_public(a)),
            replies: value.get("replies").filter(|r| !r.is_null()).cloned(),
            context: id_of(&value["context"]).and_then(crate::domain::links::web),
            presentation: posted::read(value, object_kind),
            kind,
        })
    }

    /// Whether it is of a type we show (a reply of any other type is refused).
    pub fn is_reply_type(&self) -> bool {
        ObjectKind::parse(&self.kind).is_some()
    }

    /// The content to keep on a site written in `site_language`, and its language.
    pub fn content_in(&self, site_language: &str) -> (&str, Option<String>) {
        posted::pick_content(
            &self.content,
            &self.content_map,
            self.presentation.language.as_deref(),
            site_language,
        )
    }

    /// The id of its replies collection, when it has one (and it is http(s)).
    pub fn replies_url(&self) -> Option<Url> {
        self.replies
            .as_ref()
            .and_then(id_of)
            .and_then(crate::domain::links::web)
    }
}

impl InboundActivity {
    pub fn parse(value: &Value) -> Result<Self, Rejection> {
        if !value.is_object() {
            return Err(Rejection::NotObject);
        }
        Ok(InboundActivity {
            id: url_field(value, "id")?,
            kind: value["type"]
                .as_str()
                .ok_or(Rejection::Missing("type"))?
                .to_string(),
            actor: url_field(value, "actor")?,
            object: value
                .get("object")
                .cloned()
                .ok_or(Rejection::Missing("object"))?,
        })
    }
}
