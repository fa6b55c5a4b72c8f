//! The moderation actions of the admin, for scripts and other tools: the held queue and reply
//! actions, the mode, reports, blocks and blocklists, followers and delivery status.

use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::StatusCode,
    routing::{delete, get, post, put},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiJson, ApiToken};
use crate::{
    domain::{
        actor, follow,
        moderation::{self as rules, blocks},
    },
    error::AppError,
    federation::send::follows,
    http::actions,
    state::AppState,
    storage::{deliveries, interactions, moderation},
};

pub fn router() -> Router {
    Router::new()
        .route("/moderation/queue", get(queue))
        .route("/moderation/mode", get(get_mode).put(set_mode))
        .route("/replies/{id}/approve", post(approve))
        .route("/replies/{id}/hide", post(hide))
        .route("/replies/{id}", delete(remove_reply).put(edit_reply))
        .route("/replies/{id}/answer", post(answer))
        .route("/reports", get(reports))
        .route("/blocks", get(list_blocks).post(add_block))
        .route("/blocks/{id}", delete(remove_block))
        .route("/blocklists/import", post(import))
        .route("/blocklists/subscriptions", post(subscribe))
        .route("/followers", get(followers))
        .route("/followers/remove", put(remove_follower))
        .route("/deliveries", get(delivery_status))
}

async fn queue(_: ApiToken, data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let held = moderation::replies_in_state(&data.db, rules::HELD, 500).await?;
    let items: Vec<Value> = held
        .into_iter()
        .map(|(r, a, s)| json!({"id": r.id, "ap_id": r.ap_id, "content_html": r.content_html, "author": a.ap_id, "story": s.ap_id}))
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn get_mode(_: ApiToken, data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let mode = rules::mode(&data.db, data.settings.moderation.default_mode()).await?;
    Ok(Json(json!({ "mode": mode.as_str() })))
}

#[derive(Deserialize)]
struct ModeBody {
    mode: String,
}

async fn set_mode(
    _: ApiToken,
    data: Data<AppState>,
    ApiJson(body): ApiJson<ModeBody>,
) -> Result<Json<Value>, AppError> {
    let mode = rules::set_mode(&data.db, &body.mode).await?;
    Ok(Json(json!({ "mode": mode.as_str() })))
}

async fn approve(
    _: ApiToken,
    data: Data<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    actions::approve(&data, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn hide(
    _: ApiToken,
    data: Data<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    actions::hide(&data, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a reply; one of the newsroom's own is also deleted where it was delivered.
async fn remove_reply(
    _: ApiToken,
    data: Data<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    actions::remove(&data, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct AnswerBody {
    /// Markdown.
    content: String,
    /// The answering actor's username (the publication when absent).
    #[serde(rename = "as")]
    as_actor: Option<String>,
}

async fn answer(
    _: ApiToken,
    data: Data<AppState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let ours = actions::answer(&data, id, body.as_actor.as_deref(), &body.content).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": ours.id, "ap_id": ours.ap_id, "content_html": ours.content_html})),
    ))
}

#[derive(Deserialize)]
struct EditBody {
    content: String,
}

async fn edit_reply(
    _: ApiToken,
    data: Data<AppState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Json<Value>, AppError> {
    let ours = actions::edit(&data, id, &body.content).await?;
    Ok(Json(
        json!({"id": ours.id, "ap_id": ours.ap_id, "content_html": ours.content_html}),
    ))
}

async fn reports(_: ApiToken, data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let items: Vec<Value> = interactions::reports(&data.db)
        .await?
        .into_iter()
        .map(|r| json!({"id": r.id, "ap_id": r.ap_id, "content": r.content, "objects": serde_json::from_str::<Value>(&r.objects).unwrap_or(Value::Null), "created_at": r.created_at}))
        .collect();
    Ok(Json(json!({ "items": items })))
}

async fn list_blocks(_: ApiToken, data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let list = blocks::Blocklist::load(&data.db).await?;
    let items: Vec<Value> = list
        .entries
        .into_iter()
        .map(|b| json!({"id": b.id, "kind": b.kind, "value": b.value, "reason": b.reason, "from_subscription": b.subscription_id.is_some()}))
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct BlockBody {
    kind: String,
    value: String,
    #[serde(default)]
    reason: String,
}

async fn add_block(
    _: ApiToken,
    data: Data<AppState>,
    ApiJson(body): ApiJson<BlockBody>,
) -> Result<StatusCode, AppError> {
    blocks::add(&data.db, &body.kind, &body.value, &body.reason).await?;
    Ok(StatusCode::CREATED)
}

async fn remove_block(
    _: ApiToken,
    data: Data<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    if blocks::remove(&data.db, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("block"))
    }
}

#[derive(Deserialize)]
struct CsvBody {
    csv: String,
}

async fn import(
    _: ApiToken,
    data: Data<AppState>,
    ApiJson(body): ApiJson<CsvBody>,
) -> Result<Json<Value>, AppError> {
    let count = blocks::import_csv(&data.db, &body.csv).await?;
    Ok(Json(json!({ "domains": count })))
}

#[derive(Deserialize)]
struct SubscribeBody {
    url: url::Url,
}

async fn subscribe(
    _: ApiToken,
    data: Data<AppState>,
    ApiJson(body): ApiJson<SubscribeBody>,
) -> Result<StatusCode, AppError> {
    moderation::add_subscription(&data.db, body.url.as_str()).await?;
    data.federation.blocklists.notify_one();
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize)]
struct ActorQuery {
    actor: Option<String>,
}

async fn followers(
    _: ApiToken,
    data: Data<AppState>,
    Query(q): Query<ActorQuery>,
) -> Result<Json<Value>, AppError> {
    let name = q
        .actor
        .unwrap_or_else(|| data.settings.publication.handle.clone());
    let local = actor::find_by_username(&data.db, &name)
        .await?
        .ok_or(AppError::NotFound("actor"))?;
    let list = follow::page(&data.db, local.id, 0, 10_000).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|f| json!({"id": f.ap_id, "handle": f.handle()}))
        .collect();
    Ok(Json(json!({ "actor": local.ap_id, "items": items })))
}

#[derive(Deserialize)]
struct RemoveBody {
    follower: String,
    actor: Option<String>,
}

async fn remove_follower(
    _: ApiToken,
    data: Data<AppState>,
    ApiJson(body): ApiJson<RemoveBody>,
) -> Result<StatusCode, AppError> {
    let name = body
        .actor
        .unwrap_or_else(|| data.settings.publication.handle.clone());
    let local = actor::find_by_username(&data.db, &name)
        .await?
        .ok_or(AppError::NotFound("actor"))?;
    if !follows::remove_follower(&data.db, &local, &body.follower).await? {
        return Err(AppError::NotFound("follower"));
    }
    data.deliveries_queued();
    Ok(StatusCode::NO_CONTENT)
}

async fn delivery_status(_: ApiToken, data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let states: Value = deliveries::count_by_state(&data.db)
        .await?
        .into_iter()
        .map(|s| (s.state, json!(s.count)))
        .collect::<serde_json::Map<String, Value>>()
        .into();
    let hosts: Vec<Value> = deliveries::troubled_hosts(&data.db)
        .await?
        .into_iter()
        .map(|h| json!({"host": h.host, "dead": h.dead_since.is_some(), "failing_since": h.failing_since, "last_error": h.last_error}))
        .collect();
    Ok(Json(json!({ "deliveries": states, "hosts": hosts })))
}
