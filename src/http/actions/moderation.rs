//! Moderation and answering: the change, then waking the delivery worker and telling open story
//! pages.

use crate::{
    domain::{
        alerts, moderation,
        reply::{self, ThreadChange},
    },
    error::AppError,
    federation::outbox::notes,
    state::AppState,
    storage::entities::reply as reply_entity,
};

async fn find(state: &AppState, id: i64) -> Result<reply_entity::Model, AppError> {
    reply::find_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))
}

pub async fn approve(state: &AppState, id: i64) -> Result<(), AppError> {
    let held = find(state, id).await?;
    // Approved and announced to webhooks in one commit.
    let txn = crate::storage::begin_write(&state.db).await?;
    moderation::approve(&txn, &held).await?;
    if let Some(shown) = reply::find_by_id(&txn, id).await? {
        alerts::events::reply(&txn, &shown).await?;
    }
    txn.commit().await?;
    state
        .federation
        .announce(held.story_id, held.id, ThreadChange::Added);
    Ok(())
}

pub async fn hide(state: &AppState, id: i64) -> Result<(), AppError> {
    find(state, id).await?;
    super::picks::withdraw(state, id).await?;
    let shown = find(state, id).await?;
    moderation::hide(&state.db, &shown).await?;
    state
        .federation
        .announce(shown.story_id, shown.id, ThreadChange::Removed);
    Ok(())
}

pub async fn remove(state: &AppState, id: i64) -> Result<(), AppError> {
    find(state, id).await?;
    super::picks::withdraw(state, id).await?;
    let found = find(state, id).await?;
    notes::remove(&state.db, id).await?;
    state.deliveries_queued();
    state
        .federation
        .announce(found.story_id, found.id, ThreadChange::Removed);
    Ok(())
}

pub async fn answer(
    state: &AppState,
    id: i64,
    request: &notes::AnswerRequest<'_>,
) -> Result<reply_entity::Model, AppError> {
    let ours = notes::answer(&state.db, &state.site(), id, request).await?;
    state.deliveries_queued();
    state
        .federation
        .announce(ours.story_id, ours.id, ThreadChange::Added);
    Ok(ours)
}

pub async fn edit(
    state: &AppState,
    id: i64,
    markdown: &str,
) -> Result<reply_entity::Model, AppError> {
    let ours = notes::edit(&state.db, &state.site(), id, markdown).await?;
    state.deliveries_queued();
    state
        .federation
        .announce(ours.story_id, ours.id, ThreadChange::Changed);
    Ok(ours)
}
