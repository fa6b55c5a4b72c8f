//! A reply as its author posted it: its text in its language with mentions, hashtags and custom
//! emoji linked, its content warning, its media (behind a warning when sensitive) and what its
//! kind carries. The public thread, its live updates and the admin all show replies with this.
//!
//! Warnings are `<details>` elements, so hidden media stay hidden, and open on a click, without
//! JavaScript.

mod details;
mod inline;
mod media;
mod text;

use maud::{Markup, PreEscaped, html};

pub use self::inline::escape;
use self::inline::{Emoji, Linked, Links};
use crate::{
    domain::reply::presentation::{Presentation, Tag, TagKind},
    http::{media::proxied, views::safe_href},
    state::AppState,
    storage::entities::reply,
};

/// What is shown of one reply below its byline.
pub struct Shown<'a> {
    /// Cleaned HTML.
    pub content_html: &'a str,
    /// The content warning, as plain text.
    pub summary: Option<&'a str>,
    pub sensitive: bool,
    pub presentation: &'a Presentation,
    /// The reply on its server.
    pub original: &'a str,
}

/// The warning a sensitive reply without one of its own gets.
const SENSITIVE: &str = "Sensitive content";

pub fn body(state: &AppState, shown: &Shown) -> Markup {
    let presentation = shown.presentation;
    let content = content(state, shown);
    let has_media = !presentation.attachments.is_empty();
    let media = html! { @if has_media { (media::attachments(state, &presentation.attachments)) } };
    let extra = details::details(&presentation.details, shown.original);
    html! {
        div class="reply-content" lang=[language(presentation)] {
            @if let Some(warning) = shown.summary {
                // A content warning hides everything, the media with the text.
                details class="warning" { summary { (warning) } (content) (media) (extra) }
            } @else if shown.sensitive && has_media {
                (content)
                details class="warning sensitive" { summary { (SENSITIVE) } (media) }
                (extra)
            } @else if shown.sensitive {
                details class="warning sensitive" { summary { (SENSITIVE) } (content) (extra) }
            } @else {
                (content) (media) (extra)
            }
        }
    }
}

/// A stored row as the admin shows it.
pub fn row_body(state: &AppState, row: &reply::Model) -> Markup {
    let presentation = Presentation::from_columns(
        &row.object_type,
        row.language.as_deref(),
        row.attachments.as_deref(),
        row.tags.as_deref(),
        row.details.as_deref(),
    );
    let shown = Shown {
        content_html: &row.content_html,
        summary: row.summary.as_deref(),
        sensitive: row.sensitive,
        presentation: &presentation,
        original: row.url.as_deref().unwrap_or(&row.ap_id),
    };
    body(state, &shown)
}

fn content(state: &AppState, shown: &Shown) -> Markup {
    // Without tags there is nothing to find, and the stored HTML is shown as cleaned (not
    // copied: most replies tag nothing).
    let links = links(state, &shown.presentation.tags);
    if links.is_empty() {
        return html! { div class="e-content" { (PreEscaped(shown.content_html)) } };
    }
    let html = text::linked(shown.content_html, &links);
    html! { div class="e-content" { (PreEscaped(html)) } }
}

/// The tags that can appear in the text, with their links (web URLs only) and emoji images
/// (through the proxy).
fn links(state: &AppState, tags: &[Tag]) -> Links {
    let mut links = Links::default();
    for tag in tags {
        let href = tag
            .href
            .as_ref()
            .and_then(|h| safe_href(h.as_str()))
            .map(str::to_string);
        match (tag.kind, href, &tag.icon) {
            (TagKind::Mention, Some(href), _) => links.mentions.push(Linked {
                name: prefixed(&tag.name, '@'),
                href,
            }),
            (TagKind::Hashtag, Some(href), _) => links.hashtags.push(Linked {
                name: prefixed(&tag.name, '#'),
                href,
            }),
            (TagKind::Emoji, _, Some(icon)) if safe_href(icon.as_str()).is_some() => {
                let code = tag.name.trim_matches(':');
                if !code.is_empty() {
                    links.emoji.push(Emoji {
                        shortcode: format!(":{code}:"),
                        src: proxied(state, icon),
                    });
                }
            }
            _ => {}
        }
    }
    links
}

/// A tag's name with its sign, whether or not its server wrote one.
fn prefixed(name: &str, sign: char) -> String {
    if name.starts_with(sign) {
        name.to_string()
    } else {
        format!("{sign}{name}")
    }
}

/// The language when it looks like a BCP 47 tag; anything else is left out.
fn language(presentation: &Presentation) -> Option<&str> {
    let lang = presentation.language.as_deref()?;
    let plausible = !lang.is_empty()
        && lang.len() <= 35
        && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    plausible.then_some(lang)
}
