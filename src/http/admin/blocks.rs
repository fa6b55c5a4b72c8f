//! Blocks: actors, domains, keyword rules, and Mastodon-format blocklists (imported once or
//! subscribed to); and per-server policies (trusted, held).

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
    views::{self, ReasonForm, button, by, csrf},
};
use crate::{
    domain::moderation::{blocks::Blocklist, policy},
    error::{AppError, FieldErrors},
    http::actions,
    state::AppState,
    storage::blocklist_subscriptions,
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/blocks", get(page).post(add))
        .route("/admin/blocks/{id}/delete", post(remove))
        .route("/admin/blocks/import", post(import))
        .route("/admin/blocks/subscriptions", post(subscribe))
        .route("/admin/instances/policy", post(set_policy))
}

/// Blocks and blocklists: one template, kept whole so the page reads top to bottom.
async fn page(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let list = Blocklist::load(&data.db).await?;
    let subscriptions = blocklist_subscriptions::all(&data.db).await?;
    let policies = policy::all(&data.db).await?;
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
        h2 { "Server policies" }
        p { "A trusted server's replies skip the queue in first-time mode; a held server's replies always wait for an editor." }
        form method="post" action="/admin/instances/policy" class="row" {
            (csrf(&editor))
            label { "Server " input name="domain" required placeholder="social.example"; }
            label { "Policy "
                select name="policy" {
                    option value="trusted" { "trusted" }
                    option value="held" { "held" }
                    option value="none" { "none (clear)" }
                }
            }
            label { "Reason " input name="reason"; }
            button type="submit" { "Set policy" }
        }
        table class="policies" {
            thead { tr { th { "Server" } th { "Policy" } } }
            tbody { @for (domain, p) in &policies { tr { td { (domain) } td { (p) } } } }
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
    CsrfForm { editor, form }: CsrfForm<BlockForm>,
) -> Result<Response, AppError> {
    actions::blocks::add(&data, &by(&editor), &form.kind, &form.value, &form.reason).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

async fn remove(
    data: Data<AppState>,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::blocks::remove(&data, &by(&editor), id, form.reason()).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

#[derive(Deserialize)]
struct PolicyForm {
    domain: String,
    policy: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn set_policy(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<PolicyForm>,
) -> Result<Response, AppError> {
    actions::moderation::set_instance_policy(
        &data,
        &by(&editor),
        &form.domain,
        &form.policy,
        form.reason.as_deref(),
    )
    .await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

#[derive(Deserialize)]
struct CsvForm {
    csv: String,
}

async fn import(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<CsvForm>,
) -> Result<Response, AppError> {
    actions::blocks::import(&data, &by(&editor), &form.csv).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}

#[derive(Deserialize)]
struct SubscribeForm {
    url: String,
}

async fn subscribe(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<SubscribeForm>,
) -> Result<Response, AppError> {
    let url = url::Url::parse(form.url.trim()).map_err(|_| {
        let mut errors = FieldErrors::default();
        errors.add("url", "must be a URL");
        AppError::Validation(errors)
    })?;
    actions::blocks::subscribe(&data, &by(&editor), &url).await?;
    Ok(Redirect::to("/admin/blocks").into_response())
}
