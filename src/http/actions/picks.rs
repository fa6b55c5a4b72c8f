//! Editor picks: feature or unfeature a reply, then wake the delivery worker (the boost or its
//! `Undo`) and tell open story pages (the reply is marked, or no longer).

use crate::{
    domain::reply::{self, ThreadChange},
    error::AppError,
    federation::outbox::picks,
    state::AppState,
};

/// Features the reply `id`, credited to `by` (the editor, or the API); featuring a featured
/// reply changes nothing.
pub async fn feature(state: &AppState, id: i64, by: &str) -> Result<(), AppError> {
    if picks::feature(&state.db, &state.urls, id, by).await? {
        changed(state, id).await?;
    }
    Ok(())
}

pub async fn unfeature(state: &AppState, id: i64) -> Result<(), AppError> {
    if picks::unfeature(&state.db, &state.urls, id).await? {
        changed(state, id).await?;
    }
    Ok(())
}

/// Before a featured reply is hidden or deleted: it stops being a pick, and the boost is undone.
pub async fn withdraw(state: &AppState, id: i64) -> Result<(), AppError> {
    if picks::unfeature(&state.db, &state.urls, id).await? {
        state.deliveries_queued();
    }
    Ok(())
}

async fn changed(state: &AppState, id: i64) -> Result<(), AppError> {
    state.deliveries_queued();
    if let Some(found) = reply::find_by_id(&state.db, id).await? {
        state
            .federation
            .announce(found.story_id, found.id, ThreadChange::Changed);
    }
    Ok(())
}
