//! "Where's my reply?": what became of a reader's post here, in words a reader understands.

use serde::Serialize;

use crate::{
    domain::moderation::{HELD, HIDDEN, blocks::Blocklist},
    error::AppError,
    storage::{actors, entities::reply},
};

/// A post's state here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Shown under the story.
    Published,
    /// Waiting for an editor.
    Held,
    /// Hidden by an editor.
    Hidden,
    /// Its account or server is blocked here.
    Blocked,
    /// The story was closed to replies before it arrived.
    Closed,
    /// It does not answer one of our stories (or a reply under one), or is not public.
    NotOurs,
    /// It never reached us, and could not be fetched now.
    NeverReceived,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Published => "published",
            State::Held => "held",
            State::Hidden => "hidden",
            State::Blocked => "blocked",
            State::Closed => "closed",
            State::NotOurs => "not_ours",
            State::NeverReceived => "never_received",
        }
    }

    /// What it means, for the reader.
    pub fn explanation(self) -> &'static str {
        match self {
            State::Published => "Your reply is published under the story.",
            State::Held => "Your reply arrived and is waiting for an editor to approve it.",
            State::Hidden => "Your reply arrived, and an editor hid it.",
            State::Blocked => "Replies from your account or your server are not accepted here.",
            State::Closed => "The story was closed to replies, so your reply was not added.",
            State::NotOurs => "This post is not a reply to one of our stories.",
            State::NeverReceived => "Your reply never reached us, and we could not fetch it now.",
        }
    }
}

/// The answer for one post.
#[derive(Debug, Clone, Serialize)]
pub struct Whereabouts {
    pub state: State,
    /// The stored reply, when there is one.
    pub reply_id: Option<i64>,
    pub story_id: Option<i64>,
    /// It had never been delivered, and was fetched and taken in just now.
    pub fetched_now: bool,
    /// More about why, when there is more to say (a fetch's error, a block's reason).
    pub detail: Option<String>,
}

impl Whereabouts {
    pub fn only(state: State, detail: impl Into<String>) -> Self {
        Whereabouts {
            state,
            reply_id: None,
            story_id: None,
            fetched_now: false,
            detail: Some(detail.into()),
        }
    }
}

/// Where a stored reply stands: blocked (its author or server blocked since), hidden
/// (by an editor, or deleted), held, or published.
pub async fn of_stored(
    db: &impl sea_orm::ConnectionTrait,
    stored: &reply::Model,
    blocks: &Blocklist,
) -> Result<Whereabouts, AppError> {
    let author = actors::find_by_id(db, stored.author_id).await?;
    let blocked = author
        .as_ref()
        .and_then(|a| blocks.blocks_actor(&a.ap_id, &a.domain));
    let state = match (&blocked, stored.state.as_str()) {
        (Some(_), _) => State::Blocked,
        _ if stored.deleted_at.is_some() => State::Hidden,
        (None, HELD) => State::Held,
        (None, HIDDEN) => State::Hidden,
        (None, _) => State::Published,
    };
    Ok(Whereabouts {
        state,
        reply_id: Some(stored.id),
        story_id: Some(stored.story_id),
        fetched_now: false,
        detail: blocked.or_else(|| stored.deleted_at.map(|_| "it was deleted".to_string())),
    })
}
