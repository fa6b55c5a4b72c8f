//! Feeds for editors: subscribe, see each one's last success and error, poll now, remove.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Editor,
    session::CsrfForm,
    stories::Nothing,
    views::{self, button, csrf},
};
use crate::{
    domain::{
        feed::{self, Feed},
        user::Session,
    },
    error::AppError,
    http::actions::feeds as actions,
    state::AppState,
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/feeds", get(page).post(add))
        .route("/admin/feeds/{id}/poll", post(poll))
        .route("/admin/feeds/{id}/delete", post(remove))
}

async fn page(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let feeds = feed::list(&data.db).await?;
    Ok(Html(views::page(
        &data,
        Some(&editor),
        "Feeds",
        body(&editor, &feeds, None),
    )))
}

fn body(editor: &Session, feeds: &[Feed], errors: Option<&str>) -> Markup {
    html! {
        p { "Each article of a subscribed feed (RSS, Atom or JSON Feed) becomes a story whose "
            "conversation can be embedded under the article. Articles published before the "
            "subscription are imported without being sent to followers." }
        @if let Some(errors) = errors { pre class="error" role="alert" { (errors) } }
        form method="post" action="/admin/feeds" class="stack" {
            (csrf(editor))
            label { "Feed URL" input name="url" type="url" required placeholder="https://www.example.com/feed.xml"; }
            label { "Bylines for articles that name no author (comma separated)" input name="authors"; }
            button type="submit" { "Subscribe" }
        }
        @if feeds.is_empty() { p { "No feeds yet." } }
        ul class="feeds" {
            @for f in feeds {
                li id={ "feed-" (f.id) } {
                    strong { (f.title.as_deref().unwrap_or(&f.url)) } " · " code { (f.url) }
                    p class="meta" {
                        "last success: " (when(f.last_success_at))
                        " · next poll: " (f.next_poll_at.format("%Y-%m-%d %H:%M:%S UTC"))
                        @if f.failures > 0 { " · failed " (f.failures) " times in a row" }
                    }
                    @if let Some(error) = &f.last_error { pre class="error feed-error" { "Last error: " (error) } }
                    div class="actions" {
                        (button(editor, &format!("/admin/feeds/{}/poll", f.id), "Poll now"))
                        (button(editor, &format!("/admin/feeds/{}/delete", f.id), "Remove"))
                    }
                }
            }
        }
    }
}

fn when(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "never".to_string(),
        |at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

#[derive(Deserialize)]
struct FeedForm {
    url: String,
    #[serde(default)]
    authors: String,
}

async fn add(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<FeedForm>,
) -> Result<Response, AppError> {
    let authors: Vec<String> = form
        .authors
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect();
    match actions::add(&data, &form.url, &authors).await {
        Ok(_) => Ok(Redirect::to("/admin/feeds").into_response()),
        Err(AppError::Validation(errors)) => {
            let feeds = feed::list(&data.db).await?;
            let page = views::page(
                &data,
                Some(&editor),
                "Feeds",
                body(&editor, &feeds, Some(&errors.to_string())),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
        }
        Err(err) => Err(err),
    }
}

async fn poll(
    data: Data<AppState>,
    Path(id): Path<i64>,
    _f: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    actions::poll_now(&data, id).await?;
    Ok(Redirect::to("/admin/feeds").into_response())
}

async fn remove(
    data: Data<AppState>,
    Path(id): Path<i64>,
    _f: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    actions::remove(&data, id).await?;
    Ok(Redirect::to("/admin/feeds").into_response())
}
