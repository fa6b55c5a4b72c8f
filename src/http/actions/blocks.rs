//! Blocks and blocklist imports: the change and its log entry in one transaction, then word to
//! every replica's caches, then the quote stamps the block withdraws.

use crate::{
    domain::moderation::{
        blocks,
        log::{self, Editor, Entry},
    },
    error::AppError,
    federation::context::Invalidation,
    http::actions::quotes,
    state::AppState,
    storage,
};

pub async fn add(
    state: &AppState,
    by: &Editor,
    kind: &str,
    value: &str,
    reason: &str,
) -> Result<(), AppError> {
    let txn = storage::begin_write(&state.db).await?;
    blocks::add(&txn, kind, value, reason).await?;
    let mut entry = Entry::new(by, "block", kind, value.trim().to_string()).reason(Some(reason));
    if kind == blocks::ACTOR {
        entry = entry.account(value.trim());
    }
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state.federation.invalidate(Invalidation::Moderation);
    quotes::after_block(state).await
}

/// Removes block `id`; false when there is none.
pub async fn remove(
    state: &AppState,
    by: &Editor,
    id: i64,
    reason: Option<&str>,
) -> Result<bool, AppError> {
    let txn = storage::begin_write(&state.db).await?;
    let Some(removed) = blocks::take(&txn, id).await? else {
        return Ok(false);
    };
    let mut entry = Entry::new(by, "unblock", &removed.kind, removed.value.clone()).reason(reason);
    if removed.kind == blocks::ACTOR {
        entry = entry.account(&removed.value);
    }
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state.federation.invalidate(Invalidation::Moderation);
    Ok(true)
}

/// Imports a Mastodon-format CSV once; returns how many domains it named.
pub async fn import(state: &AppState, by: &Editor, csv: &str) -> Result<usize, AppError> {
    let txn = storage::begin_write(&state.db).await?;
    let count = blocks::import_csv(&txn, csv).await?;
    let entry = Entry::new(by, "block", "blocklist", format!("{count} domains"));
    log::record(&txn, &entry).await?;
    txn.commit().await?;
    state.federation.invalidate(Invalidation::Moderation);
    quotes::after_block(state).await?;
    Ok(count)
}

/// Subscribes to a published blocklist; it is fetched at once and then periodically.
pub async fn subscribe(state: &AppState, by: &Editor, url: &url::Url) -> Result<(), AppError> {
    let txn = storage::begin_write(&state.db).await?;
    storage::blocklist_subscriptions::add(&txn, url.as_str()).await?;
    log::record(
        &txn,
        &Entry::new(by, "subscribe", "blocklist", url.to_string()),
    )
    .await?;
    txn.commit().await?;
    state.federation.blocklists.notify_one();
    Ok(())
}
