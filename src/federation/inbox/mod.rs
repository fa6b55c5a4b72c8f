//! The inbox: accepts only what is proven. Every request is verified (signature, digest, date,
//! signer = actor, one host for actor and activity), counted against its verified actor's and
//! host's allowances, deduplicated by activity id, then handed to the handler for its type.
//!
//! The id is recorded as seen together with the work it causes: a reply that waits for its
//! parent is queued in the same transaction, so a crash never turns the sender's retry into a
//! "duplicate" of something we lost.

mod delete;
mod follow;
pub mod jobs;
mod quotes;
mod quoting;
mod reactions;
mod replies;
mod verify;

use axum::http::HeaderMap;
use serde_json::Value;

use super::{context::Federation, memo::Moderation, protocol::inbound::id_of};
use crate::{
    domain::ids::host_with_port,
    domain::moderation::blocks::Blocklist,
    domain::remote::RemoteActor,
    error::AppError,
    ratelimit::{Sender, SenderLimits},
    storage::{changes, hosts, received_activities},
};

/// What became of an accepted request.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    Processed,
    /// Seen before: acknowledged, not acted on again.
    Duplicate,
    /// Stored for the inbox worker (its parent must be fetched first).
    Queued,
    /// Understood but nothing we act on (yet).
    Ignored,
}

/// The request as the inbox needs it.
pub struct InboxRequest<'a> {
    pub path_and_query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Verifies and acts on one request. `limits` counts requests by the *verified* signer and its
/// host, so nobody can spend another server's allowance by naming its key.
pub async fn receive(
    fed: &Federation,
    request: InboxRequest<'_>,
    limits: &SenderLimits,
) -> Result<Received, AppError> {
    let activity: Value = serde_json::from_slice(request.body)
        .map_err(|e| AppError::BadRequest(format!("the body is not JSON: {e}")))?;
    let envelope = Envelope::read(&activity)?;
    // Loaded before verification: a blocked server's keys are never even fetched.
    let moderation = fed
        .memo
        .moderation(&fed.db, fed.settings.moderation.default_mode())
        .await?;
    let blocks = &moderation.blocks;
    let signer = match signer_of(fed, &request, &activity, &envelope, blocks).await {
        // A blocked account's keys are not fetched; one we hold may still be told no. Only a
        // quote request needs that answer, so nothing else pays for a signature check here.
        Err(AppError::Forbidden(reason)) => {
            if envelope.kind == "QuoteRequest"
                && let Some(known) = verify::verify_stored(fed, &request).await
            {
                refuse_blocked_quote(fed, &activity, &envelope, &known).await;
            }
            return Err(AppError::Forbidden(reason));
        }
        outcome => outcome?,
    };
    let Some(signer) = signer else {
        return Ok(Received::Ignored);
    };
    admit(fed, limits, blocks, &signer, &activity, &envelope).await?;
    revive_host(fed, &host_with_port(&signer.ap_id)).await?;
    if !first_time(fed, &envelope).await? {
        return Ok(Received::Duplicate);
    }
    let outcome = dispatch(fed, &activity, &envelope, &signer, &moderation).await;
    if outcome
        .as_ref()
        .is_err_and(|e| e.status().is_server_error())
    {
        forget(fed, envelope.id).await;
    }
    outcome
}

/// A host that writes to us is alive: deliveries waiting for it resume. Nearly every request
/// comes from a host known to be alive, which costs no read.
async fn revive_host(fed: &Federation, host: &str) -> Result<(), AppError> {
    if fed.memo.known_alive(host) {
        return Ok(());
    }
    let generation = changes::generation(changes::Table::Hosts);
    if hosts::revive(&fed.db, host).await? {
        tracing::info!(host, "host revived");
        fed.wake.notify_one();
    }
    fed.memo.found_alive(host, generation);
    Ok(())
}

/// The verified signer and its host within their allowances, and neither it nor its server
/// blocked (a block refuses everything they send).
async fn admit(
    fed: &Federation,
    limits: &SenderLimits,
    blocks: &Blocklist,
    signer: &RemoteActor,
    activity: &Value,
    envelope: &Envelope<'_>,
) -> Result<(), AppError> {
    if let Err(refused) = limits.admit(&signer.domain, signer.ap_id.as_str()) {
        let from = match refused.by {
            Sender::Actor => signer.ap_id.as_str(),
            Sender::Host => &signer.domain,
        };
        return Err(AppError::too_many(
            format!("too many requests from {from}; retry later"),
            refused.retry_after,
        ));
    }
    if let Some(reason) = blocks.blocks_actor(signer.ap_id.as_str(), &signer.domain) {
        refuse_blocked_quote(fed, activity, envelope, signer).await;
        return Err(AppError::Forbidden(reason));
    }
    Ok(())
}

/// A blocked account's quote request is answered with a `Reject` (FEP-044f), once it is proven
/// to come from that account.
async fn refuse_blocked_quote(
    fed: &Federation,
    activity: &Value,
    envelope: &Envelope<'_>,
    signer: &RemoteActor,
) {
    if envelope.kind == "QuoteRequest" && signer.ap_id.as_str() == envelope.actor {
        quotes::refuse_blocked(fed, activity, envelope.actor).await;
    }
}

