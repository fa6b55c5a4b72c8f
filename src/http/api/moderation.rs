//! The moderation actions of the admin, for scripts and other tools: the held queue and reply
//! actions, the mode, reports, blocks and blocklists, followers and delivery status.

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
    domain::{
        actor, follow,
        moderation::{self as rules, blocks},
        quoting,
    },
    error::AppError,
    federation::outbox::{follows, notes::AnswerRequest},
    http::actions,
    state::AppState,
    storage::{deliveries, hosts, replies, reports},
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/moderation/queue", queue),
        Route::new(Method::GET, "/moderation/mode", get_mode),
        Route::new(Method::PUT, "/moderation/mode", set_mode),
        Route::new(Method::POST, "/replies/{id}/approve", approve),
        Route::new(Method::POST, "/replies/{id}/hide", hide),
        Route::new(Method::DELETE, "/replies/{id}", remove_reply),
        Route::new(Method::PUT, "/replies/{id}", edit_reply),
        Route::new(Method::POST, "/replies/{id}/answer", answer),
        Route::new(Method::GET, "/reports", reports),
        Route::new(Method::GET, "/blocks", list_blocks),
        Route::new(Method::POST, "/blocks", add_block),
        Route::new(Method::DELETE, "/blocks/{id}", remove_block),
        Route::new(Method::POST, "/blocklists/import", import),
        Route::new(Method::POST, "/blocklists/subscriptions", subscribe),
        Route::new(Method::GET, "/followers", followers),
        Route::new(Method::PUT, "/followers/remove", remove_follower),
        Route::new(Method::GET, "/deliveries", delivery_status),
    ]
}

async fn queue(data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let held = replies::in_state(&data.db, rules::HELD, 500).await?;
    let mut items = Vec::with_capacity(held.len());
    for (r, a, s) in held {
        let signals = actions::triage::signals_of(&data, &r, &a).await?;
        items.push(json!({"id": r.id, "ap_id": r.ap_id, "content_html": r.content_html, "author": a.ap_id, "story": s.ap_id, "signals": signals}));
    }
    Ok(Json(json!({ "items": items })))
}

async fn get_mode(data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let mode = rules::mode(&data.db, data.settings.moderation.default_mode()).await?;
    Ok(Json(json!({ "mode": mode.as_str() })))
}

#[derive(Deserialize)]
struct ModeBody {
    mode: String,
    reason: Option<String>,
}

async fn set_mode(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    ApiJson(body): ApiJson<ModeBody>,
) -> Result<Json<Value>, AppError> {
    let mode =
        actions::moderation::set_mode(&data, &by, &body.mode, body.reason.as_deref()).await?;
    Ok(Json(json!({ "mode": mode.as_str() })))
}

async fn approve(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::moderation::approve(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn hide(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::moderation::hide(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a reply; one of the newsroom's own is also deleted where it was delivered.
async fn remove_reply(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    actions::moderation::remove(&data, &by, id, reason.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct AnswerBody {
    /// Markdown.
    content: String,
    /// The answering actor's username (the publication when absent).
    #[serde(rename = "as")]
    as_actor: Option<String>,
    /// Quote the reply answered (its author's server is asked for a stamp).
    #[serde(default)]
    quote: bool,
}

async fn answer(
    data: Data<AppState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let request = AnswerRequest {
        as_username: body.as_actor.as_deref(),
        markdown: &body.content,
        quote: body.quote,
    };
    let ours = actions::moderation::answer(&data, id, &request).await?;
    let quote = quoting::of_reply(&data.db, ours.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": ours.id,
            "ap_id": ours.ap_id,
            "content_html": ours.content_html,
            "quote": quote.map(|q| json!({
                "of": q.quoted_ap_id,
                "state": q.state.as_str(),
                "authorization": q.authorization,
            })),
        })),
    ))
}

#[derive(Deserialize)]
struct EditBody {
    content: String,
}

async fn edit_reply(
    data: Data<AppState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Json<Value>, AppError> {
    let ours = actions::moderation::edit(&data, id, &body.content).await?;
    Ok(Json(
        json!({"id": ours.id, "ap_id": ours.ap_id, "content_html": ours.content_html}),
    ))
}

async fn reports(data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let mut items = Vec::new();
    for r in reports::all(&data.db).await? {
        let objects: Vec<String> = serde_json::from_str(&r.objects).unwrap_or_default();
        let signals = reported_signals(&data, &objects).await?;
        items.push(json!({"id": r.id, "ap_id": r.ap_id, "content": r.content, "objects": objects, "created_at": r.created_at, "signals": signals}));
    }
    Ok(Json(json!({ "items": items })))
}

/// The triage signals of each reported object that is a reply we hold, by its id.
async fn reported_signals(
    data: &AppState,
    objects: &[String],
) -> Result<serde_json::Map<String, Value>, AppError> {
    let mut out = serde_json::Map::new();
    for object in objects {
        let Some(r) = crate::domain::reply::find(&data.db, object).await? else {
            continue;
        };
        let Some(author) = crate::storage::actors::find_by_id(&data.db, r.author_id).await? else {
            continue;
        };
        let signals = actions::triage::signals_of(data, &r, &author).await?;
        out.insert(object.clone(), json!(signals));
    }
    Ok(out)
}

async fn list_blocks(data: Data<AppState>) -> Result<Json<Value>, AppError> {
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
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    ApiJson(body): ApiJson<BlockBody>,
) -> Result<StatusCode, AppError> {
    actions::blocks::add(&data, &by, &body.kind, &body.value, &body.reason).await?;
    Ok(StatusCode::CREATED)
}

async fn remove_block(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(id): Path<i64>,
    Reason(reason): Reason,
) -> Result<StatusCode, AppError> {
    if actions::blocks::remove(&data, &by, id, reason.as_deref()).await? {
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
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    ApiJson(body): ApiJson<CsvBody>,
) -> Result<Json<Value>, AppError> {
    let count = actions::blocks::import(&data, &by, &body.csv).await?;
    Ok(Json(json!({ "domains": count })))
}

#[derive(Deserialize)]
struct SubscribeBody {
    url: url::Url,
}

async fn subscribe(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    ApiJson(body): ApiJson<SubscribeBody>,
) -> Result<StatusCode, AppError> {
    actions::blocks::subscribe(&data, &by, &body.url).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize)]
struct ActorQuery {
    actor: Option<String>,
}

async fn followers(
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

async fn delivery_status(data: Data<AppState>) -> Result<Json<Value>, AppError> {
    let states: Value = deliveries::count_by_state(&data.db)
        .await?
        .into_iter()
        .map(|s| (s.state, json!(s.count)))
        .collect::<serde_json::Map<String, Value>>()
        .into();
    let hosts: Vec<Value> = hosts::troubled(&data.db)
        .await?
        .into_iter()
        .map(|h| json!({"host": h.host, "dead": h.dead_since.is_some(), "failing_since": h.failing_since, "last_error": h.last_error}))
        .collect();
    Ok(Json(json!({ "deliveries": states, "hosts": hosts })))
}
