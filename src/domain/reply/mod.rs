//! Replies: what the fediverse says under a story. Received (and fetched) replies are validated
//! and cleaned here, placed in their thread, edited, and removed.

pub mod accept;
pub mod local;
pub mod sanitize;
pub mod thread;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use url::Url;

use crate::{
    domain::links::is_web,
    error::AppError,
    storage::{
        entities::{reply, story},
        replies::{self, VISIBLE},
        stories,
    },
};

/// A change to a story's conversation, announced to open story pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadEvent {
    pub story_id: i64,
    pub reply_id: i64,
    pub kind: ThreadChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadChange {
    Added,
    Changed,
    Removed,
}

/// Deeper threads are refused: no conversation needs them and every level costs a fetch.
pub const MAX_DEPTH: i32 = 64;
const MAX_CONTENT: usize = 100_000;

/// A reply's content as received, cleaned and checked.
#[derive(Debug, Clone)]
pub struct ReplyDraft {
    pub ap_id: Url,
    pub in_reply_to: Url,
    pub content_html: String,
    pub summary: Option<String>,
    pub url: Option<Url>,
    pub sensitive: bool,
    pub published: DateTime<Utc>,
    pub replies_url: Option<Url>,
}

impl ReplyDraft {
    /// Cleans `content_html` (remote HTML) and bounds what is kept. The ids must be http(s);
    /// a `url` or `replies_url` that is not is dropped (the reply links to its id instead).
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per field of the wire object"
    )]
    pub fn new(
        ap_id: Url,
        in_reply_to: Url,
        content_html: &str,
        summary: Option<&str>,
        url: Option<Url>,
        sensitive: bool,
        published: Option<DateTime<Utc>>,
        replies_url: Option<Url>,
    ) -> Result<Self, AppError> {
        if !is_web(&ap_id) || !is_web(&in_reply_to) {
            return Err(AppError::Unprocessable(
                "a reply's id and inReplyTo must be http(s) URLs".into(),
            ));
        }
        if content_html.len() > MAX_CONTENT {
            return Err(AppError::Unprocessable(format!(
                "the reply is longer than {MAX_CONTENT} bytes"
            )));
        }
        let now = Utc::now();
        Ok(ReplyDraft {
            ap_id,
            in_reply_to,
            content_html: sanitize::clean(content_html),
            summary: summary
                .map(|s| {
                    sanitize::plain_text(s)
                        .chars()
                        .take(500)
                        .collect::<String>()
                })
                .filter(|s| !s.trim().is_empty()),
            url: url.filter(is_web),
            sensitive,
            // A date in the future would sort a reply below everything said after it.
            published: published.map_or(now, |p| p.min(now)),
            replies_url: replies_url.filter(is_web),
        })
    }
}

/// What a reply answers: a story of ours, or a reply we already hold.
#[derive(Debug, Clone)]
pub enum Parent {
    Story(story::Model),
    Reply(reply::Model),
}

impl Parent {
    /// Whether the story this parent belongs to still takes replies.
    pub async fn open_for_replies(
        &self,
        db: &impl ConnectionTrait,
        close_after_days: u32,
    ) -> Result<bool, AppError> {
        let story = match self {
            Parent::Story(s) => Some(s.clone()),
            Parent::Reply(r) => stories::find_by_id(db, r.story_id).await?,
        };
        Ok(story.is_some_and(|s| {
            s.deleted_at.is_none()
                && crate::domain::story::accepts_replies(
                    s.replies_closed_at,
                    s.published_at,
                    close_after_days,
                )
        }))
    }

    pub fn story_id(&self) -> i64 {
        match self {
            Parent::Story(s) => s.id,
            Parent::Reply(r) => r.story_id,
        }
    }
}

/// The parent named by `in_reply_to`, when we hold it. Deleted stories take no replies.
pub async fn find_parent(
    db: &impl ConnectionTrait,
    in_reply_to: &str,
) -> Result<Option<Parent>, AppError> {
    if let Some(story) = stories::find_by_ap_id(db, in_reply_to).await? {
        return Ok(story.deleted_at.is_none().then_some(Parent::Story(story)));
    }
    Ok(replies::find_by_ap_id(db, in_reply_to)
        .await?
        .map(Parent::Reply))
}

