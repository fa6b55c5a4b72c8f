//! Removing a follower from our side: the edge goes, and a `Reject` of their Follow tells their
//! server to stop showing them as following.

use sea_orm::DatabaseConnection;

use super::{activities, enqueue};
use crate::{
    domain::ids::host_with_port,
    domain::{actor::LocalActor, follow},
    error::AppError,
};

/// Returns false when `follower_ap_id` does not follow `actor`.
pub async fn remove_follower(
    db: &DatabaseConnection,
    actor: &LocalActor,
    follower_ap_id: &str,
) -> Result<bool, AppError> {
    let Some((edge, follower)) = follow::find_follower(db, actor.id, follower_ap_id).await? else {
        return Ok(false);
    };
    let stub = activities::follow_stub(&edge.follow_ap_id, &follower.ap_id, &actor.ap_id);
    let reject = activities::reject(&actor.ap_id, &stub);
    let target = follow::Target {
        host: host_with_port(&follower.inbox),
        inbox: follower.inbox.clone(),
    };
    let txn = crate::storage::begin_write(db).await?;
    follow::remove(&txn, actor.id, follower.id).await?;
    enqueue(&txn, actor.id, &reject, &[target]).await?;
    txn.commit().await?;
    Ok(true)
}
