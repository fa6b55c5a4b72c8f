//! One feed entry read into the fields of a story: the same [`StoryInput`] an editor's file or
//! the API gives, so it is validated and rendered (HTML cleaned) by the one story pipeline.

use chrono::{DateTime, Utc};
use feed_rs::model::Entry;
use sha2::{Digest, Sha256};
use url::Url;

use crate::domain::{
    reply::sanitize::plain_text,
    story::{StoryInput, markdown::truncate_words},
};

const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 500;
const MAX_BODY_BYTES: usize = 150_000;
const MAX_TAGS: usize = 20;
const MAX_AUTHORS: usize = 10;

/// An entry as a story, with what identifies it across polls.
#[derive(Debug, Clone)]
pub struct ImportedEntry {
    /// The entry's id (Atom) or guid (RSS); feed-rs derives one when the feed gives none.
    pub entry_id: String,
    pub input: StoryInput,
    pub published: Option<DateTime<Utc>>,
    /// Changes when anything imported from the entry changes, so an edit is an `Update`.
    pub fingerprint: String,
}

/// Parses a feed document (RSS 2.0, Atom, JSON Feed); the error says why it is not one.
pub fn parse(body: &[u8]) -> Result<feed_rs::model::Feed, String> {
    feed_rs::parser::parse(body).map_err(|e| format!("not a feed: {e}"))
}

/// Second-level labels under which country domains register names (`bbc.co.uk`).
const REGISTRIES: [&str; 10] = [
    "co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go",
];

/// The same site: one address and port, or domains that share their registered name (`www.`
/// and `feeds.` of one newsroom). Without a public-suffix list, `co.uk`-style registries are
/// recognised by their usual second-level labels, so `a.co.uk` and `b.co.uk` differ.
pub fn same_site(a: &Url, b: &Url) -> bool {
    fn site(u: &Url) -> Option<String> {
        let host = u.host_str()?.to_ascii_lowercase();
        if u.domain().is_none() {
            return Some(format!("{host}:{}", u.port_or_known_default().unwrap_or(0)));
        }
        let labels: Vec<&str> = host.trim_end_matches('.').rsplit('.').collect();
        let under_registry =
            labels.len() > 2 && labels[0].len() == 2 && REGISTRIES.contains(&labels[1]);
        let keep = if under_registry { 3 } else { 2 };
        let mut name: Vec<&str> = labels.into_iter().take(keep).collect();
        name.reverse();
        Some(name.join("."))
    }
    site(a).is_some_and(|s| Some(s) == site(b))
}

/// Reads `entry` from the feed at `feed_url`; `default_authors` sign entries that name none.
/// An entry without a usable link on the feed's own site cannot be a canonical article.
pub fn read(
    entry: &Entry,
    feed_url: &Url,
    default_authors: &[String],
) -> Result<ImportedEntry, String> {
    let link = article_link(entry)
        .ok_or_else(|| format!("entry {}: no http(s) link to the article", entry.id))?;
    if !same_site(&link, feed_url) {
        return Err(format!(
            "entry {}: its link {link} is not on the feed's site",
            entry.id
        ));
    }
    let summary_html = entry
        .summary
        .as_ref()
        .map(|t| t.content.clone())
        .unwrap_or_default();
    let full = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .filter(|b| !b.trim().is_empty() && b.len() <= MAX_BODY_BYTES);
    let summary = one_line(&plain_text(&summary_html))
        .or_else(|| full.as_deref().and_then(|f| one_line(&plain_text(f))))
        .map(|s| truncate_words(&s, MAX_SUMMARY));
    let title = entry
        .title
        .as_ref()
        .and_then(|t| one_line(&plain_text(&t.content)))
        .or_else(|| summary.clone())
        .map_or_else(|| "Untitled".to_string(), |t| truncate_words(&t, MAX_TITLE));
    let read_more = format!(
        "<p><a href=\"{}\">Read the full story</a></p>",
        escape_attr(link.as_str())
    );
    let body = match &full {
        Some(full) => full.clone(),
        None if summary_html.trim().is_empty() => read_more,
        None => format!("{summary_html}\n\n{read_more}"),
    };
    let image = super::image::lead_image(entry, full.as_deref().unwrap_or(&summary_html), &link);
    let authors = authors(entry, default_authors);
    let tags = tags(entry);
    let fingerprint = fingerprint(&[
        &title,
        summary.as_deref().unwrap_or_default(),
        &body,
        &authors.join("\n"),
        &tags.join("\n"),
        image.as_ref().map(|(u, _)| u.as_str()).unwrap_or_default(),
        image.as_ref().map(|(_, a)| a.as_str()).unwrap_or_default(),
    ]);
    Ok(ImportedEntry {
        entry_id: entry.id.chars().take(1000).collect(),
        published: entry.published.or(entry.updated),
        input: StoryInput {
            title: Some(title.clone()),
            summary,
            body: Some(body),
            authors,
            tags,
            image_alt: image.as_ref().map(|(_, alt)| alt.clone()),
            image: image.map(|(url, _)| url.to_string()),
            slug: None,
            canonical_url: Some(link.to_string()),
        },
        fingerprint,
    })
}

