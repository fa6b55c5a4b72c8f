//! Writing, editing and deleting stories, with a Markdown preview. Each change federates like
//! one made through the API or the CLI.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Editor,
    session::CsrfForm,
    views::{self, button, csrf},
};
use crate::{
    domain::{
        page::PageRequest,
        story::{self, StoryInput, markdown},
        user::Session,
    },
    error::AppError,
    http::views::layout::trusted,
    state::AppState,
    storage::stories::Listing,
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/stories", get(list).post(create))
        .route("/admin/stories/new", get(new))
        .route("/admin/stories/{slug}/edit", get(edit))
        .route("/admin/stories/{slug}", post(update))
        .route("/admin/stories/{slug}/delete", post(delete))
        .route("/admin/stories/{slug}/close", post(close))
        .route("/admin/stories/{slug}/reopen", post(reopen))
}

/// The story form's fields; lists are comma separated.
#[derive(Deserialize, Default, Clone)]
pub struct StoryForm {
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
    /// Present when the Preview button was pressed.
    preview: Option<String>,
}

impl StoryForm {
    fn input(&self) -> StoryInput {
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
        }
    }

    fn from_story(s: &story::Story) -> Self {
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
            preview: None,
        }
    }
}

async fn list(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let page = story::list(&data.db, Listing::All, PageRequest::new(Some(1), 100)).await?;
    let body = html! {
        p { a class="button" href="/admin/stories/new" { "Write a story" } }
        table {
            thead { tr { th { "Title" } th { "Published" } th { "Replies" } th { "" } } }
            tbody {
                @for s in &page.items {
                    tr {
                        td { a href=(s.ap_id) { (s.title) } }
                        td { (s.published_at.format("%Y-%m-%d %H:%M")) }
                        td { (s.reply_count) }
                        td class="actions" {
                            a href={ "/admin/stories/" (s.slug) "/edit" } { "Edit" } " "
                            a href={ "/admin/stories/" (s.slug) "/thread" } { "Conversation" } " "
                            @if s.replies_closed_at.is_some() {
                                (button(&editor, &format!("/admin/stories/{}/reopen", s.slug), "Reopen replies"))
                            } @else {
                                (button(&editor, &format!("/admin/stories/{}/close", s.slug), "Close replies"))
                            }
                            (button(&editor, &format!("/admin/stories/{}/delete", s.slug), "Delete"))
                        }
                    }
                }
            }
        }
    };
    Ok(Html(views::page(&data, Some(&editor), "Stories", body)))
}

async fn new(Editor(editor): Editor, data: Data<AppState>) -> Html<String> {
    Html(views::page(
        &data,
        Some(&editor),
        "Write a story",
        form(&editor, "/admin/stories", &StoryForm::default(), None, None),
    ))
}

async fn edit(
    Editor(editor): Editor,
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let found = live(&data, &slug).await?;
    let action = format!("/admin/stories/{slug}");
    Ok(Html(views::page(
        &data,
        Some(&editor),
        "Edit story",
        form(&editor, &action, &StoryForm::from_story(&found), None, None),
    )))
}

async fn create(
    data: Data<AppState>,
    CsrfForm {
        editor,
        form: fields,
    }: CsrfForm<StoryForm>,
) -> Result<Response, AppError> {
    if fields.preview.is_some() {
        return Ok(preview(&data, &editor, "/admin/stories", &fields));
    }
    match fields.input().validate(&data.urls.root()) {
        Ok(draft) => {
            let published =
                story::publish(&data.db, &data.urls, draft, data.fanout.as_ref()).await?;
            data.deliveries_queued();
            Ok(Redirect::to(published.ap_id.as_str()).into_response())
        }
        Err(AppError::Validation(errors)) => Ok(invalid(
            &data,
            &editor,
            "/admin/stories",
            &fields,
            &errors.to_string(),
        )),
        Err(err) => Err(err),
    }
}

async fn update(
    data: Data<AppState>,
    Path(slug): Path<String>,
    CsrfForm {
        editor,
        form: fields,
    }: CsrfForm<StoryForm>,
) -> Result<Response, AppError> {
    let action = format!("/admin/stories/{slug}");
    if fields.preview.is_some() {
        return Ok(preview(&data, &editor, &action, &fields));
    }
    let draft = match fields.input().validate(&data.urls.root()) {
        Ok(draft) => draft,
        Err(AppError::Validation(errors)) => {
            return Ok(invalid(
                &data,
                &editor,
                &action,
                &fields,
                &errors.to_string(),
            ));
        }
        Err(err) => return Err(err),
    };
    match story::update(&data.db, &data.urls, &slug, draft, data.fanout.as_ref()).await {
        Ok(updated) => {
            data.deliveries_queued();
            Ok(Redirect::to(updated.ap_id.as_str()).into_response())
        }
        Err(AppError::Validation(errors)) => Ok(invalid(
            &data,
            &editor,
            &action,
            &fields,
            &errors.to_string(),
        )),
        Err(err) => Err(err),
    }
}

async fn delete(
    data: Data<AppState>,
    Path(slug): Path<String>,
    _form: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    story::delete(&data.db, &slug, data.fanout.as_ref()).await?;
    data.deliveries_queued();
    Ok(Redirect::to("/admin/stories").into_response())
}

async fn close(
    data: Data<AppState>,
    Path(slug): Path<String>,
    _form: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    story::set_replies_closed(&data.db, &slug, true).await?;
    Ok(Redirect::to("/admin/stories").into_response())
}

async fn reopen(
    data: Data<AppState>,
    Path(slug): Path<String>,
    _form: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    story::set_replies_closed(&data.db, &slug, false).await?;
    Ok(Redirect::to("/admin/stories").into_response())
}

#[derive(Deserialize)]
pub struct Nothing {}

async fn live(data: &AppState, slug: &str) -> Result<story::Story, AppError> {
    story::find_by_slug(&data.db, slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))
}

fn preview(state: &AppState, editor: &Session, action: &str, fields: &StoryForm) -> Response {
    let rendered = markdown::render(&fields.body);
    Html(views::page(
        state,
        Some(editor),
        "Preview",
        form(editor, action, fields, Some(&rendered), None),
    ))
    .into_response()
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

fn form(
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
            div class="row" {
                button type="submit" name="preview" value="1" { "Preview" }
                button type="submit" { "Publish" }
            }
        }
    }
}
