//! The proxy's request path: the disk cache first; on a miss one fetch per URL however many
//! readers ask at once (they wait for the same result), a bounded number of fetches in flight,
//! and a refusal remembered for a while so a broken file on a busy page is not fetched for
//! every reader.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Bytes, http::StatusCode};
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use super::{
    cache::{Cached, DiskCache, key},
    sniff,
};
use crate::{
    config::MediaSettings,
    federation::{
        client::FetchError,
        context::Federation,
        media_fetch::{MediaError, MediaLimits},
        origin,
    },
};

/// Refusals remembered at most; past it the oldest are forgotten first.
const MAX_REFUSALS: usize = 10_000;

/// Why a file is not served, as the reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub reason: &'static str,
}

impl Refusal {
    /// How long to answer with this refusal before asking the remote server again: a file
    /// that is the wrong type or too big stays so; an unreachable server may come back.
    fn remembered_for(self) -> Duration {
        match self.status {
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => Duration::from_secs(60),
            _ => Duration::from_secs(600),
        }
    }
}

type Outcome = Result<Cached, Refusal>;

pub struct Proxy {
    cache: Arc<DiskCache>,
    limits: MediaLimits,
    fetches: Semaphore,
    /// Fetches under way, by cache key: later readers await the first one's result.
    in_flight: Mutex<HashMap<String, Arc<OnceCell<Outcome>>>>,
    refused: Mutex<HashMap<String, (Instant, Refusal)>>,
}

impl Proxy {
    pub fn new(settings: &MediaSettings) -> Proxy {
        let cache = DiskCache::open(&settings.dir, settings.max_bytes);
        tracing::debug!(dir = %settings.dir.display(), bytes = cache.size(), "media cache opened");
        Proxy {
            cache: Arc::new(cache),
            limits: MediaLimits {
                max_bytes: usize::try_from(settings.max_file_bytes).unwrap_or(usize::MAX),
                deadline: Duration::from_secs(settings.fetch_timeout_secs),
            },
            fetches: Semaphore::new(settings.concurrent_fetches),
            in_flight: Mutex::new(HashMap::new()),
            refused: Mutex::new(HashMap::new()),
        }
    }

    /// The file at `remote`, from the cache or fetched (once) and stored.
    pub async fn get(&self, fed: &Federation, remote: &Url) -> Outcome {
        let key = key(remote.as_str());
        if let Some(hit) = self.cached(&key).await {
            return Ok(hit);
        }
        if let Some(refusal) = self.recently_refused(&key) {
            return Err(refusal);
        }
        let cell = self.cell(&key);
        // Dropped when done, or when the reader goes away mid-fetch: either way the cell
        // leaves the map (a waiting reader then finishes the fetch in its place).
        let _done = Finished {
            proxy: self,
            key: &key,
            cell: cell.clone(),
        };
        cell.get_or_init(|| self.fetch_and_store(fed, remote, &key))
            .await
            .clone()
    }

    async fn cached(&self, key: &str) -> Option<Cached> {
        let cache = self.cache.clone();
        let key = key.to_string();
        tokio::task::spawn_blocking(move || cache.get(&key))
            .await
            .ok()
            .flatten()
    }

    fn cell(&self, key: &str) -> Arc<OnceCell<Outcome>> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        in_flight.entry(key.to_string()).or_default().clone()
    }

    fn finished(&self, key: &str, cell: &Arc<OnceCell<Outcome>>) {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        if in_flight.get(key).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            in_flight.remove(key);
        }
    }

    async fn fetch_and_store(&self, fed: &Federation, remote: &Url, key: &str) -> Outcome {
        // Another reader's fetch may have finished between our miss and this cell.
        if let Some(hit) = self.cached(key).await {
            return Ok(hit);
        }
        let outcome = self.fetch(fed, remote).await;
        match &outcome {
            Ok(fetched) => self.store(key, fetched.clone()).await,
            Err(refusal) => self.remember(key, *refusal),
        }
        outcome
    }

    async fn fetch(&self, fed: &Federation, remote: &Url) -> Outcome {
        let _slot = self.fetches.acquire().await.map_err(|_| Refusal {
            status: StatusCode::SERVICE_UNAVAILABLE,
            reason: "shutting down",
        })?;
        let settings = &fed.settings;
        let not_ours = |url: &Url| {
            if origin::is_ours(settings, url) {
                Err(format!("{url} is on our own host"))
            } else {
                Ok(())
            }
        };
        let fetched = fed
            .client
            .get_media(remote, &fed.instance, self.limits, &not_ours)
            .await;
        let media = fetched.map_err(|err| {
            tracing::info!(url = %remote, error = %err, "media not proxied");
            refusal_for(&err)
        })?;
        let Some(content_type) = sniff::media_type(&media.body) else {
            tracing::info!(url = %remote, declared = ?media.declared_type, "media is not an image, video or audio file");
            return Err(Refusal {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                reason: "not an image, video or audio file",
            });
        };
        Ok(Cached {
            content_type,
            body: Bytes::from(media.body),
        })
    }

    async fn store(&self, key: &str, fetched: Cached) {
        let cache = self.cache.clone();
        let key = key.to_string();
        let _ = tokio::task::spawn_blocking(move || cache.put(&key, &fetched)).await;
    }

    fn recently_refused(&self, key: &str) -> Option<Refusal> {
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        let (until, refusal) = refused.get(key)?;
        (Instant::now() < *until).then_some(*refusal)
    }

    fn remember(&self, key: &str, refusal: Refusal) {
        let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if refused.len() >= MAX_REFUSALS {
            let now = Instant::now();
            refused.retain(|_, (until, _)| *until > now);
            if refused.len() >= MAX_REFUSALS {
                refused.clear();
            }
        }
        let until = Instant::now() + refusal.remembered_for();
        refused.insert(key.to_string(), (until, refusal));
    }
}

struct Finished<'a> {
    proxy: &'a Proxy,
    key: &'a str,
    cell: Arc<OnceCell<Outcome>>,
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.proxy.finished(self.key, &self.cell);
    }
}

fn refusal_for(err: &MediaError) -> Refusal {
    let (status, reason) = match err {
        MediaError::Fetch(FetchError::Refused(_)) => (StatusCode::FORBIDDEN, "address not allowed"),
        MediaError::TooSlow(_) => (StatusCode::GATEWAY_TIMEOUT, "the remote server is too slow"),
        MediaError::TooLarge(_) => (StatusCode::BAD_GATEWAY, "the file is too large"),
        MediaError::Fetch(FetchError::Status { .. }) => {
            (StatusCode::BAD_GATEWAY, "the remote server refused")
        }
        MediaError::Fetch(_) => (
            StatusCode::BAD_GATEWAY,
            "the remote file could not be fetched",
        ),
    };
    Refusal { status, reason }
}
