//! `/quotes/{id}`: the stamps (FEP-044f `QuoteAuthorization`) we issued, for anyone to check;
//! 410 and a `Tombstone` once withdrawn.

use activitypub_federation::config::Data;
use axum::{Router, extract::Path, http::StatusCode, response::Response, routing::get};

use super::negotiate::ActivityJson;
use crate::{
    domain::{actor, quote},
    error::AppError,
    federation::objects::quote::{to_stamp, to_stamp_tombstone},
    state::AppState,
    storage::stories,
};
use axum::response::IntoResponse;

pub fn router() -> Router {
    Router::new().route("/quotes/{id}", get(show))
}

/// The stamp is JSON whatever the client asks for: it exists to be checked by servers.
async fn show(data: Data<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let found = quote::find_by_id(&data.db, id)
        .await
        .ok()
        .filter(|q| q.authorized_at.is_some())
        .ok_or(AppError::NotFound("quote authorization"))?;
    if found.revoked_at.is_some() {
        let tombstone = to_stamp_tombstone(&data.urls, &found);
        return Ok((StatusCode::GONE, ActivityJson(tombstone)).into_response());
    }
    let story = stories::find_by_id(&data.db, found.story_id)
        .await?
        .ok_or(AppError::NotFound("quote authorization"))?;
    let publication = actor::publication(&data.db).await?;
    let stamp = to_stamp(&data.urls, &publication.ap_id, &found, &story.ap_id);
    Ok(ActivityJson(stamp).into_response())
}
