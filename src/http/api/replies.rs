//! The desk's reply lists and editor picks: every published reply across stories newest first
//! (the admin's Recent tab), the featured ones (its Featured tab), and featuring a reply.

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::{Path, Query},
    http::{Method, StatusCode},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiEditor, Reason, Route};
use crate::{
    error::{AppError, FieldErrors},
    http::actions,
    state::AppState,
    storage::replies,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/replies", list),
        Route::new(Method::POST, "/replies/{id}/feature", feature),
        Route::new(Method::POST, "/replies/{id}/unfeature", unfeature),
    ]
}

#[derive(Deserialize)]
struct ListQuery {
    /// `published` (the only state listed here; the held queue is `/moderation/queue`).
    state: Option<String>,
    /// `newest` (the only order).
    sort: Option<String>,
    #[serde(default)]
    featured: bool,
    /// Replies with a smaller id than this (the `next` of the previous answer).
    before: Option<i64>,
    limit: Option<u64>,
}

async fn list(data: Data<AppState>, Query(q): Query<ListQuery>) -> Result<Json<Value>, AppError> {
    let mut errors = FieldErrors::default();
    if q.state.as_deref().is_some_and(|s| s != "published") {
        errors.add("state", "only published is listed here");
    }
    if q.sort.as_deref().is_some_and(|s| s != "newest") {
        errors.add("sort", "only newest");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let rows = replies::published_across(&data.db, q.featured, q.before, limit).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|(r, _, _)| r.id))
        .flatten();
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(r, a, s)| {
            json!({
                "id": r.id, "ap_id": r.ap_id, "url": r.url, "content_html": r.content_html,
                "author": a.ap_id, "story": s.ap_id, "published_at": r.published_at,
                "featured_at": r.featured_at, "featured_by": r.featured_by,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items, "next": next })))
}

async fn feature(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::picks::feature(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unfeature(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::picks::unfeature(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
