//! Blocks: actors, domains, keyword rules, and Mastodon-format blocklists (imported once or
//! subscribed to).

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
    stories::Nothing,
    views::{self, button, csrf},
};
use crate::{
    domain::moderation::blocks::{self, Blocklist},
    error::{AppError, FieldErrors},
    state::AppState,
    storage::blocklist_subscriptions,
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/blocks", get(page).post(add))
        .route("/admin/blocks/{id}/delete", post(remove))
        .route("/admin/blocks/import", post(import))
        .route("/admin/blocks/subscriptions", post(subscribe))
}

/// Blocks and blocklists: one template, kept whole so the page reads top to bottom.
async fn page(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let list = Blocklist::load(&data.db).await?;
    let subscriptions = blocklist_subscriptions::all(&data.db).await?;
    let body = html! {
        form method="post" action="/admin/blocks" class="stack" {
            (csrf(&editor))
            label { "Block a "
                select name="kind" {
                    option value="domain" { "domain (and its subdomains)" }
                    option value="actor" { "single account (its URL)" }
                    option value="keyword" { "keyword (matching replies wait for approval)" }
                }
            }
            label { "Value" input name="value" required placeholder="spam.example"; }
            label { "Reason (for your notes)" input name="reason"; }
            button type="submit" { "Block" }
        }
        table {
            thead { tr { th { "Kind" } th { "Value" } th { "Reason" } th { "" } } }
            tbody {
                @for b in &list.entries {
                    tr {
                        td { (b.kind) } td { (b.value) } td { (b.reason) }
                        td { (button(&editor, &format!("/admin/blocks/{}/delete", b.id), "Remove")) }
                    }
                }
            }
        }
        h2 { "Import a blocklist" }
        form method="post" action="/admin/blocks/import" class="stack" {
            (csrf(&editor))
            label { "Mastodon domain-block CSV, or one domain per line" textarea name="csv" rows="6" required {} }
            button type="submit" { "Import" }
        }
        h2 { "Subscribe to a blocklist" }
        form method="post" action="/admin/blocks/subscriptions" class="row" {
            (csrf(&editor))
            input name="url" type="url" required placeholder="https://example.com/blocklist.csv";
            button type="submit" { "Subscribe" }
        }
        ul {
            @for s in &subscriptions {
                li { (s.url) " · "
                    @match s.fetched_at { Some(at) => { "fetched " (at.format("%Y-%m-%d %H:%M")) }, None => { "not fetched yet" } }
                    @if let Some(e) = &s.last_error { " · last error: " (e) }
                }
            }
        }
    };
    Ok(Html(views::page(&data, Some(&editor), "Blocks", body)))
}

#[derive(Deserialize)]
struct BlockForm {
    kind: String,
    value: String,
    #[serde(default)]
    reason: String,
}

async fn add(
    data: Data<AppState>,
    CsrfForm { form, .. }: CsrfForm<BlockForm>,
) -> Result<Response, AppError> {
    blocks::add(&data.db, &form.kind, &form.value, &form.reason).await?;
    crate::http::actions::quotes::after_block(&data).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

async fn remove(
    data: Data<AppState>,
    Path(id): Path<i64>,
    _f: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    blocks::remove(&data.db, id).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

#[derive(Deserialize)]
struct CsvForm {
    csv: String,
}

async fn import(
    data: Data<AppState>,
    CsrfForm { form, .. }: CsrfForm<CsvForm>,
) -> Result<Response, AppError> {
    blocks::import_csv(&data.db, &form.csv).await?;
    crate::http::actions::quotes::after_block(&data).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

#[derive(Deserialize)]
struct SubscribeForm {
    url: String,
}

async fn subscribe(
    data: Data<AppState>,
    CsrfForm { form, .. }: CsrfForm<SubscribeForm>,
) -> Result<Response, AppError> {
    let url = url::Url::parse(form.url.trim()).map_err(|_| {
        let mut errors = FieldErrors::default();
        errors.add("url", "must be a URL");
        AppError::Validation(errors)
    })?;
    blocklist_subscriptions::add(&data.db, url.as_str()).await?;
    data.federation.blocklists.notify_one();
    Ok(Redirect::to("/admin/blocks").into_response())
}
