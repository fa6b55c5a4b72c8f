//! Storing, editing and removing replies, with the story's reply count kept exact.

use std::sync::atomic::{AtomicI64, Ordering};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use url::Url;

use super::{MAX_DEPTH, Parent, ReplyDraft, presentation::Presentation};
use crate::{
    domain::links::is_web,
    error::AppError,
    storage::{
        entities::reply,
        replies::{self, AsPosted, VISIBLE},
        stories,
    },
};

/// Stores a reply under `parent` in `state` (`visible`, or `held` for an editor). A reply
/// already held is left as it is (re-deliveries and backfill find the same replies again).
pub async fn store(
    db: &impl ConnectionTrait,
    draft: &ReplyDraft,
    author_id: i64,
    parent: &Parent,
    local: bool,
    state: &str,
) -> Result<reply::Model, AppError> {
    if let Some(existing) = replies::find_by_ap_id(db, draft.ap_id.as_str()).await? {
        return Ok(existing);
    }
    let prepared = prepare(draft, author_id, parent, local, state)?;
    let stored = replies::insert(db, prepared.row)
        .await
        .context("cannot store the reply")?;
    if prepared.visible {
        count_reply(db, prepared.story_id, 1).await?;
    }
    Ok(stored)
}

/// A reply checked and placed under its parent, ready to be inserted (alone by [`store`], or
/// with others by the inbox's batching writer, `super::intake`).
pub struct PreparedReply {
    pub row: reply::ActiveModel,
    pub ap_id: String,
    pub story_id: i64,
    /// Counted in the story's replies once stored.
    pub visible: bool,
}

/// Checks `draft` and places it under `parent`, without touching the database.
pub fn prepare(
    draft: &ReplyDraft,
    author_id: i64,
    parent: &Parent,
    local: bool,
    state: &str,
) -> Result<PreparedReply, AppError> {
    // The fields are public, so the rule is checked here too, whoever built the draft.
    if !is_web(&draft.ap_id) {
        return Err(AppError::Unprocessable(
            "a reply's id must be an http(s) URL".into(),
        ));
    }
    let placement = Placement::under(parent, draft.published)?;
    let story_id = placement.story_id;
    Ok(PreparedReply {
        row: row(draft, author_id, placement, local, state),
        ap_id: draft.ap_id.to_string(),
        story_id,
        visible: state == VISIBLE,
    })
}

/// Where a reply sits in its story's tree.
struct Placement {
    story_id: i64,
    parent_id: Option<i64>,
    path: String,
    depth: i32,
}

impl Placement {
    /// Under `parent`, one level deeper, sorted by `published`; refused past [`MAX_DEPTH`].
    fn under(parent: &Parent, published: DateTime<Utc>) -> Result<Self, AppError> {
        let (story_id, parent_id, parent_path, depth) = match parent {
            Parent::Story(s) => (s.id, None, None, 0),
            Parent::Reply(r) => (r.story_id, Some(r.id), Some(r.path.as_str()), r.depth + 1),
        };
        if depth >= MAX_DEPTH {
            return Err(AppError::Unprocessable(format!(
                "threads deeper than {MAX_DEPTH} are not kept"
            )));
        }
        let segment = path_segment(published);
        let path = match parent_path {
            Some(p) => format!("{p}/{segment}"),
            None => segment,
        };
        Ok(Placement {
            story_id,
            parent_id,
            path,
            depth,
        })
    }
}

/// The row for a new reply.
fn row(
    draft: &ReplyDraft,
    author_id: i64,
    at: Placement,
    local: bool,
    state: &str,
) -> reply::ActiveModel {
    let web = |u: &Option<Url>| u.as_ref().filter(|u| is_web(u)).map(Url::to_string);
    let posted = columns(&draft.presentation);
    reply::ActiveModel {
        ap_id: Set(draft.ap_id.to_string()),
        story_id: Set(at.story_id),
        parent_id: Set(at.parent_id),
        path: Set(at.path),
        depth: Set(at.depth),
        author_id: Set(author_id),
        content_html: Set(draft.content_html.clone()),
        summary: Set(draft.summary.clone()),
        url: Set(web(&draft.url)),
        sensitive: Set(draft.sensitive),
        state: Set(state.to_string()),
        local: Set(local),
        likes: Set(0),
        boosts: Set(0),
        replies_url: Set(web(&draft.replies_url)),
        context_url: Set(web(&draft.context_url)),
        crawled_at: Set(None),
        published_at: Set(draft.published),
        edited_at: Set(None),
        deleted_at: Set(None),
        created_at: Set(Utc::now()),
        object_type: Set(posted.object_type),
        language: Set(posted.language),
        attachments: Set(posted.attachments),
        tags: Set(posted.tags),
        details: Set(posted.details),
        ..Default::default()
    }
}

