//! The newsroom's numbers, as the dashboard shows them.

use activitypub_federation::config::Data;
use axum::{Json, http::Method};

use super::Route;
use crate::{
    domain::{actor, stats},
    error::AppError,
    state::AppState,
};

pub(super) fn routes() -> Vec<Route> {
    vec![Route::new(Method::GET, "/stats", show)]
}

async fn show(data: Data<AppState>) -> Result<Json<stats::Stats>, AppError> {
    let publication = actor::publication(&data.db).await?;
    Ok(Json(stats::gather(&data.db, publication.id).await?))
}
