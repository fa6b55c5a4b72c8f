//! The moderation queue (with triage signals and bulk actions), the moderation mode, and
//! per-story thread views.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::HeaderMap,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::html;
use serde::Deserialize;

use super::{
    Editor,
    session::CsrfForm,
    triage,
    views::{self, ReasonForm, button, by, csrf},
};
use crate::{
    domain::{
        moderation::{self as rules, Mode, bulk::HeldFrom},
        story,
    },
    error::AppError,
    federation::outbox::notes::AnswerRequest,
    http::actions,
    http::views::reply::row_body,
    state::AppState,
    storage::replies,
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/moderation", get(queue))
        .route("/admin/moderation/mode", post(set_mode))
        .route("/admin/replies/{id}/approve", post(approve))
        .route("/admin/replies/{id}/hide", post(hide))
        .route("/admin/replies/{id}/delete", post(delete))
        .route("/admin/replies/{id}/answer", post(answer))
        .route("/admin/moderation/bulk", post(bulk))
        .route("/admin/stories/{slug}/thread", get(story_thread))
}

async fn queue(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let mode = rules::mode(&data.db, data.settings.moderation.default_mode()).await?;
    let held = replies::in_state(&data.db, rules::HELD, 200).await?;
    let mut signals = Vec::with_capacity(held.len());
    for (r, author, _) in &held {
        signals.push(triage::signals_of(&data, r, author).await?);
    }
    let body = html! {
        (views::desk_tabs("Held"))
        form method="post" action="/admin/moderation/mode" class="row" {
            (csrf(&editor))
            label { "Moderation mode "
                select name="mode" {
                    @for m in Mode::ALL { option value=(m.as_str()) selected[m == mode] { (m.as_str()) } }
                }
            }
            button type="submit" { "Save" }
        }
        p { a href="/admin/moderation/log" { "Moderation log" } }
        h2 { "Waiting for approval (" (held.len()) ")" }
        @if held.is_empty() { p { "Nothing waiting." } }
        ul class="queue" {
            @for ((r, author, s), signals) in held.iter().zip(&signals) {
                li class="held" id={ "held-" (r.id) } {
                    p class="meta" { strong { (author.name) } " @" (author.username) "@" (author.domain) " on " a href=(s.ap_id) { (s.title) } }
                    (row_body(&data, r))
                    (triage::panel(signals))
                    form method="post" action={ "/admin/replies/" (r.id) "/approve" } class="row actions" {
                        (csrf(&editor))
                        input name="reason" placeholder="Reason (optional, for the log)";
                        button type="submit" { "Approve" }
                        button type="submit" formaction={ "/admin/replies/" (r.id) "/hide" } { "Hide" }
                        button type="submit" formaction={ "/admin/replies/" (r.id) "/delete" } { "Delete" }
                    }
                    (triage::bulk_forms(&editor, signals))
                }
            }
        }
        script src="/static/desk.js" defer {}
    };
    Ok(Html(views::page(&data, Some(&editor), "Moderation", body)))
}

