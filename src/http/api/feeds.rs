//! `/api/v1/feeds`: the newsroom's feeds imported as stories, with each one's last error.

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
    domain::feed::{self, Feed},
    error::AppError,
    http::actions::feeds as actions,
    state::AppState,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/feeds", list),
        Route::new(Method::POST, "/feeds", add),
        Route::new(Method::GET, "/feeds/{id}", read),
        Route::new(Method::DELETE, "/feeds/{id}", remove),
        Route::new(Method::POST, "/feeds/{id}/poll", poll),
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFeed {
    url: String,
    /// Bylines for entries that name no author.
    #[serde(default)]
    authors: Vec<String>,
}

async fn list(data: Data<AppState>) -> Result<Json<Value>, AppError> {
    Ok(Json(json!({ "items": feed::list(&data.db).await? })))
}

async fn add(data: Data<AppState>, ApiJson(body): ApiJson<NewFeed>) -> Result<Response, AppError> {
    let added: Feed = actions::add(&data, &body.url, &body.authors).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

async fn read(data: Data<AppState>, Path(id): Path<i64>) -> Result<Json<Feed>, AppError> {
    Ok(Json(feed::find(&data.db, id).await?))
}

async fn remove(data: Data<AppState>, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    actions::remove(&data, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn poll(data: Data<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let found = actions::poll_now(&data, id).await?;
    Ok((StatusCode::ACCEPTED, Json(found)).into_response())
}