pub async fn find(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<reply::Model>, AppError> {
    Ok(replies::find_by_ap_id(db, ap_id).await?)
}

/// Stores a reply under `parent` in `state` (`visible`, or `held` for an editor). A reply already held is left as it is (re-deliveries and
/// backfill find the same replies again).
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
    // The fields are public, so the rule is checked here too, whoever built the draft.
    if !is_web(&draft.ap_id) {
        return Err(AppError::Unprocessable(
            "a reply's id must be an http(s) URL".into(),
        ));
    }
    let (story_id, parent_id, parent_path, depth) = match parent {
        Parent::Story(s) => (s.id, None, None, 0),
        Parent::Reply(r) => (r.story_id, Some(r.id), Some(r.path.as_str()), r.depth + 1),
    };
    if depth >= MAX_DEPTH {
        return Err(AppError::Unprocessable(format!(
            "threads deeper than {MAX_DEPTH} are not kept"
        )));
    }
    let segment = path_segment(draft.published);
    let path = match parent_path {
        Some(p) => format!("{p}/{segment}"),
        None => segment,
    };
    let stored = replies::insert(
        db,
        reply::ActiveModel {
            ap_id: Set(draft.ap_id.to_string()),
            story_id: Set(story_id),
            parent_id: Set(parent_id),
            path: Set(path),
            depth: Set(depth),
            author_id: Set(author_id),
            content_html: Set(draft.content_html.clone()),
            summary: Set(draft.summary.clone()),
            url: Set(draft.url.as_ref().filter(|u| is_web(u)).map(Url::to_string)),
            sensitive: Set(draft.sensitive),
            state: Set(state.to_string()),
            local: Set(local),
            likes: Set(0),
            boosts: Set(0),
            replies_url: Set(draft
                .replies_url
                .as_ref()
                .filter(|u| is_web(u))
                .map(Url::to_string)),
            crawled_at: Set(None),
            published_at: Set(draft.published),
            edited_at: Set(None),
            deleted_at: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    )
    .await
    .context("cannot store the reply")?;
    if state == VISIBLE {
        count_reply(db, story_id, 1).await?;
    }
    Ok(stored)
}

/// One sortable path segment: the time, then randomness so replies in one millisecond differ.
fn path_segment(published: DateTime<Utc>) -> String {
    let mut noise = [0u8; 3];
    getrandom::fill(&mut noise).ok();
    format!(
        "{:013}{:02x}{:02x}{:02x}",
        published.timestamp_millis().max(0),
        noise[0],
        noise[1],
        noise[2]
    )
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

/// Removes everything an actor wrote (their account was deleted).
pub async fn remove_all_by(db: &impl ConnectionTrait, author_id: i64) -> Result<usize, AppError> {
    let theirs = replies::by_author(db, author_id).await?;
    for reply in &theirs {
        remove(db, reply).await?;
    }
    Ok(theirs.len())
}

async fn count_reply(db: &impl ConnectionTrait, story_id: i64, delta: i32) -> Result<(), AppError> {
    stories::add_reply_count(db, story_id, delta).await?;
    Ok(())
}

/// A page of reply ids for a `replies` collection: all of a story's replies in thread order, or
/// the direct answers to one reply. Returns the ids and the total.
pub async fn collection_page(
    db: &impl ConnectionTrait,
    story_id: i64,
    of_reply: Option<i64>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<String>, u64), AppError> {
    let (rows, total) = match of_reply {
        None => replies::thread_page(db, story_id, offset, limit).await?,
        Some(id) => replies::children(db, story_id, Some(id), offset, limit).await?,
    };
    Ok((rows.into_iter().map(|r| r.ap_id).collect(), total))
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<reply::Model>, AppError> {
    Ok(replies::find_by_id(db, id).await?)
}
