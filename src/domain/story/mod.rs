//! Stories: what a newsroom publishes. Reading here; writing in [`write`].

mod authors;
pub mod draft;
mod events;
pub mod front_matter;
pub mod markdown;
pub mod sample;
pub mod slug;
mod write;

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use url::Url;

pub use draft::{StoryDraft, StoryImage, StoryInput};
pub use events::StoryEvents;
pub use write::{delete, publish, update};

use super::{
    actor::LocalActor,
    page::{Page, PageRequest},
};
use crate::{
    error::AppError,
    storage::{
        entities::{actor, story},
        stories::{self, Listing},
        story_authors, story_tags,
    },
};

/// A byline entry: enough of an author actor to link and credit them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: i64,
    pub ap_id: Url,
    pub username: String,
    pub name: String,
}

impl From<&LocalActor> for Author {
    fn from(a: &LocalActor) -> Self {
        Author {
            id: a.id,
            ap_id: a.ap_id.clone(),
            username: a.username.clone(),
            name: a.name.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Story {
    pub id: i64,
    pub slug: String,
    /// The ActivityPub id, which is also the HTML permalink.
    pub ap_id: Url,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub content_html: String,
    pub image: Option<StoryImage>,
    pub tags: Vec<String>,
    pub authors: Vec<Author>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub likes: i32,
    pub boosts: i32,
    pub reply_count: i32,
    /// Quotes shown on its page: with boosts, how often it was shared.
    pub quote_count: u64,
    pub replies_closed_at: Option<DateTime<Utc>>,
    /// Its own quote policy; `None`: the site's default.
    pub quote_policy: Option<crate::config::QuotePolicy>,
    /// The article's home on the newsroom's own site; `None`: this page is its home.
    pub canonical_url: Option<Url>,
}

impl Story {
    /// How often the story was shared: boosts, and quotes shown on its page.
    pub fn shares(&self) -> u64 {
        u64::try_from(self.boosts).unwrap_or(0) + self.quote_count
    }

    /// Whether new replies are taken: not closed by an editor, and not older than the
    /// configured limit (0 days: no limit).
    pub fn accepts_replies(&self, close_after_days: u32) -> bool {
        accepts_replies(self.replies_closed_at, self.published_at, close_after_days)
    }

    /// True once an editor has changed it after publishing.
    pub fn is_edited(&self) -> bool {
        self.updated_at > self.published_at
    }
}

/// A story by slug, deleted ones included (they answer 410).
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<Story>, AppError> {
    let Some(model) = stories::find_by_slug(db, slug).await? else {
        return Ok(None);
    };
    Ok(hydrate(db, vec![model]).await?.pop())
}

/// The story whose home on the newsroom's site is `url`, deleted ones included.
pub async fn find_by_canonical_url(
    db: &impl ConnectionTrait,
    url: &Url,
) -> Result<Option<Story>, AppError> {
    let Some(model) = stories::find_by_canonical_url(db, url.as_str()).await? else {
        return Ok(None);
    };
    Ok(hydrate(db, vec![model]).await?.pop())
}

/// A story by row id, deleted ones included.
pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Story>, AppError> {
    let Some(model) = stories::find_by_id(db, id).await? else {
        return Ok(None);
    };
    Ok(hydrate(db, vec![model]).await?.pop())
}

/// A page of published stories, newest first, with bylines and tags loaded in two queries.
pub async fn list(
    db: &impl ConnectionTrait,
    listing: Listing<'_>,
    page: PageRequest,
) -> Result<Page<Story>, AppError> {
    let total = stories::count_published(db, listing.clone()).await?;
    let models = stories::list_published(db, listing, page.offset(), page.size).await?;
    Ok(Page::new(hydrate(db, models).await?, page, total))
}

async fn hydrate(
    db: &impl ConnectionTrait,
    models: Vec<story::Model>,
) -> Result<Vec<Story>, AppError> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut bylines: HashMap<i64, Vec<Author>> = HashMap::new();
    for (story_id, author) in story_authors::of_stories(db, &ids).await? {
        bylines
            .entry(story_id)
            .or_default()
            .push(author_from_model(author)?);
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for row in story_tags::of_stories(db, &ids).await? {
        tags.entry(row.story_id).or_default().push(row.tag);
    }
    let quotes: HashMap<i64, u64> =
        crate::storage::quotes::counts_of_stories(db, &ids, crate::domain::moderation::VISIBLE)
            .await?
            .into_iter()
            .collect();
    models
        .into_iter()
        .map(|m| {
            let authors = bylines.remove(&m.id).unwrap_or_default();
            let tags = tags.remove(&m.id).unwrap_or_default();
            let quote_count = quotes.get(&m.id).copied().unwrap_or_default();
            story_from_model(m, authors, tags).map(|s| Story { quote_count, ..s })
        })
        .collect()
}

fn author_from_model(model: actor::Model) -> Result<Author, AppError> {
    Ok(Author {
        id: model.id,
        ap_id: model
            .ap_id
            .parse()
            .context("stored actor id is not a URL")?,
        username: model.username,
        name: model.name,
    })
}

fn story_from_model(
    m: story::Model,
    authors: Vec<Author>,
    tags: Vec<String>,
) -> Result<Story, AppError> {
    let image = match (m.image_url, m.image_alt) {
        (Some(url), alt) => Some(StoryImage {
            url: url.parse().context("stored image URL is invalid")?,
            alt: alt.unwrap_or_default(),
        }),
        (None, _) => None,
    };
    Ok(Story {
        id: m.id,
        ap_id: m.ap_id.parse().context("stored story id is not a URL")?,
        slug: m.slug,
        title: m.title,
        summary: m.summary,
        body_markdown: m.body_markdown,
        content_html: m.content_html,
        image,
        tags,
        authors,
        published_at: m.published_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        likes: m.likes,
        boosts: m.boosts,
        reply_count: m.reply_count,
        quote_count: 0,
        replies_closed_at: m.replies_closed_at,
        quote_policy: m
            .quote_policy
            .as_deref()
            .and_then(crate::config::QuotePolicy::parse),
        canonical_url: m.canonical_url.as_deref().and_then(|u| u.parse().ok()),
    })
}

/// The rule behind [`Story::accepts_replies`], for callers holding only the stored row.
pub fn accepts_replies(
    closed_at: Option<DateTime<Utc>>,
    published_at: DateTime<Utc>,
    close_after_days: u32,
) -> bool {
    let expired = close_after_days > 0
        && Utc::now() - published_at > chrono::Duration::days(i64::from(close_after_days));
    closed_at.is_none() && !expired
}

/// Closes (or reopens) a story to new replies.
pub async fn set_replies_closed(
    db: &impl ConnectionTrait,
    slug: &str,
    closed: bool,
) -> Result<Story, AppError> {
    let found = find_by_slug(db, slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))?;
    stories::set_replies_closed(db, found.id, closed.then(Utc::now)).await?;
    find_by_slug(db, slug)
        .await?
        .ok_or(AppError::NotFound("story"))
}
