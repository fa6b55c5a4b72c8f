//! A story's conversation for display: one query in path order, turned into a tree. Removed and
//! moderated replies stay only as placeholders, and only where someone answered them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use url::Url;

use super::presentation::Presentation;
use crate::{
    domain::{
        links::web,
        quoting::{self, QuoteCard},
    },
    error::AppError,
    storage::{
        entities::{actor, reply},
        replies::{self, VISIBLE},
    },
};

/// Who wrote a reply, as the page shows them.
#[derive(Debug, Clone)]
pub struct AuthorCard {
    pub name: String,
    /// `@user@host`.
    pub handle: String,
    pub profile: Url,
    pub icon: Option<Url>,
    pub local: bool,
}

#[derive(Debug, Clone)]
pub struct ThreadReply {
    pub id: i64,
    /// The author's actor row.
    pub author_id: i64,
    pub ap_id: String,
    pub author: AuthorCard,
    pub content_html: String,
    pub summary: Option<String>,
    /// The original on its server.
    pub url: String,
    pub published_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted or moderated away: shown as a placeholder because others answered it.
    pub placeholder: bool,
    pub likes: i32,
    pub boosts: i32,
    /// Marked sensitive by its author: its media (or, without media, its text) is shown behind
    /// a warning.
    pub sensitive: bool,
    /// How it was posted: kind, language, media, tags and what its kind carries.
    pub presentation: Presentation,
    /// The reader's post one of our answers quotes, and whether its author approved.
    pub quote: Option<QuoteCard>,
    /// Featured by an editor: shown first on the story page, and marked in its thread.
    pub featured: bool,
    /// Written by one of the story's own authors (a local author actor of its byline).
    pub by_story_author: bool,
    pub children: Vec<ThreadReply>,
}

/// The conversation under a story, as a forest of replies.
pub async fn load(db: &impl ConnectionTrait, story_id: i64) -> Result<Vec<ThreadReply>, AppError> {
    let rows = replies::thread(db, story_id).await?;
    // Blocked authors' replies stay stored but show as placeholders (and vanish when unanswered).
    let blocks = crate::domain::moderation::blocks::Blocklist::load(db).await?;
    with_quotes(db, build(rows, &blocks, &[])).await
}

/// Puts on each of our answers in `forest` the card of the quote it makes (one query for all).
pub async fn with_quotes(
    db: &impl ConnectionTrait,
    mut forest: Vec<ThreadReply>,
) -> Result<Vec<ThreadReply>, AppError> {
    fn ours(replies: &[ThreadReply], ids: &mut Vec<i64>) {
        for reply in replies {
            if reply.author.local && !reply.placeholder {
                ids.push(reply.id);
            }
            ours(&reply.children, ids);
        }
    }
    fn attach(replies: &mut [ThreadReply], cards: &HashMap<i64, QuoteCard>) {
        for reply in replies {
            if let Some(card) = cards.get(&reply.id) {
                reply.quote = Some(card.clone());
            }
            attach(&mut reply.children, cards);
        }
    }
    let mut ids = Vec::new();
    ours(&forest, &mut ids);
    if !ids.is_empty() {
        attach(&mut forest, &quoting::cards(db, &ids).await?);
    }
    Ok(forest)
}

