//! Quote moderation and policy (FEP-044f): the change, then waking the delivery worker for the
//! `Accept` or `Delete` it queued.

use crate::{
    domain::{
        moderation::log::{self, Editor, Entry},
        quote,
        reply::ThreadChange,
        story,
    },
    error::AppError,
    federation::{context::Invalidation, outbox::quotes},
    state::AppState,
    storage,
};

/// Shows a held quote; a requested one gets its stamp.
pub async fn approve(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let entry = Entry::new(by, "approve", "quote", id.to_string()).reason(reason);
    quotes::approve(&state.db, &state.urls, id, &entry).await?;
    state.deliveries_queued();
    announce(state, id, ThreadChange::QuoteShown).await
}

/// Hides a quote and withdraws its stamp (hiding is also how a quote is deleted: the row stays
/// so that the stamp's URL can answer 410).
pub async fn hide(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let entry = Entry::new(by, "hide", "quote", id.to_string()).reason(reason);
    quotes::hide(&state.db, &state.urls, id, &entry).await?;
    state.deliveries_queued();
    announce(state, id, ThreadChange::QuoteRemoved).await
}

/// Open pages of the quoted story show the change.
async fn announce(state: &AppState, id: i64, change: ThreadChange) -> Result<(), AppError> {
    let found = quote::find_by_id(&state.db, id).await?;
    state.federation.announce(found.story_id, found.id, change);
    Ok(())
}

/// After a block is added or a blocklist imported: every stamp its holder is now blocked for
/// (by account or by server) is withdrawn.
pub async fn after_block(state: &AppState) -> Result<(), AppError> {
    let mut revoked = 0;
    for quoter in quote::blocked_stamp_holders(&state.db).await? {
        revoked += quotes::revoke_all_of(&state.db, &state.urls, &quoter).await?;
    }
    if revoked > 0 {
        state.deliveries_queued();
    }
    Ok(())
}

/// Sets (or clears, with `None`) a story's own quote policy.
pub async fn set_policy(
    state: &AppState,
    by: &Editor,
    slug: &str,
    policy: Option<&str>,
    reason: Option<&str>,
) -> Result<quote::Policy, AppError> {
    let found = story::find_by_slug(&state.db, slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))?;
    let txn = storage::begin_write(&state.db).await?;
    quote::set_story_policy(&txn, &found, policy).await?;
    let action = format!("quote-policy:{}", policy.unwrap_or("default"));
    let entry = Entry::new(by, &action, "story", slug.to_string())
        .story(found.id)
        .reason(reason);
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state
        .federation
        .invalidate(Invalidation::Story(Some(found.id)));
    let site = state.settings.publication.quote_policy;
    Ok(policy.and_then(quote::Policy::parse).unwrap_or(site))
}
