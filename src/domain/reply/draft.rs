//! A reply's content as received: cleaned (see `sanitize`) and bounded before anything keeps it.

use chrono::{DateTime, Utc};
use url::Url;

use super::{presentation::Presentation, sanitize};
use crate::{domain::links::is_web, error::AppError};

const MAX_CONTENT: usize = 100_000;

/// A reply's content as received, cleaned and checked.
#[derive(Debug, Clone)]
pub struct ReplyDraft {
    pub ap_id: Url,
    pub in_reply_to: Url,
    pub content_html: String,
    pub summary: Option<String>,
    pub url: Option<Url>,
    pub sensitive: bool,
    pub published: DateTime<Utc>,
    pub replies_url: Option<Url>,
    /// Its conversation's collection (FEP-7888 `context`) on its own server, crawled too.
    pub context_url: Option<Url>,
    /// How it was posted: kind, language, media, tags, details.
    pub presentation: Presentation,
}

impl ReplyDraft {
    /// Cleans `content_html` (remote HTML) and bounds what is kept. The ids must be http(s);
    /// a `url` or `replies_url` that is not is dropped (the reply links to its id instead).
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per field of the wire object"
    )]
    pub fn new(
        ap_id: Url,
        in_reply_to: Url,
        content_html: &str,
        summary: Option<&str>,
        url: Option<Url>,
        sensitive: bool,
        published: Option<DateTime<Utc>>,
        replies_url: Option<Url>,
    ) -> Result<Self, AppError> {
        if !is_web(&ap_id) || !is_web(&in_reply_to) {
            return Err(AppError::Unprocessable(
                "a reply's id and inReplyTo must be http(s) URLs".into(),
            ));
        }
        if content_html.len() > MAX_CONTENT {
            return Err(AppError::Unprocessable(format!(
                "the reply is longer than {MAX_CONTENT} bytes"
            )));
        }
        let now = Utc::now();
        Ok(ReplyDraft {
            ap_id,
            in_reply_to,
            content_html: sanitize::clean(content_html),
            summary: summary.and_then(warning),
            url: url.filter(is_web),
            sensitive,
            // A date in the future would sort a reply below everything said after it.
            published: published.map_or(now, |p| p.min(now)),
            replies_url: replies_url.filter(is_web),
            context_url: None,
            presentation: Presentation::default(),
        })
    }

    /// The draft with its conversation's collection, kept only when http(s).
    pub fn in_context(mut self, context_url: Option<Url>) -> Self {
        self.context_url = context_url.filter(is_web);
        self
    }

    /// The draft as it was posted. Its URLs are checked again here, whoever read them: media,
    /// mentions and emoji that are not http(s) are left out.
    pub fn posted_as(mut self, mut presentation: Presentation) -> Self {
        presentation.attachments.retain(|a| is_web(&a.url));
        for tag in &mut presentation.tags {
            tag.href = tag.href.take().filter(is_web);
        }
        presentation
            .tags
            .retain(|t| t.icon.as_ref().is_none_or(is_web));
        self.presentation = presentation;
        self
    }
}

/// A content warning as plain text, at most 500 characters; none when it is blank.
fn warning(summary: &str) -> Option<String> {
    let text: String = sanitize::plain_text(summary).chars().take(500).collect();
    (!text.trim().is_empty()).then_some(text)
}
