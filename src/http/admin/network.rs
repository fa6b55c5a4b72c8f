//! Followers (removing one sends their server a Reject) and delivery status per server.

use activitypub_federation::config::Data;
use axum::{
    Router,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Utc;
use maud::html;
use serde::Deserialize;

use super::{
    Editor,
    session::CsrfForm,
    views::{self, csrf},
};
use crate::{
    domain::{actor, follow},
    error::AppError,
    federation::outbox::follows,
    http::views::safe_href,
    state::AppState,
    storage::{deliveries, hosts},
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/followers", get(followers))
        .route("/admin/followers/remove", post(remove))
        .route("/admin/deliveries", get(status))
}

async fn followers(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let mut actors = vec![actor::publication(&data.db).await?];
    actors.extend(actor::list_authors(&data.db).await?);
    let mut sections = Vec::new();
    for local in actors {
        let list = follow::page(&data.db, local.id, 0, 500).await?;
        sections.push((local, list));
    }
    let body = html! {
        @for (local, list) in &sections {
            h2 { "@" (local.username) " (" (list.len()) ")" }
            ul {
                @for f in list {
                    li {
                        @if let Some(href) = safe_href(f.ap_id.as_str()) {
                            a href=(href) rel="nofollow noopener ugc" { (f.handle()) }
                        } @else {
                            (f.handle())
                        }
                        form method="post" action="/admin/followers/remove" class="inline" {
                            (csrf(&editor))
                            input type="hidden" name="actor" value=(local.username);
                            input type="hidden" name="follower" value=(f.ap_id);
                            button type="submit" { "Remove" }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(views::page(&data, Some(&editor), "Followers", body)))
}

#[derive(Deserialize)]
struct RemoveForm {
    actor: String,
    follower: String,
}

async fn remove(
    data: Data<AppState>,
    CsrfForm { form, .. }: CsrfForm<RemoveForm>,
) -> Result<Response, AppError> {
    let local = actor::find_by_username(&data.db, &form.actor)
        .await?
        .ok_or(AppError::NotFound("actor"))?;
    follows::remove_follower(&data.db, &local, &form.follower).await?;
    data.deliveries_queued();
    Ok(Redirect::to("/admin/followers").into_response())
}

async fn status(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let states = deliveries::count_by_state(&data.db).await?;
    let hosts = hosts::troubled(&data.db).await?;
    let body = html! {
        ul class="stats" { @for s in &states { li { (s.count) " " (s.state) } } }
        h2 { "Servers failing or dead" }
        @if hosts.is_empty() { p { "Every server is answering." } }
        table {
            thead { tr { th { "Server" } th { "State" } th { "Failing for" } th { "Last error" } } }
            tbody {
                @for h in &hosts {
                    tr {
                        td { (h.host) }
                        td { @if h.dead_since.is_some() { "dead (waits until it writes to us)" } @else { "failing (retrying)" } }
                        td { (h.failing_since.map(|t| format!("{} h", (Utc::now() - t).num_hours())).unwrap_or_default()) }
                        td { (h.last_error.clone().unwrap_or_default()) }
                    }
                }
            }
        }
    };
    Ok(Html(views::page(&data, Some(&editor), "Deliveries", body)))
}
