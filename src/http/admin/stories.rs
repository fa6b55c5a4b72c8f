//! Writing, editing and deleting stories, with a Markdown preview. Each change federates like
//! one made through the API or the CLI.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::html;
use serde::Deserialize;

use super::{
    Editor,
    session::CsrfForm,
    story_form::{StoryForm, form, preview, rejected},
    views::{self, ReasonForm, button, by},
};
use crate::{
    domain::{page::PageRequest, story},
    error::AppError,
    http::actions::stories as actions,
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
    let action = "/admin/stories";
    if fields.wants_preview() {
        return Ok(preview(&data, &editor, action, &fields));
    }
    let draft = match actions::validate(&data, fields.input()) {
        Ok(draft) => draft,
        Err(err) => return rejected(&data, &editor, action, &fields, err),
    };
    let published = actions::publish(&data, draft).await?;
    Ok(Redirect::to(published.ap_id.as_str()).into_response())
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
    if fields.wants_preview() {
        return Ok(preview(&data, &editor, &action, &fields));
    }
    // A story the update itself refuses (a slug change) gets the form again too.
    let updated = match actions::validate(&data, fields.input()) {
        Ok(draft) => actions::update(&data, &slug, draft).await,
        Err(err) => Err(err),
    };
    match updated {
        Ok(updated) => Ok(Redirect::to(updated.ap_id.as_str()).into_response()),
        Err(err) => rejected(&data, &editor, &action, &fields, err),
    }
}

async fn delete(
    data: Data<AppState>,
    Path(slug): Path<String>,
    _form: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    actions::delete(&data, &slug).await?;
    Ok(Redirect::to("/admin/stories").into_response())
}

async fn close(
    data: Data<AppState>,
    Path(slug): Path<String>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::set_replies_closed(&data, &by(&editor), &slug, true, form.reason()).await?;
    Ok(Redirect::to("/admin/stories").into_response())
}

async fn reopen(
    data: Data<AppState>,
    Path(slug): Path<String>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::set_replies_closed(&data, &by(&editor), &slug, false, form.reason()).await?;
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