/// The forest of `rows` (pre-order, with depths relative to the story), replies by any of
/// `story_authors` (actor ids) marked as theirs.
pub fn build(
    rows: Vec<(reply::Model, actor::Model)>,
    blocks: &crate::domain::moderation::blocks::Blocklist,
    story_authors: &[i64],
) -> Vec<ThreadReply> {
    // Pre-order rows with depths: a stack of open ancestors builds the tree in one pass.
    let mut stack: Vec<(i32, ThreadReply)> = Vec::new();
    let mut roots = Vec::new();
    for (reply, author) in rows {
        while stack.last().is_some_and(|(depth, _)| *depth >= reply.depth) {
            close(&mut stack, &mut roots);
        }
        let blocked = blocks.blocks_actor(&author.ap_id, &author.domain).is_some();
        let depth = reply.depth;
        let Some(mut entry) = entry(reply, author, blocked) else {
            continue;
        };
        entry.by_story_author = story_authors.contains(&entry.author_id);
        stack.push((depth, entry));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

/// Pops the innermost open reply into its parent (or the roots), dropping placeholders that
/// nobody answered.
fn close(stack: &mut Vec<(i32, ThreadReply)>, roots: &mut Vec<ThreadReply>) {
    let Some((_, done)) = stack.pop() else { return };
    if done.placeholder && done.children.is_empty() {
        return;
    }
    match stack.last_mut() {
        Some((_, parent)) => parent.children.push(done),
        None => roots.push(done),
    }
}

/// Number of replies shown, placeholders excluded.
pub fn count(replies: &[ThreadReply]) -> usize {
    replies
        .iter()
        .map(|r| usize::from(!r.placeholder) + count(&r.children))
        .sum()
}

/// One reply as the page shows it (without its answers), or `None` when its author has no
/// usable profile address. Links are http(s) only, whatever an older version stored: a profile
/// or page that is not falls back to the id, an avatar that is not is left out.
fn entry(reply: reply::Model, author: actor::Model, blocked: bool) -> Option<ThreadReply> {
    let card = author_card(author)?;
    let url = reply
        .url
        .as_deref()
        .and_then(web)
        .or_else(|| web(&reply.ap_id))
        .map(String::from)
        .unwrap_or_default();
    let placeholder = reply.deleted_at.is_some() || reply.state != VISIBLE || blocked;
    // A placeholder shows nothing of what was posted.
    let (content_html, presentation) = if placeholder {
        (String::new(), Presentation::default())
    } else {
        presentation_of(&reply)
    };
    Some(ThreadReply {
        id: reply.id,
        url,
        ap_id: reply.ap_id,
        author: card,
        content_html,
        summary: reply.summary,
        published_at: reply.published_at,
        edited_at: reply.edited_at,
        placeholder,
        likes: reply.likes,
        boosts: reply.boosts,
        sensitive: reply.sensitive,
        presentation,
        quote: None,
        featured: reply.featured_at.is_some() && !placeholder,
        by_story_author: false,
        author_id: reply.author_id,
        children: Vec::new(),
    })
}

/// Who wrote a reply; `None` when the stored actor has no web address at all.
fn author_card(author: actor::Model) -> Option<AuthorCard> {
    let profile = author
        .url
        .as_deref()
        .and_then(web)
        .or_else(|| web(&author.ap_id))?;
    Some(AuthorCard {
        name: author.name,
        handle: format!("@{}@{}", author.username, author.domain),
        profile,
        icon: author.icon_url.as_deref().and_then(web),
        local: author.local,
    })
}

/// What a shown reply carries: its content and how it was posted.
fn presentation_of(reply: &reply::Model) -> (String, Presentation) {
    (
        reply.content_html.clone(),
        Presentation::from_columns(
            &reply.object_type,
            reply.language.as_deref(),
            reply.attachments.as_deref(),
            reply.tags.as_deref(),
            reply.details.as_deref(),
        ),
    )
}

/// One reply for a live update: the entry and its parent's row id (`None` under the story).
pub async fn single(
    db: &impl ConnectionTrait,
    reply_id: i64,
) -> Result<Option<(ThreadReply, Option<i64>)>, AppError> {
    let Some(found) = replies::find_by_id(db, reply_id).await? else {
        return Ok(None);
    };
    let Some(author) = crate::storage::actors::find_by_id(db, found.author_id).await? else {
        return Ok(None);
    };
    let blocks = crate::domain::moderation::blocks::Blocklist::load(db).await?;
    let blocked = blocks.blocks_actor(&author.ap_id, &author.domain).is_some();
    let parent = found.parent_id;
    let authors = crate::storage::story_authors::of_stories(db, &[found.story_id]).await?;
    let Some(mut shown) = entry(found, author, blocked) else {
        return Ok(None);
    };
    shown.by_story_author = authors.iter().any(|(_, a)| a.id == shown.author_id);
    let shown = with_quotes(db, vec![shown]).await?.pop();
    Ok(shown.map(|e| (e, parent)))
}
