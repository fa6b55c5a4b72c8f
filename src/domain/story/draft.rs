//! What an editor sends (from a Markdown file or the API), and its validation into a
//! [`StoryDraft`] that the use cases can store without further checks.

use serde::Deserialize;
use url::Url;

use super::{markdown, slug};
use crate::error::{AppError, FieldErrors};

const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 500;
const MAX_BODY_BYTES: usize = 200_000;
const MAX_AUTHORS: usize = 10;
const MAX_TAGS: usize = 20;
const MAX_TAG: usize = 50;
const TEASER_LEN: usize = 280;

/// Unchecked story fields. Every field is optional here so that a missing one is reported with
/// the others, by name, instead of stopping at the first.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryInput {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// An absolute http(s) URL, or a path on this site such as `/static/photo.jpg`.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub slug: Option<String>,
    /// The article's home on the newsroom's own site: an absolute http(s) URL.
    pub canonical_url: Option<String>,
}

/// A lead image and the text that describes it to people who cannot see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryImage {
    pub url: Url,
    pub alt: String,
}

/// A validated story, ready to store.
#[derive(Debug, Clone)]
pub struct StoryDraft {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub content_html: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub image: Option<StoryImage>,
    /// `None`: derive one from the title when storing.
    pub slug: Option<String>,
    /// Where the full story lives when its home is the newsroom's own site.
    pub canonical_url: Option<Url>,
    /// When it was first published elsewhere (an imported feed entry); `None`: now.
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl StoryInput {
    /// Checks every field; `site` resolves image paths.
    pub fn validate(self, site: &Url) -> Result<StoryDraft, AppError> {
        let mut errors = FieldErrors::default();
        let title = required_text(&mut errors, "title", self.title, MAX_TITLE);
        let body = self.body.map(|b| b.trim().to_string()).unwrap_or_default();
        if body.is_empty() {
            errors.add("body", "is required: the story's text, in Markdown");
        } else if body.len() > MAX_BODY_BYTES {
            errors.add("body", format!("is longer than {MAX_BODY_BYTES} bytes"));
        }
        let summary = optional_text(&mut errors, "summary", self.summary, MAX_SUMMARY)
            .unwrap_or_else(|| {
                markdown::truncate_words(&markdown::first_paragraph_text(&body), TEASER_LEN)
            });
        let authors = validate_authors(&mut errors, self.authors);
        let tags = validate_tags(&mut errors, self.tags);
        let image = validate_image(&mut errors, site, self.image, self.image_alt);
        let slug = self
            .slug
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if slug.as_deref().is_some_and(|s| !slug::is_valid(s)) {
            errors.add(
                "slug",
                "may hold only a-z, 0-9 and single hyphens, at most 80 characters",
            );
        }
        let canonical_url = validate_canonical_url(&mut errors, self.canonical_url);
        let content_html = markdown::render(&body);
        errors.into_result(StoryDraft {
            title,
            summary,
            body_markdown: body,
            content_html,
            authors,
            tags,
            image,
            slug,
            canonical_url,
            published_at: None,
        })
    }
}

/// An absolute http(s) URL without credentials, at most 2,000 characters.
fn validate_canonical_url(errors: &mut FieldErrors, value: Option<String>) -> Option<Url> {
    let value = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())?;
    let url = Url::parse(&value).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host().is_some()
            && u.username().is_empty()
            && u.password().is_none()
    });
    if url.is_none() || value.len() > 2000 {
        errors.add(
            "canonical_url",
            "must be an absolute http(s) URL: the article's address on your own site",
        );
        return None;
    }
    url
}

fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> String {
    match optional_text(errors, field, value, max) {
        Some(text) => text,
        None => {
            errors.add(field, "is required");
            String::new()
        }
    }
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let text = value.map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))?;
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    }
    Some(text)
}

fn validate_authors(errors: &mut FieldErrors, authors: Vec<String>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for raw in authors {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            errors.add("authors", "each name must be 1 to 100 characters");
        } else if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.len() > MAX_AUTHORS {
        errors.add("authors", format!("at most {MAX_AUTHORS} authors"));
    }
    names
}

/// Tags keep the editor's capitals (`#ClimateCrisis` reads better) but are unique ignoring case,
/// as Mastodon treats them.
fn validate_tags(errors: &mut FieldErrors, tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in tags {
        let tag = raw.trim().trim_start_matches('#').to_string();
        let valid = !tag.is_empty()
            && tag.chars().count() <= MAX_TAG
            && tag.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !tag.chars().all(|c| c.is_numeric());
        if !valid {
            errors.add(
                "tags",
                format!("`{raw}` is not a hashtag: use letters, digits and _ (no spaces), at most {MAX_TAG}"),
            );
        } else if !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        errors.add("tags", format!("at most {MAX_TAGS} tags"));
    }
    out
}

fn validate_image(
    errors: &mut FieldErrors,
    site: &Url,
    image: Option<String>,
    alt: Option<String>,
) -> Option<StoryImage> {
    let image = image
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty());
    let alt = alt.map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    let Some(href) = image else {
        if alt.is_some() {
            errors.add("image_alt", "is set but there is no image");
        }
        return None;
    };
    let url = site
        .join(&href)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    if url.is_none() || !(href.starts_with('/') || href.starts_with("http")) {
        errors.add(
            "image",
            "must be an http(s) URL or a path on this site starting with /",
        );
    }
    if alt.is_none() {
        errors.add(
            "image_alt",
            "is required with an image: it describes the image to people who cannot see it",
        );
    }
    Some(StoryImage {
        url: url?,
        alt: alt?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::StoryInput;
    use crate::error::AppError;

    fn site() -> url::Url {
        "http://127.0.0.1:8080".parse().unwrap()
    }

    fn fields(input: StoryInput) -> String {
        match input.validate(&site()) {
            Err(AppError::Validation(f)) => serde_json::to_string(&f).unwrap(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_story_validates_and_keeps_its_order() {
        let draft = StoryInput {
            title: Some("  Budget   passes ".into()),
            body: Some("The council *voted*.\n\nMore.".into()),
            authors: vec!["Ana Ruiz".into(), "Bo Li".into(), "Ana Ruiz".into()],
            tags: vec!["#Budget".into(), "budget".into(), "CityHall".into()],
            image: Some("/static/council.jpg".into()),
            image_alt: Some("Council chamber".into()),
            ..Default::default()
        }
        .validate(&site())
        .unwrap();
        assert_eq!(draft.title, "Budget passes");
        assert_eq!(draft.summary, "The council voted.");
        assert_eq!(draft.authors, ["Ana Ruiz", "Bo Li"]);
        assert_eq!(draft.tags, ["Budget", "CityHall"]);
        assert_eq!(
            draft.image.unwrap().url.as_str(),
            "http://127.0.0.1:8080/static/council.jpg"
        );
        assert!(draft.content_html.contains("<em>voted</em>"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let report = fields(StoryInput {
            title: Some("   ".into()),
            tags: vec!["two words".into()],
            image: Some("ftp://x/y.png".into()),
            slug: Some("Bad Slug".into()),
            canonical_url: Some("javascript:alert(1)".into()),
            ..Default::default()
        });
        for field in [
            "title",
            "body",
            "tags",
            "image",
            "image_alt",
            "slug",
            "canonical_url",
        ] {
            assert!(
                report.contains(&format!("\"{field}\"")),
                "{field} missing in {report}"
            );
        }
    }
}
