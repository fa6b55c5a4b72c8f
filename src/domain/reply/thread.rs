//! A story's conversation for display: rows in path order turned into a tree. Removed and
//! moderated replies stay only as placeholders, and only where someone answered them.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use url::Url;

use super::presentation::Presentation;
use crate::{
    domain::{
        links::web,
        moderation::blocks::Blocklist,
        quoting::{self, QuoteCard},
    },
    error::AppError,
    storage::{
        replies::VISIBLE,
        replies_shown::{self, AuthorRow, ShownRow},
    },
};

/// Who wrote a reply, as the page shows them.
#[derive(Debug, Clone)]
pub struct AuthorCard {
    pub id: i64,
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
    /// Shared by every reply of the same author on a page.
    pub author: Arc<AuthorCard>,
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

/// The authors of the replies a page shows, each read (in one query) and checked against the
/// blocklist once, however many replies they wrote.
pub struct Authors {
    /// `None` for an author without a usable profile address: their replies are left out.
    cards: HashMap<i64, (Option<Arc<AuthorCard>>, bool)>,
    /// The story's own authors (actor ids), whose replies get their badge.
    story_authors: Vec<i64>,
}

impl Authors {
    /// The authors of `rows`; blocked ones (their replies shown as placeholders) by `blocks`.
    pub async fn load(
        db: &impl ConnectionTrait,
        rows: &[&ShownRow],
        blocks: &Blocklist,
        story_authors: &[i64],
    ) -> Result<Self, AppError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.author_id).collect();
        let cards = replies_shown::authors(db, &ids)
            .await?
            .into_iter()
            .map(|author| {
                let blocked = blocks.blocks_actor(&author.ap_id, &author.domain).is_some();
                (author.id, (author_card(author).map(Arc::new), blocked))
            })
            .collect();
        Ok(Authors {
            cards,
            story_authors: story_authors.to_vec(),
        })
    }
}

/// The conversation under a story, as a forest of replies.
pub async fn load(db: &impl ConnectionTrait, story_id: i64) -> Result<Vec<ThreadReply>, AppError> {
    let rows = replies_shown::whole(db, story_id).await?;
    // Blocked authors' replies stay stored but show as placeholders (and vanish when unanswered).
    let blocks = Blocklist::load(db).await?;
    let authors = Authors::load(db, &rows.iter().collect::<Vec<_>>(), &blocks, &[]).await?;
    with_quotes(db, build(rows, &authors)).await
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
    fn attach(replies: &mut [ThreadReply], cards: &mut HashMap<i64, QuoteCard>) {
        for reply in replies {
            if let Some(card) = cards.remove(&reply.id) {
                reply.quote = Some(card);
            }
            attach(&mut reply.children, cards);
        }
    }
    let mut ids = Vec::new();
    ours(&forest, &mut ids);
    if !ids.is_empty() {
        attach(&mut forest, &mut quoting::cards(db, &ids).await?);
    }
    Ok(forest)
}

/// The forest of `rows` (pre-order, with depths relative to the story).
pub fn build(rows: Vec<ShownRow>, authors: &Authors) -> Vec<ThreadReply> {
    // Pre-order rows with depths: a stack of open ancestors builds the tree in one pass.
    let mut stack: Vec<(i32, ThreadReply)> = Vec::new();
    let mut roots = Vec::new();
    for row in rows {
        while stack.last().is_some_and(|(depth, _)| *depth >= row.depth) {
            close(&mut stack, &mut roots);
        }
        let depth = row.depth;
        if let Some(entry) = entry(row, authors) {
            stack.push((depth, entry));
        }
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

/// One reply as the page shows it (without its answers), or `None` when its author is unknown
/// or has no usable profile address. Links are http(s) only, whatever an older version stored:
/// a page that is not falls back to the id.
pub fn entry(row: ShownRow, authors: &Authors) -> Option<ThreadReply> {
    let (card, blocked) = authors.cards.get(&row.author_id)?;
    let card = card.clone()?;
    let url = row
        .url
        .as_deref()
        .and_then(web)
        .or_else(|| web(&row.ap_id))
        .map(String::from)
        .unwrap_or_default();
    let placeholder = row.deleted_at.is_some() || row.state != VISIBLE || *blocked;
    // A placeholder shows nothing of what was posted (nor is any of it read).
    let (content_html, summary, presentation) = if placeholder {
        (String::new(), None, Presentation::default())
    } else {
        let presentation = Presentation::from_columns(
            &row.object_type,
            row.language.as_deref(),
            row.attachments.as_deref(),
            row.tags.as_deref(),
            row.details.as_deref(),
        );
        (row.content_html, row.summary, presentation)
    };
    Some(ThreadReply {
        id: row.id,
        author_id: row.author_id,
        by_story_author: authors.story_authors.contains(&row.author_id),
        author: card,
        url,
        ap_id: row.ap_id,
        content_html,
        summary,
        published_at: row.published_at,
        edited_at: row.edited_at,
        placeholder,
        likes: row.likes,
        boosts: row.boosts,
        sensitive: row.sensitive,
        presentation,
        quote: None,
        featured: row.featured_at.is_some() && !placeholder,
        children: Vec::new(),
    })
}

/// Who wrote a reply; `None` when the stored actor has no web address at all. An avatar that is
/// not http(s) is left out.
fn author_card(author: AuthorRow) -> Option<AuthorCard> {
    let profile = author
        .url
        .as_deref()
        .and_then(web)
        .or_else(|| web(&author.ap_id))?;
    Some(AuthorCard {
        id: author.id,
        handle: format!("@{}@{}", author.username, author.domain),
        name: author.name,
        profile,
        icon: author.icon_url.as_deref().and_then(web),
        local: author.local,
    })
}

/// One reply for a live update: the entry and its parent's row id (`None` under the story).
pub async fn single(
    db: &impl ConnectionTrait,
    reply_id: i64,
) -> Result<Option<(ThreadReply, Option<i64>)>, AppError> {
    let Some(found) = replies_shown::one(db, reply_id).await? else {
        return Ok(None);
    };
    let blocks = Blocklist::load(db).await?;
    let story_authors: Vec<i64> = crate::storage::story_authors::of_stories(db, &[found.story_id])
        .await?
        .into_iter()
        .map(|(_, a)| a.id)
        .collect();
    let authors = Authors::load(db, &[&found], &blocks, &story_authors).await?;
    let parent = found.parent_id;
    let Some(shown) = entry(found, &authors) else {
        return Ok(None);
    };
    let shown = with_quotes(db, vec![shown]).await?.pop();
    Ok(shown.map(|e| (e, parent)))
}
