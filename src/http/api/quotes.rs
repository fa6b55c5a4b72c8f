//! Quotes of our stories: the list by state, approving and hiding, and a story's policy.

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::{Path, Query},
    http::{Method, StatusCode},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiEditor, ApiJson, Reason, Route};
use crate::{
    domain::moderation::HELD, error::AppError, http::actions, state::AppState, storage::quotes,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/quotes", list),
        Route::new(Method::POST, "/quotes/{id}/approve", approve),
        Route::new(Method::POST, "/quotes/{id}/hide", hide),
        Route::new(Method::PUT, "/stories/{slug}/quote-policy", set_policy),
    ]
}

#[derive(Deserialize)]
struct ListQuery {
    /// `held` (the default: the queue), `visible` or `hidden`.
    state: Option<String>,
}

async fn list(
    data: Data<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let state = query.state.as_deref().unwrap_or(HELD);
    let rows = quotes::in_state(&data.db, state, 500).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(q, a)| {
            json!({
                "id": q.id, "ap_id": q.ap_id, "url": q.url, "content_html": q.content_html,
                "author": a.ap_id, "story_id": q.story_id, "state": q.state,
                "requested": q.request_ap_id.is_some(),
                "stamp": q.authorized_at.map(|_| data.urls.quote_stamp(q.id)),
                "revoked_at": q.revoked_at,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn approve(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::quotes::approve(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn hide(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::quotes::hide(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct PolicyBody {
    /// `anyone`, `followers`, `nobody` or `editor`; null: the site's default.
    policy: Option<String>,
    reason: Option<String>,
}

async fn set_policy(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<PolicyBody>,
) -> Result<Json<Value>, AppError> {
    let policy = actions::quotes::set_policy(
        &data,
        &by,
        &slug,
        body.policy.as_deref(),
        body.reason.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "policy": policy.as_str() })))
}
