//! The story form: its fields, as typed or as stored, and its page with a preview or the
//! rules a story broke.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use maud::{Markup, html};
use serde::Deserialize;

use super::views::{self, csrf};
use crate::{
    domain::{
        story::{self, StoryInput, markdown},
        user::Session,
    },
    error::AppError,
    http::views::layout::trusted,
    state::AppState,
};

/// The story form's fields; lists are comma separated.
#[derive(Deserialize, Default, Clone)]
pub(super) struct StoryForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    authors: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    image: String,
    #[serde(default)]
    image_alt: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    canonical_url: String,
    /// Present when the Preview button was pressed.
    preview: Option<String>,
}

impl StoryForm {
    pub(super) fn wants_preview(&self) -> bool {
        self.preview.is_some()
    }

    pub(super) fn input(&self) -> StoryInput {
        let list = |text: &str| {
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let optional = |text: &str| Some(text.trim().to_string()).filter(|s| !s.is_empty());
        StoryInput {
            title: optional(&self.title),
            summary: optional(&self.summary),
            body: optional(&self.body),
            authors: list(&self.authors),
            tags: list(&self.tags),
            image: optional(&self.image),
            image_alt: optional(&self.image_alt),
            slug: optional(&self.slug),
            canonical_url: optional(&self.canonical_url),
        }
    }

    pub(super) fn from_story(s: &story::Story) -> Self {
        StoryForm {
            title: s.title.clone(),
            summary: s.summary.clone(),
            body: s.body_markdown.clone(),
            authors: s
                .authors
                .iter()
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            tags: s.tags.join(", "),
            image: s
                .image
                .as_ref()
                .map(|i| i.url.to_string())
                .unwrap_or_default(),
            image_alt: s.image.as_ref().map(|i| i.alt.clone()).unwrap_or_default(),
            slug: s.slug.clone(),
            canonical_url: s
                .canonical_url
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            preview: None,
        }
    }
}

pub(super) fn preview(
    state: &AppState,
    editor: &Session,
    action: &str,
    fields: &StoryForm,
) -> Response {
    let rendered = markdown::render(&fields.body);
    Html(views::page(
        state,
        Some(editor),
        "Preview",
        form(editor, action, fields, Some(&rendered), None),
    ))
    .into_response()
}

/// The form again with the rule's messages for a story that breaks one (422); any other error
/// is the request's answer.
pub(super) fn rejected(
    state: &AppState,
    editor: &Session,
    action: &str,
    fields: &StoryForm,
    err: AppError,
) -> Result<Response, AppError> {
    match err {
        AppError::Validation(errors) => {
            Ok(invalid(state, editor, action, fields, &errors.to_string()))
        }
        err => Err(err),
    }
}

fn invalid(
    state: &AppState,
    editor: &Session,
    action: &str,
    fields: &StoryForm,
    errors: &str,
) -> Response {
    let page = views::page(
        state,
        Some(editor),
        "Fix the story",
        form(editor, action, fields, None, Some(errors)),
    );
    (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response()
}

pub(super) fn form(
    editor: &Session,
    action: &str,
    f: &StoryForm,
    preview: Option<&str>,
    errors: Option<&str>,
) -> Markup {
    html! {
        @if let Some(errors) = errors { pre class="error" role="alert" { (errors) } }
        @if let Some(preview) = preview {
            section class="preview" aria-label="Preview" { h2 { (f.title) } div class="e-content" { (trusted(preview)) } }
        }
        form method="post" action=(action) class="stack" {
            (csrf(editor))
            label { "Title" input name="title" value=(f.title) required; }
            label { "Summary (the teaser shown on the fediverse)" input name="summary" value=(f.summary); }
            label { "Story (Markdown)" textarea name="body" rows="16" required { (f.body) } }
            label { "Authors (comma separated)" input name="authors" value=(f.authors); }
            label { "Tags (comma separated)" input name="tags" value=(f.tags); }
            label { "Image URL" input name="image" value=(f.image); }
            label { "Image description" input name="image_alt" value=(f.image_alt); }
            label { "Slug (optional; fixed once published)" input name="slug" value=(f.slug); }
            label { "Canonical URL (optional: the article's address on your own site)" input name="canonical_url" type="url" value=(f.canonical_url); }
            div class="row" {
                button type="submit" name="preview" value="1" { "Preview" }
                button type="submit" { "Publish" }
            }
        }
    }
}
