//! `Follow` and `Undo{Follow}` on the publication or an author.

use serde_json::Value;

use super::Received;
use crate::federation::protocol::inbound::id_of;
use crate::{
    domain::ids::host_with_port,
    domain::{
        actor::{self, LocalActor, Role},
        follow::{self, Target},
        remote::RemoteActor,
    },
    error::AppError,
    federation::{context::Federation, outbox},
};

/// Stores the follower and queues the `Accept`, in one transaction.
pub async fn follow(
    fed: &Federation,
    activity: &Value,
    follower: &RemoteActor,
) -> Result<Received, AppError> {
    let followed = followable(fed, id_of(&activity["object"])).await?;
    let follow_id = activity["id"].as_str().unwrap_or_default();
    let stub = outbox::activities::follow_stub(follow_id, &follower.ap_id, &followed.ap_id);
    let accept = outbox::activities::accept(&followed.ap_id, &stub);
    let txn = crate::storage::begin_write(&fed.db).await?;
    follow::add(&txn, followed.id, follower, follow_id).await?;
    outbox::enqueue(&txn, followed.id, &accept, &[personal_inbox(follower)]).await?;
    txn.commit().await?;
    fed.wake.notify_one();
    tracing::info!(follower = %follower.ap_id, followed = %followed.ap_id, "new follower");
    Ok(Received::Processed)
}

/// Removes the follower named by the undone Follow (embedded, or by id).
pub async fn undo(
    fed: &Federation,
    activity: &Value,
    follower: &RemoteActor,
) -> Result<Received, AppError> {
    let object = &activity["object"];
    if let Some(actor) = object.get("actor")
        && id_of(actor) != Some(follower.ap_id.as_str())
    {
        return Err(AppError::Unprocessable(
            "cannot undo someone else's Follow".into(),
        ));
    }
    let followed = match object.get("object") {
        Some(target) => followable(fed, id_of(target)).await?,
        // Only the Follow's id: the follow edge remembers which of our actors it was for.
        None => {
            let follow_id = id_of(object).unwrap_or_default();
            match followed_by_follow_id(fed, follower, follow_id).await? {
                Some(actor) => actor,
                None => return Ok(Received::Ignored),
            }
        }
    };
    let removed = follow::remove(&fed.db, followed.id, follower.id).await?;
    tracing::info!(follower = %follower.ap_id, followed = %followed.ap_id, removed = removed.is_some(), "unfollowed");
    Ok(Received::Processed)
}

async fn followable(fed: &Federation, id: Option<&str>) -> Result<LocalActor, AppError> {
    let id = id.ok_or_else(|| AppError::BadRequest("the Follow has no object".into()))?;
    match actor::find_by_ap_id(&fed.db, id).await? {
        Some(actor) if actor.role != Role::Instance => Ok(actor),
        _ => Err(AppError::Unprocessable(format!(
            "{id} is not an account here that can be followed"
        ))),
    }
}

async fn followed_by_follow_id(
    fed: &Federation,
    follower: &RemoteActor,
    follow_id: &str,
) -> Result<Option<LocalActor>, AppError> {
    match follow::followed_by_follow(&fed.db, follower.id, follow_id).await? {
        Some(actor_id) => actor::find_by_id(&fed.db, actor_id).await,
        None => Ok(None),
    }
}

/// Accepts go to the follower's own inbox: they concern that actor alone.
fn personal_inbox(follower: &RemoteActor) -> Target {
    Target {
        host: host_with_port(&follower.inbox),
        inbox: follower.inbox.clone(),
    }
}
