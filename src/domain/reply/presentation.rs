//! How a reply was posted, beyond its text: what kind of object it is, its language, its media
//! (with alt text), its mentions, hashtags and custom emoji, and what some kinds carry (an
//! event's time and place, a poll's options). Read from the wire by the federation layer, stored
//! with the reply as JSON, and shown by the page. Every URL here is http(s): the reader that
//! builds these values drops any other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// The kinds of object that are shown as replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ObjectKind {
    #[default]
    Note,
    Article,
    Page,
    Image,
    Video,
    Audio,
    Event,
    Document,
    Question,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 9] = [
        ObjectKind::Note,
        ObjectKind::Article,
        ObjectKind::Page,
        ObjectKind::Image,
        ObjectKind::Video,
        ObjectKind::Audio,
        ObjectKind::Event,
        ObjectKind::Document,
        ObjectKind::Question,
    ];

    /// The ActivityStreams type name.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Note => "Note",
            ObjectKind::Article => "Article",
            ObjectKind::Page => "Page",
            ObjectKind::Image => "Image",
            ObjectKind::Video => "Video",
            ObjectKind::Audio => "Audio",
            ObjectKind::Event => "Event",
            ObjectKind::Document => "Document",
            ObjectKind::Question => "Question",
        }
    }

    pub fn parse(name: &str) -> Option<ObjectKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// What a media attachment is, by its declared or sniffed type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    /// Anything else: shown as a link with its name.
    Other,
}

/// One attachment as its author posted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub url: Url,
    pub kind: MediaKind,
    pub media_type: Option<String>,
    /// The alt text (ActivityStreams `name`).
    pub description: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub blurhash: Option<String>,
    /// Mastodon's focal point, each coordinate in -1.0..=1.0.
    pub focal_point: Option<(f32, f32)>,
}

/// What a tag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagKind {
    Mention,
    Hashtag,
    Emoji,
}

/// A mention (`name` `@user@host`, `href` the account), a hashtag (`name` `#tag`, `href` its
/// page), or a custom emoji (`name` `:shortcode:`, `icon` its image).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    pub kind: TagKind,
    pub name: String,
    pub href: Option<Url>,
    pub icon: Option<Url>,
}

/// One option of a poll, with its votes so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollOption {
    pub name: String,
    pub votes: u64,
}

/// What some kinds of object carry besides text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum Details {
    #[default]
    None,
    Event {
        /// The event's title (its `name`).
        #[serde(default)]
        name: Option<String>,
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
        location: Option<String>,
    },
    Document {
        name: Option<String>,
    },
    Question {
        options: Vec<PollOption>,
        /// Several answers may be chosen (`anyOf`) rather than one (`oneOf`).
        multiple: bool,
        closes_at: Option<DateTime<Utc>>,
    },
}

/// Everything about how a reply was posted, besides its text and warning.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Presentation {
    pub kind: ObjectKind,
    /// BCP 47, from `contentMap`'s key or the object's language.
    pub language: Option<String>,
    pub attachments: Vec<Attachment>,
    pub tags: Vec<Tag>,
    pub details: Details,
}

impl Presentation {
    /// The JSON columns as stored: attachments, tags, details (`None` when empty).
    pub fn to_columns(&self) -> (Option<String>, Option<String>, Option<String>) {
        let json = |v: serde_json::Result<String>| v.ok();
        (
            (!self.attachments.is_empty())
                .then(|| json(serde_json::to_string(&self.attachments)))
                .flatten(),
            (!self.tags.is_empty())
                .then(|| json(serde_json::to_string(&self.tags)))
                .flatten(),
            (self.details != Details::None)
                .then(|| json(serde_json::to_string(&self.details)))
                .flatten(),
        )
    }

    /// Read back from the stored columns; anything unreadable is left out (a row written by
    /// another version must still render).
    pub fn from_columns(
        kind: &str,
        language: Option<&str>,
        attachments: Option<&str>,
        tags: Option<&str>,
        details: Option<&str>,
    ) -> Self {
        Presentation {
            kind: ObjectKind::parse(kind).unwrap_or_default(),
            language: language.map(str::to_string),
            attachments: attachments
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or_default(),
            tags: tags
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default(),
            details: details
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_and_tolerate_garbage() {
        let presentation = Presentation {
            kind: ObjectKind::Image,
            language: Some("de".into()),
            attachments: vec![Attachment {
                url: "https://a.example/m.png".parse().expect("url"),
                kind: MediaKind::Image,
                media_type: Some("image/png".into()),
                description: Some("A cat".into()),
                width: Some(640),
                height: Some(480),
                blurhash: None,
                focal_point: Some((0.1, -0.2)),
            }],
            tags: vec![],
            details: Details::None,
        };
        let (a, t, d) = presentation.to_columns();
        assert!(t.is_none() && d.is_none());
        let back =
            Presentation::from_columns("Image", Some("de"), a.as_deref(), None, Some("not json"));
        assert_eq!(back, presentation);
    }
}
