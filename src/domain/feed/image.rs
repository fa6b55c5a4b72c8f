//! An entry's lead image and its description, from wherever the feed put them.

use feed_rs::model::{Entry, MediaObject};
use url::Url;

use super::entry::one_line;
use crate::domain::{reply::sanitize::plain_text, story::markdown::truncate_words};

/// The lead image and its description: `media:content`, `media:thumbnail`, an image
/// enclosure, else the first `<img>` of the content. Without a description, the title serves.
pub(super) fn lead_image(entry: &Entry, html: &str, link: &Url) -> Option<(Url, String)> {
    let title = entry.title.as_ref().map(|t| plain_text(&t.content));
    let described = |media: &MediaObject| {
        media
            .description
            .as_ref()
            .or(media.title.as_ref())
            .and_then(|t| one_line(&plain_text(&t.content)))
    };
    let from_media = entry.media.iter().find_map(|m| {
        let content = m.content.iter().find_map(|c| {
            let is_image = c
                .content_type
                .as_ref()
                .is_none_or(|t| t.ty().as_str() == "image");
            c.url.clone().filter(|_| is_image)
        });
        let thumbnail = || {
            m.thumbnails
                .iter()
                .find_map(|t| Url::parse(&t.image.uri).ok())
        };
        content.or_else(thumbnail).map(|url| (url, described(m)))
    });
    let (url, alt) = from_media.or_else(|| first_img(html, link))?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let alt = alt.or(title).and_then(|a| one_line(&a))?;
    Some((url, truncate_words(&alt, 1000)))
}

/// The first `<img>`'s `src` (resolved against the article) and `alt`. A light scan: the URL
/// is parsed and checked afterwards, and the content itself goes through the cleaner.
fn first_img(html: &str, base: &Url) -> Option<(Url, Option<String>)> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<img")?;
    let end = start + lower[start..].find('>')?;
    let tag = &html[start..end];
    let src = attribute(tag, "src")?;
    let url = base.join(&src).ok()?;
    Some((url, attribute(tag, "alt")))
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before = lower[..at].chars().last();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start().strip_prefix('=')?.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        let value = match quote {
            Some(q) => rest[1..].split(q).next()?,
            None => rest.split(|c: char| c.is_whitespace() || c == '/').next()?,
        };
        return Some(plain_text(value));
    }
    None
}
