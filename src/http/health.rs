//! `/healthz` (the process is up and the database answers) and `/metrics` (Prometheus text).

use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::{metrics::QueueSnapshot, state::AppState, storage::deliveries};

pub fn router() -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn healthz(data: Data<AppState>) -> Response {
    match data.db.execute_unprepared("SELECT 1").await {
        Ok(_) => Json(json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

async fn metrics(data: Data<AppState>) -> Response {
    let snapshot = match deliveries::snapshot(&data.db).await {
        Ok((pending, oldest, dead)) => QueueSnapshot {
            pending,
            oldest_due_seconds: oldest.map_or(0.0, |t| {
                (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0
            }),
            dead_hosts: dead,
        },
        Err(err) => {
            tracing::error!(error = %err, "metrics: cannot read the queue");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        data.federation.metrics.render(&snapshot),
    )
        .into_response()
}
