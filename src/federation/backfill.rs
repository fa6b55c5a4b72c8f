//! Backfill: Mastodon delivers a reply-to-a-reply only to the parent's author, so many replies
//! never reach us. Periodically crawl the `replies` collections of the replies we hold, and
//! their `context` collections (FEP-7888: the whole conversation as their server knows it),
//! bounded per run, signed fetches, a failing host skipped for the run, and take in what is
//! missing.

use std::{collections::HashSet, sync::Arc, time::Duration};

use chrono::Utc;
use serde_json::Value;
use tokio::sync::watch;
use url::Url;

use super::{
    ancestors::{self, Budget, ThreadError},
    context::Federation,
    memo::Moderation,
    origin::{self, same_origin},
    protocol::inbound::{InboundObject, id_of},
};
use crate::{
    domain::ids::host_with_port,
    domain::reply,
    storage::{entities::reply as reply_entity, job_leases, replies},
};

/// Items read from one collection, at most.
const MAX_ITEMS: usize = 200;

/// Which collection of a reply is crawled, and so which of its items are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Its `replies`: only direct answers to it.
    Replies,
    /// Its `context`: any post of the conversation that answers something we hold.
    Context,
}

/// What one run has learnt so far.
#[derive(Default)]
struct Run {
    /// Hosts that failed: skipped until the next run.
    failing: HashSet<String>,
    /// Context collections already read: many replies of one thread share one.
    contexts: HashSet<String>,
    found: usize,
}

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
        let mut run = Run::default();
        for holder in due {
            for (url, source) in sources(&holder, &mut run.contexts) {
                let host = host_with_port(&url);
                if run.failing.contains(&host) {
                    continue;
                }
                match self.crawl(&holder, &url, source).await {
                    Ok(n) => run.found += n,
                    Err(reason) => {
                        tracing::debug!(%host, %reason, "backfill: host skipped for this run");
                        run.failing.insert(host);
                    }
                }
            }
            // Crawled (or failed): either way it waits an interval before the next look.
            replies::set_crawled(&self.fed.db, holder.id, Utc::now()).await?;
        }
        if run.found > 0 {
            tracing::info!(found = run.found, "backfill took in missing replies");
        }
        Ok(run.found)
    }

    /// Reads up to `crawl_pages` pages of one of `holder`'s collections. The collection and
    /// every page must be on the reply's own origin (as finally served, after redirects), and
    /// embedded items are trusted only from that origin.
    async fn crawl(
        &self,
        holder: &reply_entity::Model,
        url: &Url,
        source: Source,
    ) -> Result<usize, String> {
        let holder_id: Url = holder
            .ap_id
            .parse()
            .map_err(|_| "bad reply id".to_string())?;
        let mut budget = Budget::new(&self.fed);
        let moderation = self
            .fed
            .memo
            .moderation(&self.fed.db, self.fed.settings.moderation.default_mode())
            .await
            .map_err(|e| e.to_string())?;
        // Every fetch, the first one included, is refused off the reply's own origin.
        let (mut page_id, mut page) = self.first_page(url, &holder_id).await?;
        let mut found = 0;
        let mut seen = 0;
        for _ in 0..self.fed.settings.replies.crawl_pages {
            for item in items_of(&page).iter().take(MAX_ITEMS.saturating_sub(seen)) {
                seen += 1;
                if self
                    .take_in((holder, source), &page_id, item, &mut budget, &moderation)
                    .await?
                {
                    found += 1;
                }
            }
            let Some(next) = next_of(&page).filter(|_| seen < MAX_ITEMS) else {
                break;
            };
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

    /// Stores one collection item if it is new and answers `holder` (read from its `replies`)
    /// or anything we hold (read from its `context`).
    async fn take_in(
        &self,
        (holder, source): (&reply_entity::Model, Source),
        page: &Url,
        item: &Value,
        budget: &mut Budget,
        moderation: &Moderation,
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
        if !self.answers(holder, source, &object).await? {
            return Ok(false);
        }
        match ancestors::place(&self.fed, object, None, budget, moderation).await {
            Ok(placed) => Ok(placed == ancestors::Placed::Stored),
            Err(ThreadError::Retry(reason)) => Err(reason),
            Err(ThreadError::Final(err)) => {
                tracing::debug!(error = %err, "backfill: item refused");
                Ok(false)
            }
        }
    }

    /// Whether `object` answers what `source` lets it answer.
    async fn answers(
        &self,
        holder: &reply_entity::Model,
        source: Source,
        object: &InboundObject,
    ) -> Result<bool, String> {
        let Some(parent) = object.in_reply_to.as_ref() else {
            return Ok(false);
        };
        match source {
            Source::Replies => Ok(parent.as_str() == holder.ap_id),
            Source::Context => Ok(reply::find_parent(&self.fed.db, parent.as_str())
                .await
                .map_err(|e| e.to_string())?
                .is_some()),
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

/// The collections of `holder` to crawl: its `replies`, and its `context` unless this run has
/// read that one already.
fn sources(holder: &reply_entity::Model, contexts: &mut HashSet<String>) -> Vec<(Url, Source)> {
    let parse = |u: &Option<String>| u.as_deref().and_then(|u| u.parse::<Url>().ok());
    let mut out = Vec::new();
    if let Some(url) = parse(&holder.replies_url) {
        out.push((url, Source::Replies));
    }
    if let Some(url) = parse(&holder.context_url)
        && contexts.insert(url.to_string())
    {
        out.push((url, Source::Context));
    }
    out
}

/// A collection page's items, ordered or not.
fn items_of(page: &Value) -> Vec<Value> {
    page.get("orderedItems")
        .or_else(|| page.get("items"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn next_of(page: &Value) -> Option<Url> {
    page.get("next")
        .and_then(id_of)
        .and_then(|n| n.parse().ok())
}
