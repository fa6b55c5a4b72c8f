//! The outbox: everything we send goes through the persistent queue. Activities are built here and written,
//! with one delivery row per target inbox, in the caller's transaction. The delivery worker
//! (`federation::delivery`) sends them.

pub mod activities;
pub mod fanout;
pub mod follows;
pub mod notes;
pub mod picks;
pub mod quotes;

use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::{domain::follow::Target, error::AppError, storage::deliveries};

/// Queues `activity` (signed by local actor `actor_id`) for each target.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    actor_id: i64,
    activity: &Value,
    targets: &[Target],
) -> Result<(), AppError> {
    if targets.is_empty() {
        return Ok(());
    }
    let ap_id = activity["id"].as_str().unwrap_or_default();
    let kind = activity["type"].as_str().unwrap_or_default();
    let inboxes: Vec<(String, String)> = targets
        .iter()
        .map(|t| (t.inbox.to_string(), t.host.clone()))
        .collect();
    let count =
        deliveries::enqueue(db, ap_id, actor_id, kind, &activity.to_string(), &inboxes).await?;
    tracing::debug!(activity = ap_id, kind, count, "deliveries queued");
    Ok(())
}
