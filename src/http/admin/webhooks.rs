//! Webhooks in the admin: the list with how their deliveries stand, subscribing a URL (the
//! secret is shown on the page that answers, once), deleting.

use std::collections::HashMap;

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
    stories::Nothing,
    views::{self, button, csrf},
};
use crate::{
    domain::{alerts::Event, user::Session},
    error::AppError,
    http::actions::webhooks,
    state::AppState,
};

pub fn router() -> Router {
    Router::new()
        .route("/admin/webhooks", get(page).post(create))
        .route("/admin/webhooks/{id}/delete", post(remove))
}

async fn page(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let body = list(&editor, &data, None).await?;
    Ok(Html(views::page(&data, Some(&editor), "Webhooks", body)))
}

/// The page, with the secret of a webhook just made when there is one.
async fn list(
    editor: &Session,
    data: &AppState,
    created: Option<(&str, &str)>,
) -> Result<Markup, AppError> {
    let hooks = webhooks::list(data).await?;
    Ok(html! {
        @if let Some((url, secret)) = created {
            div class="notice" role="status" {
                p { "Webhook for " (url) " created. Its signing secret, shown only this once:" }
                p class="secret" { (secret) }
            }
        }
        p { "Each event is POSTed as JSON, signed in " code { "X-Broadsheet-Signature" }
            " (HMAC-SHA256 of the body with the secret), and retried while the receiver fails." }
        form method="post" action="/admin/webhooks" class="stack" {
            (csrf(editor))
            label { "URL" input name="url" type="url" required placeholder="https://chat.example/hooks/…"; }
            fieldset {
                legend { "Events" }
                @for event in Event::ALL {
                    label { input type="checkbox" name=(event.as_str()) value="on" checked; " " (event.as_str()) }
                }
            }
            button type="submit" { "Add webhook" }
        }
        table {
            thead { tr { th { "URL" } th { "Events" } th { "Deliveries" } th { "" } } }
            tbody {
                @for listed in &hooks {
                    tr {
                        td { (listed.webhook.url) }
                        td { @for e in &listed.webhook.events { code { (e.as_str()) } " " } }
                        td { @for (state, count) in &listed.deliveries { (count) " " (state) " " } }
                        td { (button(editor, &format!("/admin/webhooks/{}/delete", listed.webhook.id), "Delete")) }
                    }
                }
            }
        }
    })
}

/// The form: `url`, and one checkbox per event, named for it.
async fn create(
    data: Data<AppState>,
    CsrfForm { editor, form }: CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let url = form.get("url").cloned().unwrap_or_default();
    let events: Vec<String> = Event::ALL
        .iter()
        .filter(|e| form.contains_key(e.as_str()))
        .map(|e| e.as_str().to_string())
        .collect();
    let created = webhooks::create(&data, &url, &events).await?;
    let body = list(
        &editor,
        &data,
        Some((created.url.as_str(), created.secret.expose())),
    )
    .await?;
    Ok(Html(views::page(&data, Some(&editor), "Webhooks", body)).into_response())
}

async fn remove(
    data: Data<AppState>,
    Path(id): Path<i64>,
    _f: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    webhooks::delete(&data, id).await?;
    Ok(Redirect::to("/admin/webhooks").into_response())
}
