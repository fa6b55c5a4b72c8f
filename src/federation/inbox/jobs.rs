//! The inbox worker: replies whose parents had to be fetched, taken from the persistent
//! `inbox_jobs` queue after the request was answered.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use serde_json::Value;
use tokio::sync::watch;

use crate::{
    domain::remote,
    federation::{
        ancestors::{self, Budget, Placed, ThreadError},
        context::Federation,
        delivery::backoff,
        protocol::inbound::{InboundActivity, InboundObject},
    },
    storage::{entities::inbox_job, inbox_jobs, received_activities},
};

/// Jobs that keep failing are dropped after this many attempts.
const MAX_ATTEMPTS: i32 = 8;
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// How often the record of received activity ids is pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

pub struct InboxWorker {
    fed: Arc<Federation>,
    token: String,
}

impl InboxWorker {
    pub fn new(fed: Arc<Federation>) -> Self {
        InboxWorker {
            fed,
            token: uuid::Uuid::new_v4().to_string(),
        }
    }

    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.fed.settings.delivery.poll_ms);
        let mut pruned_at: Option<std::time::Instant> = None;
        while !*stop.borrow() {
            if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                self.prune_received().await;
                pruned_at = Some(std::time::Instant::now());
            }
            let now = Utc::now();
            let jobs =
                match inbox_jobs::claim(&self.fed.db, &self.token, now, now + LEASE, 16).await {
                    Ok(jobs) => jobs,
                    Err(err) => {
                        tracing::error!(error = %err, "inbox queue unavailable");
                        Vec::new()
                    }
                };
            let busy = !jobs.is_empty();
            for job in jobs {
                if let Err(err) = self.process(&job).await {
                    tracing::error!(job = job.id, error = %format!("{err:#}"), "inbox job bookkeeping failed");
                }
            }
            if busy {
                continue;
            }
            tokio::select! {
                () = self.fed.jobs.notified() => {},
                () = tokio::time::sleep(poll) => {},
                _ = stop.changed() => {},
            }
        }
        if let Err(err) = inbox_jobs::release(&self.fed.db, &self.token).await {
            tracing::error!(error = %err, "cannot release inbox jobs; they return when the lease expires");
        }
    }

    /// Forgets received activity ids older than twice the signature window: a replay of one is
    /// refused as stale before its id is looked at, so keeping it protects nothing.
    async fn prune_received(&self) {
        let window = self.fed.settings.inbox.signature_window_secs.max(60);
        let before = Utc::now() - chrono::Duration::seconds(window.saturating_mul(2));
        match received_activities::prune(&self.fed.db, before).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(pruned = n, "received activity ids pruned"),
            Err(err) => tracing::error!(error = %err, "cannot prune received activity ids"),
        }
    }

    async fn process(&self, job: &inbox_job::Model) -> anyhow::Result<()> {
        match self.place(job).await {
            Ok(placed) => {
                tracing::debug!(job = job.id, ?placed, "inbox job done");
                inbox_jobs::finish(&self.fed.db, job.id).await?;
            }
            Err(ThreadError::Retry(reason)) if job.attempts + 1 < MAX_ATTEMPTS => {
                let wait = backoff::delay(
                    u32::try_from(job.attempts + 1).unwrap_or(1),
                    Duration::from_millis(self.fed.settings.delivery.retry_base_ms),
                    Duration::from_secs(3600),
                    backoff::random_jitter(),
                );
                let next = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                inbox_jobs::retry_later(&self.fed.db, job.id, next, &reason).await?;
            }
            Err(err) => {
                tracing::warn!(job = job.id, error = %err, "inbox job given up");
                inbox_jobs::finish(&self.fed.db, job.id).await?;
            }
        }
        Ok(())
    }

    async fn place(&self, job: &inbox_job::Model) -> Result<Placed, ThreadError> {
        let value: Value = serde_json::from_str(&job.activity)
            .map_err(|e| ThreadError::Final(anyhow::Error::from(e).into()))?;
        let parsed = |e: crate::federation::protocol::inbound::Rejection| {
            ThreadError::Final(crate::error::AppError::Unprocessable(e.to_string()))
        };
        let activity = InboundActivity::parse(&value).map_err(parsed)?;
        let object = InboundObject::parse(&activity.object).map_err(parsed)?;
        let author = remote::find_by_ap_id(&self.fed.db, activity.actor.as_str()).await?;
        let mut budget = Budget::new(&self.fed);
        let moderation = self
            .fed
            .memo
            .moderation(&self.fed.db, self.fed.settings.moderation.default_mode())
            .await?;
        ancestors::place(&self.fed, object, author, &mut budget, &moderation).await
    }
}
