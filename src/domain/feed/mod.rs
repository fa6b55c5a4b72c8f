//! Feeds a newsroom already publishes (RSS 2.0, Atom, JSON Feed), imported as stories: the
//! subscription and its state here, an entry's reading in [`entry`], storing it in [`import`].

pub mod entry;
mod image;
pub mod import;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use url::Url;

use crate::{
    error::{AppError, FieldErrors},
    storage::{self, entities::feed, feeds},
};

const MAX_AUTHORS: usize = 10;

/// A subscribed feed and what its last polls found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    /// Bylines for entries that name no author.
    pub authors: Vec<String>,
    /// Entries published before this were stored without being sent to followers.
    pub subscribed_at: DateTime<Utc>,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// What went wrong on the last poll: why it failed, or which entries it could not import.
    pub last_error: Option<String>,
    /// Failed polls in a row.
    pub failures: i32,
    pub next_poll_at: DateTime<Utc>,
}

impl From<feed::Model> for Feed {
    fn from(m: feed::Model) -> Self {
        Feed {
            id: m.id,
            url: m.url,
            title: m.title,
            authors: split_authors(&m.authors),
            subscribed_at: m.subscribed_at,
            last_polled_at: m.last_polled_at,
            last_success_at: m.last_success_at,
            last_error: m.last_error,
            failures: m.failures,
            next_poll_at: m.next_poll_at,
        }
    }
}

pub fn split_authors(stored: &str) -> Vec<String> {
    stored
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Subscribes to the feed at `url`; it is polled at once. Its entries published before now are
/// stored without deliveries, so followers do not get the back catalogue.
pub async fn add(
    db: &impl ConnectionTrait,
    url: &str,
    authors: &[String],
) -> Result<Feed, AppError> {
    let mut errors = FieldErrors::default();
    let url = url.trim();
    let parsed = Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.username().is_empty()
    });
    if parsed.is_none() || url.len() > 2000 {
        errors.add("url", "must be the feed's absolute http(s) address");
    }
    let mut names: Vec<String> = Vec::new();
    for name in authors {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            errors.add("authors", "each name must be 1 to 100 characters");
        } else if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.len() > MAX_AUTHORS {
        errors.add("authors", format!("at most {MAX_AUTHORS} authors"));
    }
    let url = errors
        .into_result(parsed)?
        .map(String::from)
        .unwrap_or_default();
    let stored = feeds::insert(db, &url, &names.join("\n"), Utc::now())
        .await
        .map_err(|e| {
            if storage::is_unique_violation(&e) {
                let mut errors = FieldErrors::default();
                errors.add("url", "this feed is already subscribed");
                AppError::Validation(errors)
            } else {
                e.into()
            }
        })?;
    tracing::info!(url = %stored.url, "feed subscribed");
    Ok(stored.into())
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Feed>, AppError> {
    Ok(feeds::all(db).await?.into_iter().map(Feed::from).collect())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Feed, AppError> {
    feeds::find(db, id)
        .await?
        .map(Feed::from)
        .ok_or(AppError::NotFound("feed"))
}

/// Stops polling a feed. The stories it brought stay, as entries that leave a feed do.
pub async fn remove(db: &impl ConnectionTrait, id: i64) -> Result<(), AppError> {
    if !feeds::delete(db, id).await? {
        return Err(AppError::NotFound("feed"));
    }
    tracing::info!(id, "feed removed");
    Ok(())
}

/// Asks for a poll of feed `id` now.
pub async fn poll_now(db: &impl ConnectionTrait, id: i64) -> Result<Feed, AppError> {
    let found = find(db, id).await?;
    feeds::poll_soon(db, id, Utc::now()).await?;
    Ok(found)
}

/// An embed asked for an article of `origin` that is not here yet: the feeds on that site are
/// polled early, each at most once per `cooldown`. True when one was asked for.
pub async fn poll_early_for(
    db: &impl ConnectionTrait,
    article: &Url,
    cooldown: chrono::Duration,
) -> Result<bool, AppError> {
    let now = Utc::now();
    let mut asked = false;
    for feed in feeds::all(db).await? {
        let on_site = Url::parse(&feed.url).is_ok_and(|u| entry::same_site(&u, article));
        // A failing feed keeps its back-off: readers do not get to hammer a broken server.
        if on_site && feed.failures == 0 {
            asked |= feeds::poll_early(db, feed.id, now, now - cooldown).await?;
        }
    }
    Ok(asked)
}

/// How long to wait after `failures` failed polls in a row: the interval, doubling with each,
/// at most `max`.
pub fn backoff(interval_secs: u64, failures: i32, max_secs: u64) -> chrono::Duration {
    let factor = 1u64 << failures.clamp(0, 16);
    let secs = interval_secs
        .saturating_mul(factor)
        .min(max_secs.max(interval_secs));
    chrono::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn failing_feeds_wait_longer_up_to_the_cap() {
        assert_eq!(backoff(300, 0, 3600).num_seconds(), 300);
        assert_eq!(backoff(300, 1, 3600).num_seconds(), 600);
        assert_eq!(backoff(300, 3, 3600).num_seconds(), 2400);
        assert_eq!(backoff(300, 9, 3600).num_seconds(), 3600);
        assert_eq!(backoff(300, 99, 3600).num_seconds(), 3600);
    }
}
