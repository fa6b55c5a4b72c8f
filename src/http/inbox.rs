//! `POST /inbox` (shared) and `POST /@{name}/inbox`. Answers 202 once the request is proven and
//! stored; 401 for signatures we do not accept; 4xx for what will never be accepted.
//!
//! Two kinds of limit: a cheap one per client address before anything is parsed or verified
//! (signed or not), and ones per *verified* signer and its host after verification (in
//! `federation::inbox`), so naming another server's key never spends its allowance.

use activitypub_federation::config::Data;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path},
    http::{HeaderMap, StatusCode, Uri},
    routing::post,
};

use super::client_addr::ClientIp;
use crate::{
    config::Settings,
    domain::actor,
    error::AppError,
    federation::inbox::{self, InboxRequest},
    state::AppState,
};

pub fn router(settings: &Settings) -> Router {
    Router::new()
        .route("/inbox", post(shared))
        .route("/@{username}/inbox", post(personal))
        .layer(DefaultBodyLimit::max(settings.inbox.max_body_bytes))
}

async fn shared(
    data: Data<AppState>,
    client: ClientIp,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    receive(&data, client, &uri, &headers, &body).await
}

async fn personal(
    data: Data<AppState>,
    client: ClientIp,
    Path(username): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    if actor::find_by_username(&data.db, &username)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("actor"));
    }
    receive(&data, client, &uri, &headers, &body).await
}

async fn receive(
    data: &AppState,
    client: ClientIp,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<StatusCode, AppError> {
    if let Err(wait) = data
        .inbox_address_limiter
        .take(&client.limit_key().to_string())
    {
        data.federation.metrics.inbox("limited");
        return Err(AppError::too_many(
            format!("too many requests from {client}; retry later"),
            wait,
        ));
    }
    let path_and_query = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let request = InboxRequest {
        path_and_query,
        headers,
        body,
    };
    let outcome = inbox::receive(&data.federation, request, &data.inbox_limiter).await;
    count(data, &outcome);
    outcome?;
    Ok(StatusCode::ACCEPTED)
}

/// Counts the outcome for the metrics, and logs why a request was refused.
fn count(data: &AppState, outcome: &Result<inbox::Received, AppError>) {
    data.federation.metrics.inbox(match outcome {
        Ok(inbox::Received::Processed) => "processed",
        Ok(inbox::Received::Queued) => "queued",
        Ok(inbox::Received::Duplicate) => "duplicate",
        Ok(inbox::Received::Ignored) => "ignored",
        Err(AppError::TooManyRequests { .. }) => "limited",
        Err(AppError::Signature(_)) => "unauthorized",
        Err(err) if err.status().is_client_error() => "refused",
        Err(_) => "error",
    });
    if let Err(err) = outcome
        && err.status().is_client_error()
    {
        tracing::info!(status = %err.status(), reason = %err, "inbox request refused");
    }
}
