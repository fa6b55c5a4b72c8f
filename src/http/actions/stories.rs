//! Publishing, editing, deleting and closing stories: the change (its deliveries written in the
//! same transaction), then word to every replica's caches (its page shows the byline and whether
//! it takes replies) and waking the delivery worker.

use crate::{
    domain::moderation::log::{self, Editor, Entry},
    domain::story::{self, Story, StoryDraft, StoryInput},
    error::AppError,
    federation::context::Invalidation,
    state::AppState,
};

/// Checks a story's fields against the site's rules (image paths resolve against its root).
pub fn validate(state: &AppState, input: StoryInput) -> Result<StoryDraft, AppError> {
    input.validate(&state.urls.root())
}

pub async fn publish(state: &AppState, draft: StoryDraft) -> Result<Story, AppError> {
    let published = story::publish(&state.db, &state.urls, draft, state.fanout.as_ref()).await?;
    state.deliveries_queued();
    Ok(published)
}

pub async fn update(state: &AppState, slug: &str, draft: StoryDraft) -> Result<Story, AppError> {
    let updated = story::update(&state.db, &state.urls, slug, draft, state.fanout.as_ref()).await?;
    state
        .federation
        .invalidate(Invalidation::Story(Some(updated.id)));
    state.deliveries_queued();
    Ok(updated)
}

pub async fn delete(state: &AppState, slug: &str) -> Result<(), AppError> {
    let deleted = story::delete(&state.db, slug, state.fanout.as_ref()).await?;
    state
        .federation
        .invalidate(Invalidation::Story(Some(deleted.id)));
    state.deliveries_queued();
    Ok(())
}

/// Closes (`true`) or reopens a story to replies, logged; nothing is delivered.
pub async fn set_replies_closed(
    state: &AppState,
    by: &Editor,
    slug: &str,
    closed: bool,
    reason: Option<&str>,
) -> Result<Story, AppError> {
    let txn = crate::storage::begin_write(&state.db).await?;
    let changed = story::set_replies_closed(&txn, slug, closed).await?;
    let action = if closed { "close" } else { "reopen" };
    let entry = Entry::new(by, action, "story", slug.to_string())
        .story(changed.id)
        .reason(reason);
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state
        .federation
        .invalidate(Invalidation::Story(Some(changed.id)));
    Ok(changed)
}
