//! Storing a feed's entries as stories, through the same use cases as an editor's publish and
//! edit. Each entry is one transaction (the story, its bylines, its deliveries and the record of
//! which entry it came from), so a failure leaves nothing half imported.

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use url::Url;

use super::entry::{self, ImportedEntry};
use crate::{
    domain::{
        ids::Urls,
        story::{self, Story, StoryEvents},
    },
    error::AppError,
    storage::{entities::feed, feed_entries},
};

/// Entries read from one poll of a feed, the newest.
const MAX_ENTRIES_PER_POLL: usize = 100;

/// What one poll did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub created: usize,
    pub updated: usize,
    /// Entries that could not be imported, and why (the rest were).
    pub problems: Vec<String>,
}

/// Imports every entry of `parsed`. Entries published before the subscription are stored
/// without `events` (followers do not get the back catalogue); newer ones go through them.
pub async fn import(
    db: &DatabaseConnection,
    urls: &Urls,
    subscription: &feed::Model,
    parsed: &feed_rs::model::Feed,
    events: &dyn StoryEvents,
) -> Result<Outcome, AppError> {
    let feed_url: Url = subscription
        .url
        .parse()
        .map_err(|_| AppError::Unprocessable("the feed's URL is invalid".into()))?;
    let authors = super::split_authors(&subscription.authors);
    let mut outcome = Outcome::default();
    // The newest entries only (a feed of thousands would otherwise mean thousands of stories and
    // bylines in one poll), then oldest first, so stories are stored in the order written.
    let mut entries: Vec<_> = parsed.entries.iter().collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.published.or(e.updated)));
    entries.truncate(MAX_ENTRIES_PER_POLL);
    entries.reverse();
    for raw in entries {
        let read = entry::read(raw, &feed_url, &authors);
        let result = match read {
            Ok(imported) => {
                import_one(db, urls, subscription, imported, events, &mut outcome).await
            }
            Err(problem) => Err(AppError::Unprocessable(problem)),
        };
        match result {
            Ok(()) => {}
            Err(AppError::Validation(fields)) => {
                outcome.problems.push(format!("entry {}: {fields}", raw.id))
            }
            Err(AppError::Unprocessable(problem)) => outcome.problems.push(problem),
            Err(other) => return Err(other),
        }
    }
    Ok(outcome)
}

async fn import_one(
    db: &DatabaseConnection,
    urls: &Urls,
    subscription: &feed::Model,
    imported: ImportedEntry,
    events: &dyn StoryEvents,
    outcome: &mut Outcome,
) -> Result<(), AppError> {
    let known = feed_entries::find(db, subscription.id, &imported.entry_id).await?;
    if known
        .as_ref()
        .is_some_and(|k| k.fingerprint == imported.fingerprint)
    {
        return Ok(());
    }
    // Undated entries are the back catalogue on the first poll, news on later ones.
    let is_news = imported
        .published
        .map_or(subscription.last_success_at.is_some(), |at| {
            at >= subscription.subscribed_at
        });
    let mut draft = imported.input.validate(&urls.root())?;
    draft.published_at = imported.published;
    let recorder = Recorder {
        inner: is_news.then_some(events),
        feed_id: subscription.id,
        entry_id: &imported.entry_id,
        fingerprint: &imported.fingerprint,
        row: known.as_ref().map(|k| k.id),
    };
    match known {
        None => {
            story::publish(db, urls, draft, &recorder).await?;
            outcome.created += 1;
        }
        Some(row) => {
            // An editor deleted the story: the entry stays out.
            let Some(existing) = story::find_by_id(db, row.story_id)
                .await?
                .filter(|s| s.deleted_at.is_none())
            else {
                return Ok(());
            };
            let recorder = Recorder {
                inner: (existing.published_at >= subscription.subscribed_at).then_some(events),
                ..recorder
            };
            story::update(db, urls, &existing.slug, draft, &recorder).await?;
            outcome.updated += 1;
        }
    }
    Ok(())
}

/// Records which entry a story came from inside the story's own transaction, then passes the
/// change on (to the fan-out, for news; to nobody, for the back catalogue).
struct Recorder<'a> {
    inner: Option<&'a dyn StoryEvents>,
    feed_id: i64,
    entry_id: &'a str,
    fingerprint: &'a str,
    /// The `feed_entries` row of an entry seen before.
    row: Option<i64>,
}

#[async_trait::async_trait]
impl StoryEvents for Recorder<'_> {
    async fn published(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError> {
        feed_entries::insert(txn, self.feed_id, self.entry_id, story.id, self.fingerprint).await?;
        match self.inner {
            Some(inner) => inner.published(txn, story).await,
            None => Ok(()),
        }
    }

    async fn updated(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError> {
        if let Some(row) = self.row {
            feed_entries::set_fingerprint(txn, row, self.fingerprint).await?;
        }
        match self.inner {
            Some(inner) => inner.updated(txn, story).await,
            None => Ok(()),
        }
    }

    async fn deleted(&self, txn: &DatabaseTransaction, story: &Story) -> Result<(), AppError> {
        match self.inner {
            Some(inner) => inner.deleted(txn, story).await,
            None => Ok(()),
        }
    }
}
