//! `POST /inbox` (shared) and `POST /@{name}/inbox`. Answers 202 once the request is proven and
//! stored; 401 for signatures we do not accept; 4xx for what will never be accepted.

use activitypub_federation::config::Data;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path},
    http::{HeaderMap, StatusCode, Uri},
    routing::post,
};

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
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    receive(&data, &uri, &headers, &body).await
}

async fn personal(
    data: Data<AppState>,
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
    receive(&data, &uri, &headers, &body).await
}

async fn receive(
    data: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<StatusCode, AppError> {
    // Counted by the host the signature names: cheap to read before any verification.
    if let Some(host) = claimed_host(headers)
        && !data.inbox_limiter.allow(&host)
    {
        data.federation.metrics.inbox("limited");
        return Err(AppError::TooManyRequests(format!(
            "too many requests from {host}; retry later"
        )));
    }
    let path_and_query = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let request = InboxRequest {
        path_and_query,
        headers,
        body,
    };
    let outcome = inbox::receive(&data.federation, request).await;
    data.federation.metrics.inbox(match &outcome {
        Ok(inbox::Received::Processed) => "processed",
        Ok(inbox::Received::Queued) => "queued",
        Ok(inbox::Received::Duplicate) => "duplicate",
        Ok(inbox::Received::Ignored) => "ignored",
        Err(AppError::Signature(_)) => "unauthorized",
        Err(err) if err.status().is_client_error() => "refused",
        Err(_) => "error",
    });
    if let Err(err) = &outcome
        && err.status().is_client_error()
    {
        tracing::info!(status = %err.status(), reason = %err, "inbox request refused");
    }
    outcome?;
    Ok(StatusCode::ACCEPTED)
}

/// The host of the key a request says it is signed with (either signature scheme).
fn claimed_host(headers: &HeaderMap) -> Option<String> {
    let raw = headers
        .get("signature-input")
        .or_else(|| headers.get("signature"))?
        .to_str()
        .ok()?;
    let start = raw
        .find("keyId=\"")
        .map(|i| i + 7)
        .or_else(|| raw.find("keyid=\"").map(|i| i + 7))?;
    let key = &raw[start..];
    let key = &key[..key.find('"')?];
    url::Url::parse(key)
        .ok()
        .map(|u| crate::config::host_with_port(&u))
}
