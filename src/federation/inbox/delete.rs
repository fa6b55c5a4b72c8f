//! `Delete` of a reply or a quote (by its author), of a stamp given to one of our quotes, or of
//! an actor (everything they wrote goes).

use serde_json::Value;

use super::Received;
use crate::{
    domain::{
        quote,
        remote::RemoteActor,
        reply::{self, ThreadChange},
    },
    error::AppError,
    federation::{
        context::{Federation, Invalidation},
        protocol::inbound::id_of,
    },
    storage::followers,
};

pub async fn delete(
    fed: &Federation,
    activity: &Value,
    signer: &RemoteActor,
) -> Result<Received, AppError> {
    let object = id_of(&activity["object"])
        .ok_or_else(|| AppError::BadRequest("the Delete has no object".into()))?;
    if object == signer.ap_id.as_str() {
        let removed = reply::remove_all_by(&fed.db, signer.id).await?;
        quote::remove_all_by(&fed.db, signer.id).await?;
        followers::delete_follower_everywhere(&fed.db, signer.id).await?;
        fed.invalidate(Invalidation::RemoteActor(Some(signer.id)));
        tracing::info!(actor = %signer.ap_id, removed, "actor deleted");
        return Ok(Received::Processed);
    }
    let Some(existing) = reply::find(&fed.db, object).await? else {
        if super::quoting::stamp_withdrawn(fed, object, signer).await? {
            return Ok(Received::Processed);
        }
        return match quote::withdraw_by_author(&fed.db, object, signer).await? {
            Some(gone) => {
                fed.announce(gone.story_id, gone.id, ThreadChange::QuoteRemoved);
                Ok(Received::Processed)
            }
            None => Ok(Received::Ignored),
        };
    };
    reply::accept::accept_deletion(&fed.db, &existing, signer, fed).await?;
    // A deleted pick stops being one, and the publication's boost of it is undone.
    if existing.featured_at.is_some() {
        let urls = crate::domain::ids::Urls::new(&fed.settings.public_url);
        crate::federation::outbox::picks::unfeature_in(&fed.db, &urls, &existing).await?;
        fed.wake.notify_one();
    }
    Ok(Received::Processed)
}
