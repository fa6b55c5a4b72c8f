//! Editor picks: feature or unfeature a reply, then wake the delivery worker (the boost or its
//! `Undo`) and tell open story pages (the reply is marked, or no longer).

use crate::{
    domain::{
        moderation::log::{Editor, Entry},
        reply::{self, ThreadChange},
    },
    error::AppError,
    federation::outbox::picks,
    state::AppState,
    storage::actors,
};

/// Features the reply `id`, credited to `by` and logged; featuring a featured reply changes
/// nothing.
pub async fn feature(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let entry = entry_for(state, by, "feature", id, reason).await?;
    if picks::feature(&state.db, &state.urls, id, &entry).await? {
        changed(state, id).await?;
    }
    Ok(())
}

pub async fn unfeature(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let entry = entry_for(state, by, "unfeature", id, reason).await?;
    if picks::unfeature(&state.db, &state.urls, id, Some(&entry)).await? {
        changed(state, id).await?;
    }
    Ok(())
}

/// The log entry for `action` on reply `id`, with its story and author.
async fn entry_for<'a>(
    state: &AppState,
    by: &'a Editor,
    action: &'a str,
    id: i64,
    reason: Option<&'a str>,
) -> Result<Entry<'a>, AppError> {
    let found = reply::find_by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))?;
    let entry = Entry::new(by, action, "reply", id.to_string())
        .story(found.story_id)
        .reason(reason);
    Ok(
        match actors::find_by_id(&state.db, found.author_id).await? {
            Some(author) => entry.account(&author.ap_id),
            None => entry,
        },
    )
}

/// Before a featured reply is hidden or deleted: it stops being a pick, and the boost is undone
/// (the hide or delete is what the log records).
pub async fn withdraw(state: &AppState, id: i64) -> Result<(), AppError> {
    if picks::unfeature(&state.db, &state.urls, id, None).await? {
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
