//! Subscribed blocklists, fetched again periodically (once per period across replicas) and
//! applied: domains the list adds are blocked, domains it drops are unblocked.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use tokio::sync::watch;

use super::context::Federation;
use crate::{
    domain::moderation::blocks,
    storage::{blocklist_subscriptions, job_leases},
};

pub struct Refresher {
    fed: Arc<Federation>,
    holder: String,
}

impl Refresher {
    pub fn new(fed: Arc<Federation>) -> Self {
        Refresher {
            fed,
            holder: uuid::Uuid::new_v4().to_string(),
        }
    }

    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let every = self.fed.settings.moderation.blocklist_refresh_secs;
        let tick = Duration::from_secs(every.clamp(1, 60));
        while !*stop.borrow() {
            let until = Utc::now() + chrono::Duration::from_std(tick).unwrap_or_default();
            if let Ok(true) =
                job_leases::try_acquire(&self.fed.db, "blocklists", &self.holder, until).await
                && let Err(err) = self.refresh_due(every).await
            {
                tracing::error!(error = %format!("{err:#}"), "blocklist refresh failed");
            }
            tokio::select! {
                () = tokio::time::sleep(tick) => {},
                // A new subscription is fetched at once.
                () = self.fed.blocklists.notified() => {},
                _ = stop.changed() => {},
            }
        }
    }

    async fn refresh_due(&self, every: u64) -> anyhow::Result<()> {
        let due_before = Utc::now() - chrono::Duration::seconds(every as i64);
        for subscription in blocklist_subscriptions::all(&self.fed.db).await? {
            if subscription.fetched_at.is_some_and(|at| at > due_before) {
                continue;
            }
            let outcome = match subscription.url.parse() {
                Ok(url) => self
                    .fed
                    .client
                    .get_text(&url)
                    .await
                    .map_err(|e| e.to_string()),
                Err(_) => Err("not a URL".to_string()),
            };
            match outcome {
                Ok(text) => {
                    let count =
                        blocks::apply_subscription(&self.fed.db, subscription.id, &text).await?;
                    self.fed
                        .invalidate(super::context::Invalidation::Moderation);
                    tracing::info!(url = %subscription.url, domains = count, "blocklist applied");
                    blocklist_subscriptions::fetched(&self.fed.db, subscription.id, None).await?;
                    self.withdraw_blocked_stamps().await?;
                }
                Err(error) => {
                    tracing::warn!(url = %subscription.url, %error, "blocklist fetch failed");
                    blocklist_subscriptions::fetched(&self.fed.db, subscription.id, Some(error))
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Quote stamps held by accounts the updated list now blocks are withdrawn.
    async fn withdraw_blocked_stamps(&self) -> Result<(), crate::error::AppError> {
        let urls = crate::domain::ids::Urls::new(&self.fed.settings.public_url);
        for quoter in crate::domain::quote::blocked_stamp_holders(&self.fed.db).await? {
            super::outbox::quotes::revoke_all_of(&self.fed.db, &urls, &quoter).await?;
            self.fed.wake.notify_one();
        }
        Ok(())
    }
}