pub(super) fn one_line(text: &str) -> Option<String> {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// The article's address: the `alternate` link, else the first http(s) one.
fn article_link(entry: &Entry) -> Option<Url> {
    let http = |href: &str| {
        Url::parse(href.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.username().is_empty())
    };
    entry
        .links
        .iter()
        .filter(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .chain(entry.links.iter())
        .find_map(|l| http(&l.href))
}

/// The entry's authors; else the feed's own bylines.
fn authors(entry: &Entry, default_authors: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for person in &entry.authors {
        let Some(name) = person.name.as_deref().and_then(one_line) else {
            continue;
        };
        // RSS `<author>` is an address, often "ana@example.com (Ana Ruiz)".
        let name = match (name.find('('), name.rfind(')')) {
            (Some(open), Some(close)) if open < close => name[open + 1..close].trim().to_string(),
            _ => name,
        };
        let name: String = name.chars().take(100).collect();
        if !name.is_empty() && !name.contains('@') && !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        names = default_authors.to_vec();
    }
    names.truncate(MAX_AUTHORS);
    names
}

/// Categories as hashtags: words joined in CamelCase ("City Hall" → `CityHall`).
fn tags(entry: &Entry) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for category in &entry.categories {
        let text = category.label.as_deref().unwrap_or(&category.term);
        let tag: String = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|f| f.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        let tag: String = tag.chars().take(50).collect();
        let valid = !tag.is_empty() && !tag.chars().all(char::is_numeric);
        if valid && !tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag);
        }
    }
    tags.truncate(MAX_TAGS);
    tags
}

fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{parse, read, same_site};

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Gazette</title><link>https://www.gazette.example/</link>
<item><title>Bridge &amp; tunnel</title><link>https://www.gazette.example/a/bridge</link>
<guid isPermaLink="false">g-1</guid><dc:creator>Ana Ruiz</dc:creator>
<category>City Hall</category><category>2026</category>
<description>&lt;p&gt;The &lt;b&gt;bridge&lt;/b&gt; opens.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description>
<media:content url="https://cdn.gazette.example/bridge.jpg" medium="image" type="image/jpeg"><media:description>The new bridge at dusk</media:description></media:content>
</item>
<item><title>No link</title><guid>g-2</guid></item>
<item><title>Elsewhere</title><link>https://evil.example/x</link></item>
</channel></rss>"#;

    #[test]
    fn an_rss_item_becomes_story_fields() {
        let feed = parse(RSS.as_bytes()).unwrap();
        let site = "https://feeds.gazette.example/rss".parse().unwrap();
        let entry = read(&feed.entries[0], &site, &["Desk".into()]).unwrap();
        let input = entry.input;
        assert_eq!(entry.entry_id, "g-1");
        assert_eq!(input.title.as_deref(), Some("Bridge & tunnel"));
        assert_eq!(input.summary.as_deref(), Some("The bridge opens."));
        assert_eq!(input.authors, ["Ana Ruiz"]);
        assert_eq!(input.tags, ["CityHall"]);
        assert_eq!(
            input.image.as_deref(),
            Some("https://cdn.gazette.example/bridge.jpg")
        );
        assert_eq!(input.image_alt.as_deref(), Some("The new bridge at dusk"));
        assert_eq!(
            input.canonical_url.as_deref(),
            Some("https://www.gazette.example/a/bridge")
        );
        assert!(input.body.unwrap().contains("Read the full story"));
        assert!(read(&feed.entries[1], &site, &[]).is_err());
        assert!(read(&feed.entries[2], &site, &[]).is_err());
    }

    #[test]
    fn the_first_image_of_the_content_is_the_fallback() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id><updated>2026-01-01T00:00:00Z</updated>
<entry><id>urn:e</id><title>Storm</title><updated>2026-01-01T00:00:00Z</updated><link href="http://127.0.0.1:9/s"/>
<author><name>Bo Li</name></author>
<content type="html">&lt;p&gt;Text&lt;/p&gt;&lt;img alt="Waves on the pier" src="/img/waves.jpg"&gt;</content></entry></feed>"#;
        let feed = parse(atom.as_bytes()).unwrap();
        let site = "http://127.0.0.1:9/atom.xml".parse().unwrap();
        let entry = read(&feed.entries[0], &site, &[]).unwrap();
        assert_eq!(
            entry.input.image.as_deref(),
            Some("http://127.0.0.1:9/img/waves.jpg")
        );
        assert_eq!(entry.input.image_alt.as_deref(), Some("Waves on the pier"));
        assert_eq!(entry.input.authors, ["Bo Li"]);
        assert!(same_site(&"http://127.0.0.1:9/a".parse().unwrap(), &site));
        assert!(!same_site(&"http://127.0.0.1:10/a".parse().unwrap(), &site));
        let url = |u: &str| -> url::Url { u.parse().unwrap() };
        assert!(same_site(
            &url("https://www.bbc.co.uk/a"),
            &url("https://feeds.bbc.co.uk/rss")
        ));
        assert!(!same_site(
            &url("https://evil.co.uk/a"),
            &url("https://feeds.bbc.co.uk/rss")
        ));
        assert!(!same_site(
            &url("https://gazette.example.evil.example/"),
            &url("https://gazette.example/")
        ));
        assert!(parse(b"<html>not a feed</html>").is_err());
        let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "j1", "url": "http://127.0.0.1:9/j", "title": "Tide", "content_html": "<p>High</p>", "authors": [{"name": "Cy Diaz"}], "tags": ["Coast"]}]}"#;
        let feed = parse(json).unwrap();
        let entry = read(&feed.entries[0], &site, &[]).unwrap();
        assert_eq!(entry.entry_id, "j1");
        assert_eq!(entry.input.authors, ["Cy Diaz"]);
        assert_eq!(entry.input.tags, ["Coast"]);
        assert_eq!(
            entry.input.canonical_url.as_deref(),
            Some("http://127.0.0.1:9/j")
        );
    }
}
