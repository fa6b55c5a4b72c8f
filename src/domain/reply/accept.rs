//! Accepting a reply from another server: the one place, and the one order, in which a reply
//! that the federation layer has verified and parsed becomes part of a story's conversation.
//!
//! 1. the story still takes replies (not closed, not deleted);
//! 2. blocks (the author or their server) and the moderation verdict (keyword rules, the mode);
//! 3. the content was cleaned when the [`ReplyDraft`] was built (`ReplyDraft::new`);
//! 4. stored under its parent, with the story's reply count, by the batching writer
//!    (`super::intake`), which records the carrying activity as received in the same
//!    transaction;
//! 5. the events it causes: webhooks' alerts queued in the transaction that stores it, then,
//!    once committed, [`ReplyEvents`] (open story pages show it).
//!
//! Edits and deletions by the author come through here too, so "where is a reply accepted?"
//! has one answer.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{
    Parent, ReplyDraft, ThreadChange,
    intake::{Intake, Submission, Written},
};
use crate::{
    domain::{
        moderation::{self, Verdict, blocks::Blocklist, standing::Standing},
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
    /// The mode and the per-server policies.
    pub standing: &'a Standing,
    pub close_after_days: u32,
    pub blocks: &'a Blocklist,
}

/// Where an accepted reply is written, and the activity that carried it.
pub struct Writing<'a> {
    pub intake: &'a Intake,
    /// Recorded as received in the reply's transaction; `None` when it already was.
    pub activity_id: Option<&'a str>,
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
    /// The activity that carried it was received before.
    Duplicate,
}

/// Takes in `draft` by `author` under `parent`, in the order the module doc gives.
pub async fn accept(
    db: &impl ConnectionTrait,
    rules: &Rules<'_>,
    draft: &ReplyDraft,
    author: &RemoteActor,
    parent: &Parent,
    writing: Writing<'_>,
    events: &impl ReplyEvents,
) -> Result<Accepted, AppError> {
    if !parent.open_for_replies(db, rules.close_after_days).await? {
        return Ok(Accepted::Closed);
    }
    let verdict = moderation::verdict(rules.standing, rules.blocks, author, &draft.content_html);
    if let Verdict::Refuse(reason) = verdict {
        return Ok(Accepted::Refused(reason));
    }
    let prepared = super::store::prepare(draft, author.id, parent, false, verdict.state())?;
    let submission = Submission {
        reply: prepared,
        activity_id: writing.activity_id.map(str::to_string),
    };
    let stored = match writing.intake.write(submission).await? {
        Written::Stored(stored) => stored,
        Written::Duplicate => return Ok(Accepted::Duplicate),
        // Stored by an earlier activity: the reply it is.
        Written::AlreadyStored => {
            match storage::replies::find_by_ap_id(db, draft.ap_id.as_str()).await? {
                Some(existing) => return Ok(Accepted::Stored(Box::new(existing))),
                None => {
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "a stored reply vanished"
                    )));
                }
            }
        }
    };
    if verdict == Verdict::Show {
        events.conversation_changed(stored.story_id, stored.id, ThreadChange::Added);
    }
    Ok(Accepted::Stored(stored))
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
