//! Publishing, editing and deleting stories. Each change is one transaction, so a story is never
//! half stored (and later, never stored without the deliveries it causes).

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use url::Url;

use super::{Story, StoryDraft, StoryEvents, authors, find_by_slug, slug};
use crate::{
    domain::{actor::KeyPair, ids::Urls},
    error::{AppError, FieldErrors},
    storage::{self, entities::story, stories, story_authors, story_tags},
};

/// Stores a new story and returns it as readers will see it.
pub async fn publish(
    db: &DatabaseConnection,
    urls: &Urls,
    draft: StoryDraft,
    events: &dyn StoryEvents,
) -> Result<Story, AppError> {
    let keys = authors::prepare_keys(db, &draft.authors).await?;
    publish_with_keys(db, urls, draft, keys, events).await
}

/// [`publish`], with the keys of its new bylines already made (`authors::prepare_keys`).
#[tracing::instrument(skip_all, fields(title = %draft.title))]
pub async fn publish_with_keys(
    db: &DatabaseConnection,
    urls: &Urls,
    draft: StoryDraft,
    keys: Vec<(String, KeyPair)>,
    events: &dyn StoryEvents,
) -> Result<Story, AppError> {
    let txn = crate::storage::begin_write(db).await?;
    let slug = choose_slug(&txn, &draft).await?;
    canonical_url_free(&txn, draft.canonical_url.as_ref(), None).await?;
    let byline = authors::resolve(&txn, urls, &draft.authors, keys).await?;
    // An imported entry keeps the date it was first published (never one in the future).
    let now = draft
        .published_at
        .map_or(Utc::now(), |at| at.min(Utc::now()));
    let model = story::ActiveModel {
        ap_id: Set(urls.story(&slug).to_string()),
        slug: Set(slug.clone()),
        title: Set(draft.title),
        summary: Set(draft.summary),
        body_markdown: Set(draft.body_markdown),
        content_html: Set(draft.content_html),
        image_url: Set(draft.image.as_ref().map(|i| i.url.to_string())),
        image_alt: Set(draft.image.map(|i| i.alt)),
        canonical_url: Set(draft.canonical_url.as_ref().map(Url::to_string)),
        published_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    let stored = stories::insert(&txn, model)
        .await
        .map_err(|e| taken_or(e, &slug, draft.canonical_url.as_ref()))?;
    let author_ids: Vec<i64> = byline.iter().map(|a| a.id).collect();
    story_authors::set(&txn, stored.id, &author_ids).await?;
    story_tags::set(&txn, stored.id, &draft.tags).await?;
    let story = find_by_slug(&txn, &slug)
        .await?
        .ok_or(AppError::NotFound("story"))?;
    events.published(&txn, &story).await?;
    txn.commit().await?;
    tracing::info!(slug = %slug, "story published");
    Ok(story)
}

/// Replaces a live story's content. The slug (its URL and id) never changes.
#[tracing::instrument(skip(db, urls, draft, events))]
pub async fn update(
    db: &DatabaseConnection,
    urls: &Urls,
    slug: &str,
    draft: StoryDraft,
    events: &dyn StoryEvents,
) -> Result<Story, AppError> {
    let existing = live(db, slug).await?;
    keeps_its_slug(&draft, slug)?;
    let keys = authors::prepare_keys(db, &draft.authors).await?;
    let txn = crate::storage::begin_write(db).await?;
    let byline = authors::resolve(&txn, urls, &draft.authors, keys).await?;
    canonical_url_free(&txn, draft.canonical_url.as_ref(), Some(existing.id)).await?;
    let canonical = draft.canonical_url.clone();
    let model = story::ActiveModel {
        id: Set(existing.id),
        canonical_url: Set(draft.canonical_url.as_ref().map(Url::to_string)),
        title: Set(draft.title),
        summary: Set(draft.summary),
        body_markdown: Set(draft.body_markdown),
        content_html: Set(draft.content_html),
        image_url: Set(draft.image.as_ref().map(|i| i.url.to_string())),
        image_alt: Set(draft.image.map(|i| i.alt)),
        updated_at: Set(Utc::now().max(existing.published_at)),
        ..Default::default()
    };
    stories::update(&txn, model)
        .await
        .map_err(|e| taken_or(e, slug, canonical.as_ref()))?;
    let author_ids: Vec<i64> = byline.iter().map(|a| a.id).collect();
    story_authors::set(&txn, existing.id, &author_ids).await?;
    story_tags::set(&txn, existing.id, &draft.tags).await?;
    let story = find_by_slug(&txn, slug)
        .await?
        .ok_or(AppError::NotFound("story"))?;
    events.updated(&txn, &story).await?;
    txn.commit().await?;
    tracing::info!("story updated");
    Ok(story)
}

/// Deletes a story. It keeps answering, with 410 Gone and a Tombstone, so servers drop their copy.
#[tracing::instrument(skip(db, events))]
pub async fn delete(
    db: &DatabaseConnection,
    slug: &str,
    events: &dyn StoryEvents,
) -> Result<Story, AppError> {
    let mut existing = live(db, slug).await?;
    let now = Utc::now();
    let txn = crate::storage::begin_write(db).await?;
    stories::mark_deleted(&txn, existing.id, now).await?;
    existing.deleted_at = Some(now);
    events.deleted(&txn, &existing).await?;
    txn.commit().await?;
    tracing::info!("story deleted");
    Ok(existing)
}

async fn live(db: &DatabaseConnection, slug: &str) -> Result<Story, AppError> {
    find_by_slug(db, slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))
}