/// After a failure on our side: forget the id, so the sender's retry is processed instead of
/// being taken for a duplicate and lost.
async fn forget(fed: &Federation, id: &str) {
    if let Err(err) = received_activities::forget(&fed.db, id).await {
        tracing::error!(error = %err, activity = id, "cannot forget a failed activity");
    }
}

/// The verified signer, who must be the activity's actor. `None` for a deleted account's own
/// `Delete`: it cannot be verified (its key is gone with it) and we hold nothing of an account
/// we cannot fetch, so it is acknowledged and the sender stops.
async fn signer_of(
    fed: &Federation,
    request: &InboxRequest<'_>,
    activity: &Value,
    envelope: &Envelope<'_>,
    blocks: &Blocklist,
) -> Result<Option<RemoteActor>, AppError> {
    let signer = match verify::verify(fed, request, blocks).await {
        Ok(signer) => signer,
        Err(AppError::Gone(_))
            if envelope.kind == "Delete" && id_of(&activity["object"]) == Some(envelope.actor) =>
        {
            return Ok(None);
        }
        Err(AppError::Gone(_)) => {
            return Err(AppError::Signature("the signing actor is gone".into()));
        }
        Err(err) => return Err(err),
    };
    if signer.ap_id.as_str() != envelope.actor {
        return Err(AppError::Signature(format!(
            "signed by {} but the activity's actor is {}",
            signer.ap_id, envelope.actor
        )));
    }
    Ok(Some(signer))
}

/// Whether the activity is new. Replies record their id with their effect (see
/// `replies::create`), so for them this only reads; everything else is recorded here.
async fn first_time(fed: &Federation, envelope: &Envelope<'_>) -> Result<bool, AppError> {
    // Every path of a `Create` records its id with its effect and answers a repeat as a
    // duplicate there (the reply writer, the queue, a quote), so no read is spent on it here.
    if envelope.kind == "Create" {
        return Ok(true);
    }
    // A repeated `QuoteRequest` is answered again, with the same stamp: answering is idempotent.
    if matches!(envelope.kind, "Update" | "QuoteRequest") {
        Ok(!received_activities::seen(&fed.db, envelope.id).await?)
    } else {
        Ok(received_activities::first_seen(&fed.db, envelope.id).await?)
    }
}

async fn dispatch(
    fed: &Federation,
    activity: &Value,
    envelope: &Envelope<'_>,
    signer: &RemoteActor,
    moderation: &Moderation,
) -> Result<Received, AppError> {
    let blocks = &moderation.blocks;
    match envelope.kind {
        "Follow" => follow::follow(fed, activity, signer).await,
        "Undo" if object_type(activity) == Some("Follow") => {
            follow::undo(fed, activity, signer).await
        }
        "Undo" => match reactions::undo(fed, activity, signer).await? {
            // An Undo naming only an id may be of a Follow.
            Received::Ignored if activity["object"].is_string() => {
                follow::undo(fed, activity, signer).await
            }
            outcome => Ok(outcome),
        },
        "Create" => replies::create(fed, activity, envelope.id, signer, moderation).await,
        "Update" => replies::update(fed, activity, envelope.id, signer, moderation).await,
        "Delete" => delete::delete(fed, activity, signer).await,
        "Flag" => reactions::flag(fed, activity, signer).await,
        "QuoteRequest" => quotes::request(fed, activity, signer, blocks).await,
        "Accept" => quoting::answer(fed, activity, signer, true).await,
        "Reject" => quoting::answer(fed, activity, signer, false).await,
        kind => match reactions::is_interaction(kind) {
            Some(interaction) => reactions::like_or_boost(fed, activity, interaction, signer).await,
            None => {
                tracing::debug!(kind, id = envelope.id, "activity ignored");
                Ok(Received::Ignored)
            }
        },
    }
}

/// The fields every activity must have, checked before anything else.
struct Envelope<'a> {
    id: &'a str,
    kind: &'a str,
    actor: &'a str,
}

impl<'a> Envelope<'a> {
    fn read(activity: &'a Value) -> Result<Self, AppError> {
        let id = activity["id"]
            .as_str()
            .ok_or_else(|| AppError::BadRequest("the activity has no id".into()))?;
        let kind = activity["type"]
            .as_str()
            .ok_or_else(|| AppError::BadRequest("the activity has no type".into()))?;
        let actor = id_of(&activity["actor"])
            .ok_or_else(|| AppError::BadRequest("the activity has no actor".into()))?;
        let (id_url, actor_url) = match (url::Url::parse(id), url::Url::parse(actor)) {
            (Ok(i), Ok(a)) => (i, a),
            _ => {
                return Err(AppError::BadRequest(
                    "the activity's id and actor must be URLs".into(),
                ));
            }
        };
        if host_with_port(&id_url) != host_with_port(&actor_url) {
            return Err(AppError::Unprocessable(
                "the activity's id and actor are on different hosts".into(),
            ));
        }
        Ok(Envelope { id, kind, actor })
    }
}

fn object_type(activity: &Value) -> Option<&str> {
    activity["object"].get("type").and_then(Value::as_str)
}
