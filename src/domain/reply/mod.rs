//! Replies: what the fediverse says under a story. A reply from another server is taken in by
//! [`accept`] (the one intake); its content is cleaned as a [`ReplyDraft`] (`draft`), placed
//! under its [`Parent`] (`parent`), and stored, edited or removed with the story's counts
//! (`store`). The newsroom's own answers are `local`; the page's tree is built by `thread`.

pub mod accept;
pub mod conversation;
mod draft;
pub mod featured;
pub mod intake;
pub mod local;
pub mod paged;
mod parent;
pub mod presentation;
pub mod sanitize;
mod store;
pub mod thread;
pub mod whereabouts;

pub use draft::ReplyDraft;
pub use parent::{Parent, find_parent};
pub use store::{edit, remove, remove_all_by, remove_by_editor, store};

use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    storage::{entities::reply, replies},
};

/// A change to a story's conversation, announced to open story pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadEvent {
    pub story_id: i64,
    /// The reply's row id; for the quote changes, the quote's.
    pub reply_id: i64,
    pub kind: ThreadChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThreadChange {
    Added,
    Changed,
    Removed,
    /// A quote of the story now shows under "Quoted by".
    QuoteShown,
    /// A quote of the story no longer shows.
    QuoteRemoved,
}

/// Deeper threads are refused: no conversation needs them and every level costs a fetch.
pub const MAX_DEPTH: i32 = 64;

pub async fn find(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<reply::Model>, AppError> {
    Ok(replies::find_by_ap_id(db, ap_id).await?)
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<reply::Model>, AppError> {
    Ok(replies::find_by_id(db, id).await?)
}
