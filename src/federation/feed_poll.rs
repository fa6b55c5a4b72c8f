//! The feed poller: every subscribed feed is fetched when due (a conditional GET through the
//! guarded client, capped in size), and its entries imported as stories. One replica polls at a
//! time (the `feeds` job lease). A failing feed keeps its error and waits longer each time.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use tokio::sync::watch;
use url::Url;

use super::{
    client::{Conditional, FetchError},
    context::Federation,
    outbox::fanout::Fanout,
};
use crate::{
    domain::{feed, ids::Urls},
    storage::{entities::feed as feed_row, feeds, job_leases},
};

/// What we read, best first: a feed server may pick the format by it.
const ACCEPT_FEEDS: &str = "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

pub struct FeedPoller {
    fed: Arc<Federation>,
    fanout: Fanout,
    urls: Urls,
    holder: String,
}

impl FeedPoller {
    pub fn new(fed: Arc<Federation>) -> Self {
        FeedPoller {
            fanout: Fanout::new(fed.settings.clone()),
            urls: Urls::new(&fed.settings.public_url),
            fed,
            holder: uuid::Uuid::new_v4().to_string(),
        }
    }

    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let every = self.fed.settings.feeds.poll_interval_secs;
        let tick = Duration::from_secs(every.clamp(1, 30));
        while !*stop.borrow() {
            // The lease outlives the tick, so the holder keeps it while it keeps polling.
            let until = Utc::now() + chrono::Duration::from_std(tick * 3).unwrap_or_default();
            if let Ok(true) =
                job_leases::try_acquire(&self.fed.db, "feeds", &self.holder, until).await
                && let Err(err) = self.poll_due().await
            {
                tracing::error!(error = %format!("{err:#}"), "feed polling failed");
            }
            tokio::select! {
                () = tokio::time::sleep(tick) => {},
                () = self.fed.feeds.notified() => {},
                _ = stop.changed() => {},
            }
        }
    }

    async fn poll_due(&self) -> anyhow::Result<()> {
        for subscription in feeds::due(&self.fed.db, Utc::now()).await? {
            self.poll(&subscription).await?;
        }
        Ok(())
    }

    /// Polls one feed and records the outcome; only a database failure is an error here.
    #[tracing::instrument(skip_all, fields(url = %subscription.url))]
    async fn poll(&self, subscription: &feed_row::Model) -> anyhow::Result<()> {
        let settings = &self.fed.settings.feeds;
        let now = Utc::now();
        let interval = chrono::Duration::seconds(
            i64::try_from(settings.poll_interval_secs).unwrap_or(i64::MAX / 1000),
        );
        match self.fetch(subscription).await {
            Ok(Conditional::NotModified) => {
                feeds::succeeded(
                    &self.fed.db,
                    subscription.id,
                    None,
                    None,
                    None,
                    now,
                    now + interval,
                )
                .await?;
            }
            Ok(Conditional::Fetched {
                body,
                etag,
                last_modified,
            }) => match feed::entry::parse(&body) {
                Ok(parsed) => {
                    let outcome = feed::import::import(
                        &self.fed.db,
                        &self.urls,
                        subscription,
                        &parsed,
                        &self.fanout,
                    )
                    .await?;
                    if outcome.updated > 0 {
                        // Which stories is not told: their pages may show another byline.
                        self.fed
                            .invalidate(super::context::Invalidation::Story(None));
                    }
                    self.fed.wake.notify_one();
                    tracing::info!(
                        created = outcome.created,
                        updated = outcome.updated,
                        problems = outcome.problems.len(),
                        "feed polled"
                    );
                    let title = parsed.title.map(|t| t.content.chars().take(200).collect());
                    feeds::succeeded(
                        &self.fed.db,
                        subscription.id,
                        title,
                        etag,
                        last_modified,
                        now,
                        now + interval,
                    )
                    .await?;
                    if !outcome.problems.is_empty() {
                        let problems = outcome.problems.join("\n");
                        feeds::entry_problems(&self.fed.db, subscription.id, &problems).await?;
                    }
                }
                Err(problem) => self.failed(subscription, &problem).await?,
            },
            Err(error) => self.failed(subscription, &error.to_string()).await?,
        }
        Ok(())
    }

    async fn fetch(&self, subscription: &feed_row::Model) -> Result<Conditional, FetchError> {
        let url: Url = subscription
            .url
            .parse()
            .map_err(|_| FetchError::Invalid("not a URL".into()))?;
        self.fed
            .client
            .get_conditional(
                &url,
                ACCEPT_FEEDS,
                subscription.etag.as_deref(),
                subscription.last_modified.as_deref(),
                self.fed.settings.feeds.max_bytes,
            )
            .await
    }

    async fn failed(&self, subscription: &feed_row::Model, error: &str) -> anyhow::Result<()> {
        let settings = &self.fed.settings.feeds;
        let failures = subscription.failures.saturating_add(1);
        let wait = feed::backoff(
            settings.poll_interval_secs,
            failures,
            settings.max_backoff_secs,
        );
        tracing::warn!(%error, failures, "feed poll failed");
        let now = Utc::now();
        let error: String = error.chars().take(2000).collect();
        feeds::failed(
            &self.fed.db,
            subscription.id,
            &error,
            failures,
            now,
            now + wait,
        )
        .await?;
        Ok(())
    }
}
