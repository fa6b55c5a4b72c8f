//! The state every handler shares, carried as activitypub_federation's `Data<AppState>` so the
//! web, API and federation code all see one object.

use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{
    config::Settings,
    domain::ids::Urls,
    federation::{context::Federation, outbox::fanout::Fanout},
    http::page_cache::PageCache,
    ratelimit::{Backoff, RateLimiter, SenderAllowance, SenderLimits, TokenBuckets},
};

#[derive(Clone)]
pub struct AppState {
    /// The connection pool; cloning shares it.
    pub db: DatabaseConnection,
    /// Settings as resolved at start; never reloaded while running.
    pub settings: Arc<Settings>,
    /// Builds every URL we mint, from `settings.public_url`.
    pub urls: Urls,
    /// The federation runtime: HTTP client, keys, the delivery worker's wake-up.
    pub federation: Arc<Federation>,
    /// Turns story changes into queued deliveries.
    pub fanout: Arc<Fanout>,
    /// Inbox requests per verified remote actor, and per host (growing with its active actors).
    pub inbox_limiter: Arc<SenderLimits>,
    /// Inbox requests per client address, counted before verification.
    pub inbox_address_limiter: Arc<TokenBuckets>,
    /// "Where's my reply?" look-ups per client address per minute (each may fetch).
    pub where_limiter: Arc<RateLimiter>,
    /// Login attempts per client address per 15 minutes.
    pub login_limiter: Arc<RateLimiter>,
    /// The growing wait between failed logins per account.
    pub login_backoff: Arc<Backoff>,
    /// Rendered conversation changes for open story pages.
    pub live: Arc<crate::live::Hub>,
    /// Story pages' conversations as every anonymous reader is shown them.
    pub page_cache: Arc<PageCache>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        settings: Arc<Settings>,
        federation: Arc<Federation>,
    ) -> Self {
        AppState {
            urls: Urls::new(&settings.public_url),
            fanout: Arc::new(Fanout::new(settings.clone())),
            inbox_limiter: Arc::new(SenderLimits::new(sender_allowance(&settings))),
            inbox_address_limiter: Arc::new(TokenBuckets::per_minute(
                settings.inbox.per_address_per_minute,
            )),
            live: Arc::new(crate::live::Hub::default()),
            page_cache: Arc::new(PageCache::new(
                &settings.web,
                federation.events.subscribe(),
                federation.invalidations.subscribe(),
            )),
            where_limiter: Arc::new(RateLimiter::new(
                settings.web.where_lookups_per_minute,
                Duration::from_secs(60),
            )),
            login_limiter: Arc::new(RateLimiter::new(
                settings.moderation.login_attempts,
                Duration::from_secs(15 * 60),
            )),
            login_backoff: Arc::new(Backoff::new(
                settings.moderation.login_free_failures,
                Duration::from_millis(settings.moderation.login_delay_base_ms),
                Duration::from_secs(settings.moderation.login_delay_max_secs),
                Duration::from_secs(15 * 60),
            )),
            settings,
            federation,
            db,
        }
    }

    /// The wire-format context for stories.
    pub fn site(&self) -> crate::federation::objects::story::Site<'_> {
        crate::federation::objects::story::Site {
            urls: &self.urls,
            settings: &self.settings,
        }
    }

    /// Wakes the delivery worker after a change that queued deliveries has committed.
    pub fn deliveries_queued(&self) {
        self.federation.wake.notify_one();
    }
}

fn sender_allowance(settings: &Settings) -> SenderAllowance {
    let moderation = &settings.moderation;
    SenderAllowance {
        per_actor: moderation.inbox_per_actor_per_minute,
        per_host: moderation.inbox_per_host_per_minute,
        per_active_actor: moderation.inbox_per_active_actor_per_minute,
        per_host_max: moderation.inbox_per_host_max_per_minute,
    }
}
