//! One delivery attempt: send, then write down what happened.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use url::Url;

use super::backoff::{self, Verdict};
use crate::{
    federation::{client::FetchError, context::Federation},
    storage::{
        deliveries::{self, DELIVERED, EXPIRED, FAILED, Outcome, PENDING},
        entities::{delivery, outgoing_activity},
        hosts,
    },
};

/// Sends `row` and records the outcome under the worker's lease `token`.
pub async fn run(
    fed: Arc<Federation>,
    row: delivery::Model,
    activity: Arc<outgoing_activity::Model>,
    token: Arc<str>,
) {
    let result = send(&fed, &row, &activity).await;
    if let Err(err) = record(&fed, &row, &token, result).await {
        // The lease expires and the row is tried again: at worst a duplicate, never a loss.
        tracing::error!(delivery = row.id, error = %format!("{err:#}"), "cannot record a delivery outcome");
    }
}

async fn send(
    fed: &Federation,
    row: &delivery::Model,
    activity: &outgoing_activity::Model,
) -> Result<u16, FetchError> {
    let inbox: Url = row
        .inbox
        .parse()
        .map_err(|_| FetchError::Refused(format!("`{}` is not a URL", row.inbox)))?;
    let signer = fed
        .signer(activity.actor_id)
        .await
        .map_err(|e| FetchError::Invalid(format!("{e:#}")))?;
    fed.client
        .post_activity(&inbox, &activity.payload, &signer)
        .await
}

async fn record(
    fed: &Federation,
    row: &delivery::Model,
    token: &str,
    result: Result<u16, FetchError>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let (verdict, status, error) = match result {
        Ok(status) => (
            backoff::verdict(status),
            Some(i32::from(status)),
            (status >= 300).then(|| format!("HTTP {status}")),
        ),
        Err(FetchError::Refused(reason)) => (Verdict::Rejected, None, Some(reason)),
        Err(err) => (Verdict::Retry, None, Some(err.to_string())),
    };
    record_host(fed, row, status, error.as_deref(), now).await?;
    let (state, next) = next_state(fed, row, verdict, now);
    tracing::debug!(delivery = row.id, inbox = %row.inbox, state, ?status, "delivery attempt");
    fed.metrics.delivery(match state {
        DELIVERED => "delivered",
        FAILED => "failed",
        EXPIRED => "expired",
        _ => "retry",
    });
    if state == FAILED || state == EXPIRED {
        tracing::warn!(delivery = row.id, inbox = %row.inbox, state, error = ?error, "delivery given up");
    }
    let outcome = Outcome {
        state,
        status,
        error,
        next_attempt_at: next,
    };
    deliveries::record(&fed.db, row.id, token, outcome).await?;
    Ok(())
}

/// Any HTTP answer proves the host is up; a 5xx or a network error counts against it.
async fn record_host(
    fed: &Federation,
    row: &delivery::Model,
    status: Option<i32>,
    error: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    if status.is_some_and(|s| s < 500) {
        hosts::succeeded(&fed.db, &row.host).await?;
    } else if let Some(error) = error {
        let dead_after = chrono::Duration::seconds(fed.settings.delivery.dead_after_secs as i64);
        hosts::failed(&fed.db, &row.host, error, now - dead_after).await?;
    }
    Ok(())
}

/// The delivery's next state and when it is next due: a retry backs off until the delivery
/// expires.
fn next_state(
    fed: &Federation,
    row: &delivery::Model,
    verdict: Verdict,
    now: chrono::DateTime<Utc>,
) -> (&'static str, chrono::DateTime<Utc>) {
    let settings = &fed.settings.delivery;
    let attempts = u32::try_from(row.attempts).unwrap_or(0) + 1;
    let expired =
        now - row.created_at > chrono::Duration::seconds(settings.expire_after_secs as i64);
    match verdict {
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
    }
}
