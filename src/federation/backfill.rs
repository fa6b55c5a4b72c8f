//! Backfill: Mastodon delivers a reply-to-a-reply only to the parent's author, so many replies
//! never reach us. Periodically crawl the `replies` collections of the replies we hold (bounded
//! per run, signed fetches, a failing host skipped for the run) and take in what is missing.

use std::{collections::HashSet, sync::Arc, time::Duration};

use chrono::Utc;
use serde_json::Value;
use tokio::sync::watch;
use url::Url;

use super::{
    ancestors::{self, Budget, ThreadError},
    context::Federation,
    origin::{self, same_origin},
    protocol::inbound::{InboundObject, id_of},
};
use crate::{
    domain::ids::host_with_port,
    domain::moderation::blocks::Blocklist,
    domain::reply,
    storage::{entities::reply as reply_entity, job_leases, replies},
};

/// Items read from one collection, at most.
const MAX_ITEMS: usize = 200;

pub struct Crawler {
    fed: Arc<Federation>,
    /// Who holds the crawl lease when this process does.
    holder: String,
}

impl Crawler {
    pub fn new(fed: Arc<Federation>) -> Self {
        Crawler {
            fed,
            holder: uuid::Uuid::new_v4().to_string(),
        }
    }

    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let interval = self.fed.settings.replies.crawl_interval_secs;
        // New replies are crawled soon after they arrive; known ones once per interval.
        let tick = Duration::from_secs(interval.clamp(1, 60));
        while !*stop.borrow() {
            // With several replicas, each tick's run happens in one of them.
            let until = Utc::now() + chrono::Duration::from_std(tick).unwrap_or_default();
            match job_leases::try_acquire(&self.fed.db, "backfill", &self.holder, until).await {
                Ok(true) => {
                    if let Err(err) = self.crawl_once().await {
                        tracing::error!(error = %format!("{err:#}"), "backfill run failed");
                    }
                }
                Ok(false) => {}
                Err(err) => tracing::error!(error = %err, "backfill lease unavailable"),
            }
            tokio::select! {
                () = tokio::time::sleep(tick) => {},
                _ = stop.changed() => {},
            }
        }
    }

    /// One bounded run. Returns how many replies were taken in.
    pub async fn crawl_once(&self) -> anyhow::Result<usize> {
        let settings = &self.fed.settings.replies;
        let before = Utc::now() - chrono::Duration::seconds(settings.crawl_interval_secs as i64);
        let due = replies::due_for_crawl(&self.fed.db, before, settings.crawl_batch).await?;
        let mut failing: HashSet<String> = HashSet::new();
        let mut found = 0;
        for holder in due {
            let Some(url) = holder
                .replies_url
                .as_deref()
                .and_then(|u| u.parse::<Url>().ok())
            else {
                continue;
            };
            let host = host_with_port(&url);
            if failing.contains(&host) {
                continue;
            }
            match self.crawl(&holder, &url).await {
                Ok(n) => found += n,
                Err(reason) => {
                    tracing::debug!(%host, %reason, "backfill: host skipped for this run");
                    failing.insert(host);
                }
            }
            // Crawled (or failed): either way it waits an interval before the next look.
            replies::set_crawled(&self.fed.db, holder.id, Utc::now()).await?;
        }
        if found > 0 {
            tracing::info!(found, "backfill took in missing replies");
        }
        Ok(found)
    }

    /// Reads up to `crawl_pages` pages of `holder`'s replies collection. The collection and
    /// every page must be on the reply's own origin (as finally served, after redirects), and
    /// embedded items are trusted only from that origin.
    async fn crawl(&self, holder: &reply_entity::Model, url: &Url) -> Result<usize, String> {
        let holder_id: Url = holder
            .ap_id
            .parse()
            .map_err(|_| "bad reply id".to_string())?;
        if !same_origin(url, &holder_id) {
            return Err(format!("{url} is not on the host of {holder_id}"));
        }
        let mut budget = Budget::new(&self.fed);
        let blocks = Blocklist::load(&self.fed.db)
            .await
            .map_err(|e| e.to_string())?;
        let (mut page_id, mut page) = self.first_page(url, &holder_id).await?;
        let mut found = 0;
        let mut seen = 0;
        for _ in 0..self.fed.settings.replies.crawl_pages {
            let items = page
                .get("orderedItems")
                .or_else(|| page.get("items"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for item in items.iter().take(MAX_ITEMS.saturating_sub(seen)) {
                seen += 1;
                if self
                    .take_in(holder, &page_id, item, &mut budget, &blocks)
                    .await?
                {
                    found += 1;
                }
            }
            let Some(next) = page
                .get("next")
                .and_then(id_of)
                .and_then(|n| n.parse::<Url>().ok())
            else {
                break;
            };
            if seen >= MAX_ITEMS {
                break;
            }
            (page_id, page) = self.fetch(&next, &holder_id).await?;
        }
        Ok(found)
    }

    /// The collection's first page: embedded in it, or named by its `first`.
    async fn first_page(&self, url: &Url, holder: &Url) -> Result<(Url, Value), String> {
        let (id, collection) = self.fetch(url, holder).await?;
        match collection.get("first").cloned() {
            Some(Value::String(first)) => {
                let first = first.parse().map_err(|_| "bad first page".to_string())?;
                self.fetch(&first, holder).await
            }
            Some(embedded) => Ok((id, embedded)),
            None => Ok((id, collection)),
        }
    }

    /// Stores one collection item if it is new and answers `holder`.
    async fn take_in(
        &self,
        holder: &reply_entity::Model,
        page: &Url,
        item: &Value,
        budget: &mut Budget,
        blocks: &Blocklist,
    ) -> Result<bool, String> {
        let Some(id) = id_of(item) else {
            return Ok(false);
        };
        if reply::find(&self.fed.db, id)
            .await
            .map_err(|e| e.to_string())?
            .is_some()
        {
            return Ok(false);
        }
        let Some(object) = self.item_object(page, item, id).await? else {
            return Ok(false);
        };
        if object.in_reply_to.as_ref().map(Url::as_str) != Some(holder.ap_id.as_str()) {
            return Ok(false);
        }
        match ancestors::place(&self.fed, object, None, budget, blocks).await {
            Ok(placed) => Ok(placed == ancestors::Placed::Stored),
            Err(ThreadError::Retry(reason)) => Err(reason),
            Err(ThreadError::Final(err)) => {
                tracing::debug!(error = %err, "backfill: item refused");
                Ok(false)
            }
        }
    }

    /// The object an item stands for. Embedded objects are trusted only from the page's own
    /// origin; others are fetched (through the origin rules).
    async fn item_object(
        &self,
        page: &Url,
        item: &Value,
        id: &str,
    ) -> Result<Option<InboundObject>, String> {
        if item.is_object()
            && let Some(object) = ancestors::checked(page, item)
        {
            return Ok(Some(object));
        }
        let Ok(url) = id.parse::<Url>() else {
            return Ok(None);
        };
        ancestors::fetch_object(&self.fed, &url)
            .await
            .map_err(|e| e.to_string())
    }

    /// A page of the collection, authoritative and on the reply's origin: its id and the page.
    async fn fetch(&self, url: &Url, holder: &Url) -> Result<(Url, Value), String> {
        if !same_origin(url, holder) {
            return Err(format!("{url} is not on the host of {holder}"));
        }
        let fetched = origin::fetch(&self.fed, url)
            .await
            .map_err(|e| e.to_string())?;
        if !same_origin(&fetched.id, holder) {
            return Err(format!("{} is not on the host of {holder}", fetched.id));
        }
        Ok((fetched.id, fetched.document))
    }
}
