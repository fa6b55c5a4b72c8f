//! Quotes of our stories (FEP-044f) for editors: those waiting for approval (the "editor"
//! policy, keyword rules or the moderation mode held them) and those shown, with their actions.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::{Markup, html};

use super::{
    Editor,
    session::CsrfForm,
    views::{self, ReasonForm, button, by},
};
use crate::{
    domain::{
        moderation::{HELD, VISIBLE},
        user::Session,
    },
    error::AppError,
    http::{
        actions,
        views::{layout::trusted, safe_href},
    },
    state::AppState,
    storage::{
        entities::{actor, quote},
        quotes, stories,
    },
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/quotes", get(list))
        .route("/admin/quotes/{id}/approve", post(approve))
        .route("/admin/quotes/{id}/hide", post(hide))
}

async fn list(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let held = quotes::in_state(&data.db, HELD, 200).await?;
    let shown = quotes::in_state(&data.db, VISIBLE, 200).await?;
    let body = html! {
        p { "Site policy: " strong { (data.settings.publication.quote_policy.as_str()) }
            " (a story's own policy is set with " code { "PUT /api/v1/stories/{slug}/quote-policy" } ")" }
        h2 { "Waiting for approval (" (held.len()) ")" }
        @if held.is_empty() { p { "Nothing waiting." } }
        (rows(&data, &editor, &held, true).await?)
        h2 { "Shown (" (shown.len()) ")" }
        (rows(&data, &editor, &shown, false).await?)
    };
    Ok(Html(views::page(&data, Some(&editor), "Quotes", body)))
}

async fn rows(
    data: &AppState,
    editor: &Session,
    rows: &[(quote::Model, actor::Model)],
    held: bool,
) -> Result<Markup, AppError> {
    let mut items = Vec::with_capacity(rows.len());
    for (q, author) in rows {
        let story = stories::find_by_id(&data.db, q.story_id).await?;
        let original = safe_href(q.url.as_deref().unwrap_or(&q.ap_id));
        items.push(html! {
            li class="held" id={ "quote-" (q.id) } {
                p class="meta" {
                    strong { (author.name) } " @" (author.username) "@" (author.domain)
                    @if let Some(s) = &story { " quoting " a href=(s.ap_id) { (s.title) } }
                    @if let Some(href) = original { " · " a href=(href) rel="nofollow noopener ugc" { "original" } }
                }
                div class="e-content" { (trusted(&q.content_html)) }
                div class="actions" {
                    @if held { (button(editor, &format!("/admin/quotes/{}/approve", q.id), "Approve")) }
                    (button(editor, &format!("/admin/quotes/{}/hide", q.id), "Hide"))
                }
            }
        });
    }
    Ok(html! { ul class="queue" { @for item in items { (item) } } })
}

async fn approve(
    data: Data<AppState>,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::quotes::approve(&data, &by(&editor), id, form.reason()).await?;
    Ok(Redirect::to("/admin/quotes").into_response())
}

async fn hide(
    data: Data<AppState>,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::quotes::hide(&data, &by(&editor), id, form.reason()).await?;
    Ok(Redirect::to("/admin/quotes").into_response())
}
