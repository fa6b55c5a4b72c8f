//! The webhook claim loop: one per server process; replicas share the queue through leases.

use std::{collections::HashMap, sync::Arc, time::Duration};

use anyhow::Context;
use chrono::Utc;
use tokio::{sync::watch, task::JoinSet};
use url::Url;

use super::{body, signature};
use crate::{
    domain::{alerts, ids::Urls},
    federation::{
        context::Federation,
        delivery::backoff::{self, Verdict},
        guard,
    },
    storage::{
        entities::{webhook_delivery, webhook_event},
        webhook_deliveries::{self, DELIVERED, EXPIRED, FAILED, Outcome, PENDING},
        webhook_events,
    },
};

/// A receiver that has not answered in this long has failed this attempt.
const TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Webhooks sent at once by one process.
const BATCH: u64 = 16;

pub struct WebhookWorker {
    fed: Arc<Federation>,
    client: reqwest::Client,
    urls: Urls,
    token: Arc<str>,
}

impl WebhookWorker {
    pub fn new(fed: Arc<Federation>) -> anyhow::Result<Self> {
        let settings = &fed.settings;
        let client = reqwest::Client::builder()
            .user_agent(format!(
                "Broadsheet-Webhooks/{} (+{})",
                env!("CARGO_PKG_VERSION"),
                settings.public_url
            ))
            // An editor's URL is an outbound request like any other: no internal addresses.
            .dns_resolver(guard::resolver(settings.dev))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .no_proxy()
            .build()
            .context("cannot build the webhook HTTP client")?;
        Ok(WebhookWorker {
            urls: Urls::new(&settings.public_url),
            token: Arc::from(uuid::Uuid::new_v4().to_string()),
            client,
            fed,
        })
    }

    /// Runs until `stop` turns true, then gives back whatever it still holds.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.fed.settings.delivery.poll_ms);
        let worker = Arc::new(self);
        while !*stop.borrow() {
            let sent = match worker.clone().round().await {
                Ok(n) => n,
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "webhook queue unavailable");
                    0
                }
            };
            if sent > 0 {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(poll) => {},
                _ = stop.changed() => {},
            }
        }
        if let Err(err) = webhook_deliveries::release(&worker.fed.db, &worker.token).await {
            tracing::error!(error = %err, "cannot release leased webhooks; they return when the lease expires");
        }
    }

    /// Claims a batch of due rows and sends them, each in its own task. Returns how many.
    async fn round(self: Arc<Self>) -> anyhow::Result<usize> {
        let db = &self.fed.db;
        let now = Utc::now();
        let due: Vec<i64> = webhook_deliveries::due(db, now, BATCH)
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        let lease = chrono::Duration::seconds(self.fed.settings.delivery.lease_secs as i64);
        let won = webhook_deliveries::lease(db, &due, &self.token, now, now + lease).await?;
        let event_ids: Vec<i64> = won.iter().map(|d| d.event_id).collect();
        let events: HashMap<i64, Arc<webhook_event::Model>> =
            webhook_events::find_many(db, &event_ids)
                .await?
                .into_iter()
                .map(|e| (e.id, Arc::new(e)))
                .collect();
        let mut tasks = JoinSet::new();
        let count = won.len();
        for row in won {
            let (worker, event) = (self.clone(), events.get(&row.event_id).cloned());
            tasks.spawn(async move { worker.attempt(row, event).await });
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    /// Sends one delivery and writes down what happened under this worker's lease.
    async fn attempt(
        &self,
        row: webhook_delivery::Model,
        event: Option<Arc<webhook_event::Model>>,
    ) {
        let result = match event {
            Some(event) => self.send(&row, &event).await,
            None => Err(Failure::Final("the event is gone".into())),
        };
        let outcome = self.outcome(&row, result);
        if outcome.state == FAILED || outcome.state == EXPIRED {
            tracing::warn!(webhook = row.webhook_id, delivery = row.id, state = outcome.state, error = ?outcome.error, "webhook given up");
        }
        if let Err(err) =
            webhook_deliveries::record(&self.fed.db, row.id, &self.token, outcome).await
        {
            // The lease runs out and the row is tried again: at worst a duplicate, never a loss.
            tracing::error!(delivery = row.id, error = %err, "cannot record a webhook outcome");
        }
    }

    async fn send(
        &self,
        row: &webhook_delivery::Model,
        event: &webhook_event::Model,
    ) -> Result<u16, Failure> {
        let Some(hook) = alerts::find(&self.fed.db, row.webhook_id)
            .await
            .map_err(|e| Failure::Retry(e.to_string()))?
        else {
            return Err(Failure::Final("the webhook was deleted".into()));
        };
        let url: Url = hook.url.clone();
        guard::check_url(&url, self.fed.settings.dev).map_err(Failure::Final)?;
        let timestamp = Utc::now().timestamp();
        let body = body::render(&event.payload, &self.urls, row.id, timestamp);
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                signature::SIGNATURE,
                signature::sign(hook.secret.expose(), body.as_bytes()),
            )
            .header(signature::TIMESTAMP, timestamp.to_string())
            .header(signature::EVENT, event.kind.as_str())
            .header(signature::DELIVERY, row.id.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| Failure::Retry(crate::federation::client::describe(&e)))?;
        Ok(response.status().as_u16())
    }

    /// The row's next state: delivered, retried later with back-off, or given up.
    fn outcome(
        &self,
        row: &webhook_delivery::Model,
        result: Result<u16, Failure>,
    ) -> Outcome<'static> {
        let settings = &self.fed.settings.delivery;
        let now = Utc::now();
        let (verdict, status, error) = match result {
            // A redirect is not followed: the receiver must give its final URL.
            Ok(status) if (300..400).contains(&status) => (
                Verdict::Rejected,
                Some(status),
                Some(format!("HTTP {status} (redirects are not followed)")),
            ),
            Ok(status) => (
                backoff::verdict(status),
                Some(status),
                (status >= 300).then(|| format!("HTTP {status}")),
            ),
            Err(Failure::Final(reason)) => (Verdict::Rejected, None, Some(reason)),
            Err(Failure::Retry(reason)) => (Verdict::Retry, None, Some(reason)),
        };
        let expired =
            now - row.created_at > chrono::Duration::seconds(settings.expire_after_secs as i64);
        let attempts = u32::try_from(row.attempts).unwrap_or(0) + 1;
        let (state, next) = match verdict {
            Verdict::Delivered => (DELIVERED, now),
            Verdict::Rejected => (FAILED, now),
            Verdict::Retry if expired => (EXPIRED, now),
            Verdict::Retry => {
                let wait = backoff::delay(
                    attempts,
                    Duration::from_millis(settings.retry_base_ms),
                    Duration::from_secs(settings.retry_cap_secs),
                    backoff::random_jitter(),
                );
                (
                    PENDING,
                    now + chrono::Duration::from_std(wait).unwrap_or_default(),
                )
            }
        };
        Outcome {
            state,
            status: status.map(i32::from),
            error,
            next_attempt_at: next,
        }
    }
}

/// Why an attempt did not reach the receiver.
enum Failure {
    /// It never will (the URL is refused, the webhook is gone): not retried.
    Final(String),
    Retry(String),
}
