//! The desk's API: bulk decisions, per-server policies and the moderation log.

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::{Path, Query},
    http::Method,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiEditor, ApiJson, Route};
use crate::{
    domain::moderation::{bulk::HeldFrom, log, policy},
    error::AppError,
    http::actions::{self, log::LogQuery, moderation::bulk_action},
    state::AppState,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::POST, "/moderation/bulk", bulk),
        Route::new(Method::GET, "/moderation/log", moderation_log),
        Route::new(Method::GET, "/instances/{domain}/policy", get_policy),
        Route::new(Method::PUT, "/instances/{domain}/policy", set_policy),
    ]
}

#[derive(Deserialize)]
struct BulkBody {
    /// `approve` or `hide`.
    action: String,
    account: Option<String>,
    instance: Option<String>,
    reason: Option<String>,
}

async fn bulk(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    ApiJson(body): ApiJson<BulkBody>,
) -> Result<Json<Value>, AppError> {
    let from = HeldFrom::parse(body.account.as_deref(), body.instance.as_deref())?;
    let approve = bulk_action(&body.action)?;
    let count =
        actions::moderation::bulk(&data, &by, &from, approve, body.reason.as_deref()).await?;
    Ok(Json(json!({ "action": body.action, "replies": count })))
}

async fn moderation_log(
    data: Data<AppState>,
    Query(query): Query<LogQuery>,
) -> Result<Json<Value>, AppError> {
    let filter = query.filter(&data).await?;
    let page = log::list(&data.db, &filter, query.page()).await?;
    Ok(Json(json!({
        "items": page.items, "page": page.number,
        "total_items": page.total_items, "total_pages": page.total_pages,
    })))
}

async fn get_policy(
    data: Data<AppState>,
    Path(domain): Path<String>,
) -> Result<Json<Value>, AppError> {
    let domain = policy::normalise(&domain)?;
    let set = policy::of(&data.db, &domain).await?;
    Ok(Json(
        json!({ "domain": domain, "policy": set.map(|p| p.as_str()) }),
    ))
}

#[derive(Deserialize)]
struct PolicyBody {
    /// `trusted`, `held`, or `none` (null) to clear.
    policy: Option<String>,
    reason: Option<String>,
}

async fn set_policy(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(domain): Path<String>,
    ApiJson(body): ApiJson<PolicyBody>,
) -> Result<Json<Value>, AppError> {
    let text = body.policy.as_deref().unwrap_or("none");
    let (domain, set) =
        actions::moderation::set_instance_policy(&data, &by, &domain, text, body.reason.as_deref())
            .await?;
    Ok(Json(
        json!({ "domain": domain, "policy": set.map(|p| p.as_str()) }),
    ))
}