#[derive(Deserialize)]
struct ModeForm {
    mode: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn set_mode(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<ModeForm>,
) -> Result<Response, AppError> {
    actions::moderation::set_mode(&data, &by(&editor), &form.mode, form.reason.as_deref()).await?;
    Ok(Redirect::to("/admin/moderation").into_response())
}

#[derive(Deserialize)]
struct BulkForm {
    /// `approve` or `hide`.
    action: String,
    account: Option<String>,
    instance: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

async fn bulk(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<BulkForm>,
) -> Result<Response, AppError> {
    let from = HeldFrom::parse(form.account.as_deref(), form.instance.as_deref())?;
    let approve = actions::moderation::bulk_action(&form.action)?;
    actions::moderation::bulk(&data, &by(&editor), &from, approve, form.reason.as_deref()).await?;
    Ok(Redirect::to("/admin/moderation").into_response())
}

/// Back to where the editor acted (the queue or a thread view).
pub(super) fn back(headers: &HeaderMap) -> Redirect {
    let target = headers
        .get("referer")
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| u.path().to_string())
        .filter(|p| p.starts_with("/admin"))
        .unwrap_or_else(|| "/admin/moderation".into());
    Redirect::to(&target)
}

async fn approve(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::moderation::approve(&data, &by(&editor), id, form.reason()).await?;
    Ok(back(&headers).into_response())
}

async fn hide(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::moderation::hide(&data, &by(&editor), id, form.reason()).await?;
    Ok(back(&headers).into_response())
}

async fn delete(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::moderation::remove(&data, &by(&editor), id, form.reason()).await?;
    Ok(back(&headers).into_response())
}

#[derive(Deserialize)]
struct AnswerForm {
    content: String,
    #[serde(rename = "as")]
    as_actor: Option<String>,
    /// The "Quote their post" checkbox: present when ticked.
    quote: Option<String>,
}

async fn answer(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let request = AnswerRequest {
        as_username: form.as_actor.as_deref(),
        markdown: &form.content,
        quote: form.quote.is_some(),
    };
    actions::moderation::answer(&data, id, &request).await?;
    Ok(back(&headers).into_response())
}

/// One story's thread for moderation: one template, kept whole so the page reads top to bottom.
async fn story_thread(
    Editor(editor): Editor,
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let found = story::find_by_slug(&data.db, &slug)
        .await?
        .ok_or(AppError::NotFound("story"))?;
    let rows = crate::storage::replies::thread(&data.db, found.id).await?;
    // The publication and the story's authors can answer.
    let mut speakers = vec![crate::domain::actor::publication(&data.db).await?];
    for author in &found.authors {
        if let Some(a) = crate::domain::actor::find_by_username(&data.db, &author.username).await? {
            speakers.push(a);
        }
    }
    let body = html! {
        p { a href=(found.ap_id) { "View the public page" } }
        ol class="admin-thread" {
            @for (r, author) in &rows {
                li class={ (r.state) " depth-" (r.depth.clamp(0, 8)) } {
                    p class="meta" { strong { (author.name) } " @" (author.username) "@" (author.domain) " · " (r.state)
                        @if r.deleted_at.is_some() { " · deleted" } }
                    (row_body(&data, r))
                    @if r.deleted_at.is_none() {
                        div class="actions" {
                            @if r.state != rules::VISIBLE { (button(&editor, &format!("/admin/replies/{}/approve", r.id), "Approve")) }
                            @if r.state == rules::VISIBLE { (button(&editor, &format!("/admin/replies/{}/hide", r.id), "Hide")) }
                            @if r.state == rules::VISIBLE && r.featured_at.is_none() { (button(&editor, &format!("/admin/replies/{}/feature", r.id), "Feature")) }
                            @if r.featured_at.is_some() { (button(&editor, &format!("/admin/replies/{}/unfeature", r.id), "Unfeature")) }
                            (button(&editor, &format!("/admin/replies/{}/delete", r.id), "Delete"))
                        }
                        details class="answer" {
                            summary { "Answer" }
                            form method="post" action={ "/admin/replies/" (r.id) "/answer" } class="stack" {
                                (csrf(&editor))
                                label { "As "
                                    select name="as" {
                                        @for speaker in &speakers { option value=(speaker.username) { (speaker.name) " (@" (speaker.username) ")" } }
                                    }
                                }
                                label { "Answer (Markdown)" textarea name="content" rows="4" required {} }
                                @if !r.local && r.state == rules::VISIBLE {
                                    label { input type="checkbox" name="quote" value="1"; " Quote their post (their server is asked to approve)" }
                                }
                                button type="submit" { "Send answer" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(views::page(
        &data,
        Some(&editor),
        &format!("Conversation: {}", found.title),
        body,
    )))
}