/// The editor's slug, or one from the title made unique with `-2`, `-3`…
async fn choose_slug(db: &impl ConnectionTrait, draft: &StoryDraft) -> Result<String, AppError> {
    if let Some(chosen) = &draft.slug {
        if stories::find_by_slug(db, chosen).await?.is_some() {
            return Err(slug_taken(chosen));
        }
        return Ok(chosen.clone());
    }
    let base = slug::from_title(&draft.title)
        .unwrap_or_else(|| format!("story-{}", Utc::now().format("%Y%m%d-%H%M%S")));
    let mut candidate = base.clone();
    let mut n = 2;
    while stories::find_by_slug(db, &candidate).await?.is_some() {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

fn slug_taken(slug: &str) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add("slug", format!("`{slug}` is already used by another story"));
    AppError::Validation(errors)
}

/// Two publishers racing for one slug (or one canonical URL): the loser gets the same answer
/// as a plain duplicate.
fn taken_or(err: sea_orm::DbErr, slug: &str, canonical: Option<&Url>) -> AppError {
    match canonical {
        _ if !storage::is_unique_violation(&err) => err.into(),
        Some(url) => canonical_url_taken(url),
        None => slug_taken(slug),
    }
}

/// Two stories never share a canonical URL: each article on the newsroom's site has one
/// conversation. `this`: the story being edited, which may keep its own.
async fn canonical_url_free(
    db: &impl ConnectionTrait,
    url: Option<&Url>,
    this: Option<i64>,
) -> Result<(), AppError> {
    let Some(url) = url else { return Ok(()) };
    match stories::find_by_canonical_url(db, url.as_str()).await? {
        Some(other) if Some(other.id) != this => Err(canonical_url_taken(url)),
        _ => Ok(()),
    }
}

fn canonical_url_taken(url: &Url) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(
        "canonical_url",
        format!("`{url}` is already the canonical URL of another story"),
    );
    AppError::Validation(errors)
}

/// A story's slug cannot change once published: it is its address on every server that has it.
fn keeps_its_slug(draft: &StoryDraft, slug: &str) -> Result<(), AppError> {
    if draft.slug.as_deref().is_some_and(|s| s != slug) {
        let mut errors = FieldErrors::default();
        errors.add(
            "slug",
            "cannot change once published: it is the story's address on every server that has it",
        );
        return Err(AppError::Validation(errors));
    }
    Ok(())
}