fn columns(presentation: &Presentation) -> AsPosted {
    let (attachments, tags, details) = presentation.to_columns();
    AsPosted {
        object_type: presentation.kind.as_str().to_string(),
        language: presentation.language.clone(),
        attachments,
        tags,
        details,
    }
}

/// One sortable path segment: the time it was published to the millisecond, then when it was
/// received, so that replies published in one millisecond stay in the order they arrived, then
/// three random digits, so that replicas receiving in the same microsecond still differ.
/// Digits only, fixed widths: the order is the same under any collation.
fn path_segment(published: DateTime<Utc>) -> String {
    let mut noise = [0u8; 2];
    getrandom::fill(&mut noise).ok();
    format!(
        "{:013}{:016}{:03}",
        published.timestamp_millis().clamp(0, 9_999_999_999_999),
        received_stamp(),
        u16::from_le_bytes(noise) % 1000
    )
}

/// Microseconds since the epoch, strictly increasing within this process even when the clock
/// is coarse or steps back.
fn received_stamp() -> i64 {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = Utc::now().timestamp_micros();
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(now);
    now.max(previous + 1)
}

/// Applies an edit by the reply's author.
pub async fn edit(
    db: &impl ConnectionTrait,
    existing: &reply::Model,
    draft: &ReplyDraft,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    replies::edit(
        db,
        existing.id,
        &draft.content_html,
        draft.summary.as_deref(),
        draft.sensitive,
        at,
    )
    .await?;
    replies::set_presentation(db, existing.id, columns(&draft.presentation)).await?;
    Ok(())
}

/// Removes a reply. One that others answered stays as a placeholder, so the thread keeps its shape.
pub async fn remove(db: &impl ConnectionTrait, existing: &reply::Model) -> Result<(), AppError> {
    if existing.deleted_at.is_some() {
        return Ok(());
    }
    // Our own replies keep their row too, so their id answers 410 Gone with a Tombstone.
    if existing.local || replies::has_children(db, existing.id).await? {
        replies::mark_deleted(db, existing.id, Utc::now()).await?;
    } else {
        replies::delete(db, existing.id).await?;
    }
    if existing.state == VISIBLE {
        count_reply(db, existing.story_id, -1).await?;
    }
    Ok(())
}

/// An editor removes a reply. Its row always stays, marked deleted (and shown only as a
/// placeholder where others answered it): the post still exists on its author's server, and a
/// redelivery, an edit or a "where's my reply?" look-up must find it deleted here rather than
/// take it in again.
pub async fn remove_by_editor(
    db: &impl ConnectionTrait,
    existing: &reply::Model,
) -> Result<(), AppError> {
    if existing.deleted_at.is_some() {
        return Ok(());
    }
    replies::mark_deleted(db, existing.id, Utc::now()).await?;
    if existing.state == VISIBLE {
        count_reply(db, existing.story_id, -1).await?;
    }
    Ok(())
}

/// Removes everything an actor wrote (their account was deleted); returns the replies removed.
pub async fn remove_all_by(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<reply::Model>, AppError> {
    let theirs = replies::by_author(db, author_id).await?;
    for reply in &theirs {
        remove(db, reply).await?;
    }
    Ok(theirs)
}

pub(super) async fn count_reply(
    db: &impl ConnectionTrait,
    story_id: i64,
    delta: i32,
) -> Result<(), AppError> {
    stories::add_reply_count(db, story_id, delta).await?;
    Ok(())
}
