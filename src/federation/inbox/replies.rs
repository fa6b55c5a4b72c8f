//! `Create` and `Update` of Note-like objects: replies to our stories and to replies we hold.

use serde_json::Value;

use super::Received;
use crate::{
    domain::ids::host_with_port,
    domain::{
        remote::RemoteActor,
        reply::{self, Parent, accept},
    },
    error::AppError,
    federation::{
        ancestors::{self, Placed, ThreadError},
        context::Federation,
        memo::Moderation,
        protocol::inbound::InboundObject,
    },
    storage::{inbox_jobs, received_activities},
};
use sea_orm::TransactionTrait;

/// A reply whose parent we hold is stored now; one whose parent must be fetched is queued, so
/// the request path never waits on another server. `id` (the activity's) is recorded as seen
/// here, with the effect: in the same transaction as the queued job.
pub async fn create(
    fed: &Federation,
    activity: &Value,
    id: &str,
    signer: &RemoteActor,
    moderation: &Moderation,
) -> Result<Received, AppError> {
    let blocks = &moderation.blocks;
    let Some(object) = authored_object(activity, signer)? else {
        return Ok(Received::Ignored);
    };
    // A quote of one of our stories is not a reply to it, whatever else it answers.
    if let Some(story) = super::quotes::quoted_story(fed, &activity["object"]).await? {
        return super::quotes::create(fed, id, &object, &story, signer, blocks).await;
    }
    let Some(in_reply_to) = object.in_reply_to.clone() else {
        return Ok(Received::Ignored);
    };
    if !object.public {
        // Followers-only and direct replies are not for a public page.
        return Ok(Received::Ignored);
    }
    let Some(parent) = parent_of(fed, &in_reply_to).await? else {
        // A parent on our host that we do not hold does not exist.
        if host_with_port(&in_reply_to) == fed.settings.domain() {
            return Ok(Received::Ignored);
        }
        return queue(fed, activity, id, signer).await;
    };
    // The activity is recorded as received by the writer, in the reply's own transaction.
    answer(ancestors::place_under(fed, object, signer.clone(), parent, id, moderation).await)
}

/// What `in_reply_to` names, when we hold it: one of our stories (they are all on our host,
/// and kept in memory: most replies answer one) or a reply. Deleted stories take no replies.
async fn parent_of(fed: &Federation, in_reply_to: &url::Url) -> Result<Option<Parent>, AppError> {
    if host_with_port(in_reply_to) != fed.settings.domain() {
        return Ok(reply::find(&fed.db, in_reply_to.as_str())
            .await?
            .map(Parent::Reply));
    }
    match fed.memo.story(&fed.db, in_reply_to.as_str()).await? {
        Some(story) => Ok(story.deleted_at.is_none().then_some(Parent::Story(story))),
        None => reply::find_parent(&fed.db, in_reply_to.as_str()).await,
    }
}

/// The inbox's answer for a reply placed now (its parent was ours already).
fn answer(placed: Result<Placed, ThreadError>) -> Result<Received, AppError> {
    match placed {
        Ok(Placed::Stored) => Ok(Received::Processed),
        Ok(Placed::Duplicate) => Ok(Received::Duplicate),
        Ok(Placed::NotOurs) => Ok(Received::Ignored),
        Ok(Placed::Closed) => Err(AppError::Forbidden(
            "replies to this story are closed".into(),
        )),
        Ok(Placed::Refused) => Err(AppError::Forbidden(
            "replies from this account are not accepted".into(),
        )),
        Err(ThreadError::Final(err)) => Err(err),
        Err(ThreadError::Retry(reason)) => Err(AppError::Internal(anyhow::anyhow!(reason))),
    }
}

/// Queues a reply for the inbox worker, recording its id in the same transaction.
async fn queue(
    fed: &Federation,
    activity: &Value,
    id: &str,
    signer: &RemoteActor,
) -> Result<Received, AppError> {
    let actor = signer.ap_id.as_str();
    if inbox_jobs::pending_for(&fed.db, actor).await?
        >= fed.settings.inbox.max_pending_jobs_per_actor
    {
        // Waiting replies go as fast as their parents can be fetched: a minute is a fair guess.
        return Err(AppError::too_many(
            format!("too many replies from {actor} are waiting; retry later"),
            std::time::Duration::from_secs(60),
        ));
    }
    let txn = fed.db.begin().await?;
    if !received_activities::first_seen(&txn, id).await? {
        return Ok(Received::Duplicate);
    }
    inbox_jobs::enqueue(&txn, actor, &activity.to_string()).await?;
    txn.commit().await?;
    fed.jobs.notify_one();
    Ok(Received::Queued)
}

/// An edit by the reply's author. An edit of a reply we never saw is taken as its creation.
pub async fn update(
    fed: &Federation,
    activity: &Value,
    id: &str,
    signer: &RemoteActor,
    moderation: &Moderation,
) -> Result<Received, AppError> {
    let object_type = activity["object"]["type"].as_str().unwrap_or_default();
    if crate::federation::protocol::inbound::id_of(&activity["object"])
        == Some(signer.ap_id.as_str())
    {
        // A profile update: the next key lookup refetches the actor.
        tracing::debug!(actor = %signer.ap_id, object_type, "actor updated");
        return Ok(Received::Ignored);
    }
    let Some(object) = authored_object(activity, signer)? else {
        return Ok(Received::Ignored);
    };
    let Some(existing) = reply::find(&fed.db, object.id.as_str()).await? else {
        return create(fed, activity, id, signer, moderation).await;
    };
    let draft = ancestors::draft_of(&object, &fed.settings.publication.language)?;
    let at = object.updated.unwrap_or_else(chrono::Utc::now);
    accept::accept_edit(&fed.db, &existing, &draft, signer, at, fed).await?;
    // Recorded after the edit: an edit is idempotent, and a refused one stays refused.
    received_activities::first_seen(&fed.db, id).await?;
    Ok(Received::Processed)
}

/// The embedded object, written by the signer on the signer's host. An object of a type we do
/// not show is refused with that reason: accepting it would drop it unseen.
fn authored_object(
    activity: &Value,
    signer: &RemoteActor,
) -> Result<Option<InboundObject>, AppError> {
    let embedded = &activity["object"];
    if !embedded.is_object() {
        // Mastodon always embeds; a bare id would need a fetch we do not make for others.
        return Ok(None);
    }
    let object = InboundObject::parse(embedded)
        .map_err(|e| AppError::Unprocessable(format!("object: {e}")))?;
    if !object.is_reply_type() {
        return Err(AppError::Unprocessable(format!(
            "objects of type {} are not shown as replies",
            object.kind
        )));
    }
    if object.attributed_to != signer.ap_id {
        return Err(AppError::Unprocessable(
            "the object's attributedTo is not the activity's actor".into(),
        ));
    }
    if host_with_port(&object.id) != host_with_port(&signer.ap_id) {
        return Err(AppError::Unprocessable(
            "the object's id is not on the actor's host".into(),
        ));
    }
    Ok(Some(object))
}
