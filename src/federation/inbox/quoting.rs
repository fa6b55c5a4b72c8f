//! Answers to the newsroom's own quote requests (FEP-044f, the quoting side): the quoted
//! author's server `Accept`s with a stamp, `Reject`s, or later `Delete`s the stamp.
//!
//! A stamp is believed only from the quoted author's own server and only when it says what it
//! must: written by them, for our Note, of their post. It is fetched, never taken from the
//! `Accept`, so nobody can hand us a stamp its author never issued.

use serde_json::Value;
use url::Url;

use super::Received;
use crate::{
    domain::{
        ids::Urls,
        quoting::{self, Asked},
        remote::RemoteActor,
        reply::ThreadChange,
    },
    error::AppError,
    federation::{
        context::Federation,
        objects::story::Site,
        origin::{self, same_origin},
        outbox::notes,
        protocol::inbound::id_of,
    },
    storage::replies,
};

/// An `Accept` or `Reject` naming a request of ours. `Ignored` when it names none (it may
/// answer something else, e.g. a Follow).
pub async fn answer(
    fed: &Federation,
    activity: &Value,
    signer: &RemoteActor,
    accepted: bool,
) -> Result<Received, AppError> {
    let Some(request_id) = id_of(&activity["object"]) else {
        return Ok(Received::Ignored);
    };
    let Some(asked) = quoting::asked_of(&fed.db, request_id, signer).await? else {
        return Ok(Received::Ignored);
    };
    let changed = if accepted {
        let stamp = checked_stamp(fed, activity, signer, &asked).await?;
        quoting::accepted(&fed.db, &asked, stamp.as_str()).await?
    } else {
        quoting::rejected(&fed.db, &asked).await?
    };
    if changed {
        tracing::info!(quoted = %asked.quoted_ap_id(), accepted, "answer to our quote request");
        republish(fed, asked.reply_id()).await?;
    }
    Ok(Received::Processed)
}

/// A `Delete` of a stamp the quoted author gave us: our quote no longer stands. False when
/// `object` is not such a stamp.
pub async fn stamp_withdrawn(
    fed: &Federation,
    object: &str,
    signer: &RemoteActor,
) -> Result<bool, AppError> {
    let Some(reply_id) = quoting::withdrawn(&fed.db, object, signer).await? else {
        return Ok(false);
    };
    tracing::info!(stamp = object, "our quote's stamp was withdrawn");
    republish(fed, reply_id).await?;
    Ok(true)
}

/// The stamp the `Accept` names, fetched from the quoted author's server and checked.
async fn checked_stamp(
    fed: &Federation,
    activity: &Value,
    signer: &RemoteActor,
    asked: &Asked,
) -> Result<Url, AppError> {
    let named = id_of(&activity["result"]).ok_or_else(|| {
        AppError::Unprocessable("an Accept of a quote request names its stamp in `result`".into())
    })?;
    let named = Url::parse(named)
        .map_err(|_| AppError::Unprocessable("the stamp's id is not a URL".into()))?;
    if !same_origin(&named, &signer.ap_id) {
        return Err(AppError::Unprocessable(
            "the stamp must be on the quoted author's own server".into(),
        ));
    }
    let fetched = origin::fetch(fed, &named).await.map_err(|err| {
        if err.is_temporary() {
            // Our 5xx makes the sender retry the Accept later, when the stamp may answer.
            AppError::Internal(anyhow::anyhow!("the stamp {named} did not answer: {err}"))
        } else {
            AppError::Unprocessable(format!("the stamp {named} cannot be used: {err}"))
        }
    })?;
    let stamp = &fetched.document;
    let our_note = replies::find_by_id(&fed.db, asked.reply_id())
        .await?
        .map(|r| r.ap_id)
        .unwrap_or_default();
    let says = |field: &str, expected: &str| id_of(&stamp[field]) == Some(expected);
    if stamp["type"].as_str() != Some("QuoteAuthorization")
        || !says("attributedTo", signer.ap_id.as_str())
        || !says("interactingObject", &our_note)
        || !says("interactionTarget", asked.quoted_ap_id())
    {
        return Err(AppError::Unprocessable(
            "the stamp does not authorize this quote".into(),
        ));
    }
    Ok(fetched.id)
}

/// Our Note again, as an `Update` to everyone who got it, and the change on open pages.
async fn republish(fed: &Federation, reply_id: i64) -> Result<(), AppError> {
    let urls = Urls::new(&fed.settings.public_url);
    let site = Site {
        urls: &urls,
        settings: &fed.settings,
    };
    notes::republish(&fed.db, &site, reply_id).await?;
    fed.wake.notify_one();
    if let Some(ours) = replies::find_by_id(&fed.db, reply_id).await? {
        fed.announce(ours.story_id, ours.id, ThreadChange::Changed);
    }
    Ok(())
}
