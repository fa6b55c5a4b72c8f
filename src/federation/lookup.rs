//! "Where's my reply?" for a post's address: what we hold of it, and for a post that never
//! reached us, a fetch then and there (signed, through the origin rules and the outbound
//! guard) and the same intake as a delivered reply (`ancestors::place`, which ends in
//! `domain::reply::accept`), answered with the outcome. Our own host is never fetched.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
};

use url::Url;

use super::{
    ancestors::{self, Budget, Placed, ThreadError},
    context::Federation,
    memo::Moderation,
    origin,
};
use crate::{
    domain::{
        ids::host_with_port,
        reply::whereabouts::{self, State, Whereabouts},
    },
    error::AppError,
    storage::replies,
};

/// The address a reader typed, as a web URL; anything else is a clear 422.
pub fn parse_address(address: &str) -> Result<Url, AppError> {
    let refuse = || {
        AppError::Unprocessable(
            "paste the full address (http:// or https://) of your post on your server".into(),
        )
    };
    let url = Url::parse(address.trim()).map_err(|_| refuse())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(refuse());
    }
    Ok(url)
}

/// Addresses being looked up now in this process: a second look-up of the same post waits for
/// no fetch of its own (and cannot race the first one into storing it twice).
fn in_flight() -> &'static Mutex<HashSet<String>> {
    static IN_FLIGHT: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    IN_FLIGHT.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Removes its address from [`in_flight`] when the look-up ends, however it ends.
struct InFlight(String);

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut set) = in_flight().lock() {
            set.remove(&self.0);
        }
    }
}

/// Where the post at `url` stands here, fetching and taking it in when we never received it.
pub async fn locate(fed: &Federation, url: &Url) -> Result<Whereabouts, AppError> {
    let started = in_flight()
        .lock()
        .map(|mut set| set.insert(url.to_string()))
        .unwrap_or(false);
    if !started {
        return Ok(Whereabouts::only(
            State::NeverReceived,
            "we are fetching it right now; ask again in a moment",
        ));
    }
    let _done = InFlight(url.to_string());
    find_or_fetch(fed, url).await
}

async fn find_or_fetch(fed: &Federation, url: &Url) -> Result<Whereabouts, AppError> {
    let moderation = fed
        .memo
        .moderation(&fed.db, fed.settings.moderation.default_mode())
        .await?;
    let blocks = &moderation.blocks;
    if let Some(stored) = replies::find_by_address(&fed.db, url.as_str()).await? {
        return whereabouts::of_stored(&fed.db, &stored, blocks).await;
    }
    if origin::is_ours(&fed.settings, url) {
        return Ok(Whereabouts::only(
            State::NotOurs,
            "this address is on this site: paste the address of your post on your own server",
        ));
    }
    if let Some(reason) = blocks.blocks_actor("", &host_with_port(url)) {
        return Ok(Whereabouts::only(State::Blocked, reason));
    }
    let fetched = match origin::fetch(fed, url).await {
        Ok(fetched) => fetched,
        Err(err) => {
            return Ok(Whereabouts::only(
                State::NeverReceived,
                format!("we could not fetch it: {err}"),
            ));
        }
    };
    let Some(object) = ancestors::checked(&fetched.id, &fetched.document) else {
        return Ok(Whereabouts::only(
            State::NotOurs,
            "that address is not a post its own server vouches for",
        ));
    };
    // The address pasted may have been the post's page rather than its id.
    if let Some(stored) = replies::find_by_address(&fed.db, object.id.as_str()).await? {
        return whereabouts::of_stored(&fed.db, &stored, blocks).await;
    }
    if let Some(reason) = blocks.blocks_actor(
        object.attributed_to.as_str(),
        &host_with_port(&object.attributed_to),
    ) {
        return Ok(Whereabouts::only(State::Blocked, reason));
    }
    if !object.public {
        return Ok(Whereabouts::only(
            State::NotOurs,
            "the post is not public (followers-only and direct posts are not shown)",
        ));
    }
    take_in(fed, object, &moderation).await
}

/// Takes in a fetched post as if it had been delivered, and says what became of it.
async fn take_in(
    fed: &Federation,
    object: super::protocol::inbound::InboundObject,
    moderation: &Moderation,
) -> Result<Whereabouts, AppError> {
    let blocks = &moderation.blocks;
    let id = object.id.clone();
    let mut budget = Budget::new(fed);
    let placed = ancestors::place(fed, object, None, &mut budget, moderation).await;
    Ok(match placed {
        // A look-up names no activity, so it is never a duplicate; either way the reply is here.
        Ok(Placed::Stored | Placed::Duplicate) => {
            match replies::find_by_ap_id(&fed.db, id.as_str()).await? {
                Some(stored) => Whereabouts {
                    fetched_now: true,
                    ..whereabouts::of_stored(&fed.db, &stored, blocks).await?
                },
                None => Whereabouts::only(State::NeverReceived, "it could not be stored"),
            }
        }
        Ok(Placed::NotOurs) => Whereabouts::only(
            State::NotOurs,
            "it does not answer one of our stories, or a reply under one",
        ),
        Ok(Placed::Closed) => Whereabouts::only(State::Closed, "the story is closed to replies"),
        Ok(Placed::Refused) => Whereabouts::only(
            State::Blocked,
            "its account or server (or one above it in the thread) is blocked",
        ),
        Err(ThreadError::Retry(reason)) => Whereabouts::only(
            State::NeverReceived,
            format!(
                "its server, or one above it in the thread, did not answer: {reason}; try again later"
            ),
        ),
        Err(ThreadError::Final(err)) => Whereabouts::only(
            State::NeverReceived,
            format!("it cannot be taken in: {err}"),
        ),
    })
}
