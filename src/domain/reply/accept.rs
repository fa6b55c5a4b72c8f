//! Accepting a reply from another server: the one place, and the one order, in which a reply
//! that the federation layer has verified and parsed becomes part of a story's conversation.
//!
//! 1. the story still takes replies (not closed, not deleted);
//! 2. blocks (the author or their server) and the moderation verdict (keyword rules, the mode);
//! 3. the content was cleaned when the [`ReplyDraft`] was built (`ReplyDraft::new`);
//! 4. stored under its parent, with the story's reply count;
//! 5. the events it causes: webhooks' alerts queued in the transaction that stores it, then,
//!    once committed, [`ReplyEvents`] (open story pages show it).
//!
//! Edits and deletions by the author come through here too, so "where is a reply accepted?"
//! has one answer.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use super::{Parent, ReplyDraft, ThreadChange};
use crate::{
    domain::{
        alerts,
        moderation::{self, Mode, Verdict, blocks::Blocklist},
        remote::RemoteActor,
    },
    error::AppError,
    storage::{self, entities::reply},
};

/// What a conversation change causes outside the database. The domain says when; the
/// federation layer (which owns the live-update channel) says how.
pub trait ReplyEvents: Send + Sync {
    fn conversation_changed(&self, story_id: i64, reply_id: i64, change: ThreadChange);
}

/// The rules in force for one incoming activity (the blocklist is loaded once for it).
pub struct Rules<'a> {
    pub configured_mode: Mode,
    pub close_after_days: u32,
    pub blocks: &'a Blocklist,
}

/// What became of a reply.
#[derive(Debug)]
pub enum Accepted {
    /// Stored, shown or held for an editor (the row says which).
    Stored(Box<reply::Model>),
    /// A block refuses it; the reason is for the log.
    Refused(String),
    /// The story is closed to replies.
    Closed,
}

/// Takes in `draft` by `author` under `parent`, in the order the module doc gives.
pub async fn accept(
    db: &(impl ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>),
    rules: &Rules<'_>,
    draft: &ReplyDraft,
    author: &RemoteActor,
    parent: &Parent,
    events: &impl ReplyEvents,
) -> Result<Accepted, AppError> {
    if !parent.open_for_replies(db, rules.close_after_days).await? {
        return Ok(Accepted::Closed);
    }
    let verdict = moderation::verdict(
        db,
        rules.configured_mode,
        rules.blocks,
        author,
        &draft.content_html,
    )
    .await?;
    if let Verdict::Refuse(reason) = verdict {
        return Ok(Accepted::Refused(reason));
    }
    let txn = storage::begin_write(db).await?;
    let stored = super::store(&txn, draft, author.id, parent, false, verdict.state()).await?;
    alerts::events::reply(&txn, &stored).await?;
    txn.commit().await?;
    if verdict == Verdict::Show {
        events.conversation_changed(stored.story_id, stored.id, ThreadChange::Added);
    }
    Ok(Accepted::Stored(Box::new(stored)))
}

/// An edit of `existing` by `author`: only the reply's own author may edit it.
pub async fn accept_edit(
    db: &impl ConnectionTrait,
    existing: &reply::Model,
    draft: &ReplyDraft,
    author: &RemoteActor,
    at: DateTime<Utc>,
    events: &impl ReplyEvents,
) -> Result<(), AppError> {
    if existing.author_id != author.id {
        return Err(AppError::Unprocessable(
            "only the author can edit a reply".into(),
        ));
    }
    super::edit(db, existing, draft, at).await?;
    events.conversation_changed(existing.story_id, existing.id, ThreadChange::Changed);
    Ok(())
}

/// A deletion of `existing` by `author`: only the reply's own author may delete it.
pub async fn accept_deletion(
    db: &impl ConnectionTrait,
    existing: &reply::Model,
    author: &RemoteActor,
    events: &impl ReplyEvents,
) -> Result<(), AppError> {
    if existing.author_id != author.id {
        return Err(AppError::Unprocessable(
            "only the author can delete a reply".into(),
        ));
    }
    super::remove(db, existing).await?;
    events.conversation_changed(existing.story_id, existing.id, ThreadChange::Removed);
    Ok(())
}
