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
    let db = &fed.db;
    let settings = &fed.settings.delivery;
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
    // Any HTTP answer proves the host is up; a 5xx or a network error counts against it.
    let host_alive = status.is_some_and(|s| s < 500);
    if host_alive {
        hosts::succeeded(db, &row.host).await?;
    } else if let Some(error) = &error {
        let dead_before = now - chrono::Duration::seconds(settings.dead_after_secs as i64);
        hosts::failed(db, &row.host, error, dead_before).await?;
    }
    let attempts = u32::try_from(row.attempts).unwrap_or(0) + 1;
    let expired =
        now - row.created_at > chrono::Duration::seconds(settings.expire_after_secs as i64);
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
    tracing::debug!(delivery = row.id, inbox = %row.inbox, state, ?status, attempts, "delivery attempt");
    fed.metrics.delivery(match (state, verdict) {
        (DELIVERED, _) => "delivered",
        (FAILED, _) => "failed",
        (EXPIRED, _) => "expired",
        _ => "retry",
    });
    if state == FAILED || state == EXPIRED {
        tracing::warn!(delivery = row.id, inbox = %row.inbox, state, error = ?error, "delivery given up");
    }
    deliveries::record(
        db,
        row.id,
        token,
        Outcome {
            state,
            status,
            error,
            next_attempt_at: next,
        },
    )
    .await?;
    Ok(())
}
