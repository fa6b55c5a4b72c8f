//! Webhooks: list, create (the answer carries the secret, once), delete.

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::Path,
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, Route};
use crate::{
    domain::alerts::Webhook,
    error::AppError,
    http::actions::webhooks::{self, Listed},
    state::AppState,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/webhooks", list),
        Route::new(Method::POST, "/webhooks", create),
        Route::new(Method::DELETE, "/webhooks/{id}", delete),
    ]
}

fn describe(webhook: &Webhook) -> Value {
    let events: Vec<&str> = webhook.events.iter().map(|e| e.as_str()).collect();
    json!({
        "id": webhook.id,
        "url": webhook.url.as_str(),
        "events": events,
        "created_at": webhook.created_at,
    })
}

async fn list(data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let items: Vec<Value> = webhooks::list(&data)
        .await?
        .iter()
        .map(
            |Listed {
                 webhook,
                 deliveries,
             }| {
                let mut item = describe(webhook);
                item["deliveries"] = deliveries
                    .iter()
                    .map(|(state, count)| (state.clone(), json!(count)))
                    .collect::<serde_json::Map<String, Value>>()
                    .into();
                item
            },
        )
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct NewWebhookBody {
    url: String,
    events: Vec<String>,
}

async fn create(
    data: Data<AppState>,
    ApiJson(body): ApiJson<NewWebhookBody>,
) -> Result<Response, AppError> {
    let created = webhooks::create(&data, &body.url, &body.events).await?;
    let mut answer = describe(&created);
    // The only time the secret leaves the server.
    answer["secret"] = json!(created.secret.expose());
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn delete(data: Data<AppState>, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    webhooks::delete(&data, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
