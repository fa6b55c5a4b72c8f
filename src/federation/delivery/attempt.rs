//! One delivery attempt: send, then hand what happened to the outcome writer.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use url::Url;

use super::{
    backoff::{self, Verdict},
    outcomes::Outcomes,
};
use crate::{
    federation::{
        client::{FetchError, Standing},
        context::Federation,
    },
    storage::{
        deliveries::{DELIVERED, EXPIRED, FAILED, Outcome, PENDING},
        delivery_outcomes::{Attempted, HostHealth},
        entities::{delivery, outgoing_activity},
    },
};

/// Sends `row` to a host of the given standing and hands the outcome over for writing.
pub async fn run(
    fed: &Federation,
    row: delivery::Model,
    activity: Arc<outgoing_activity::Model>,
    standing: Standing,
    outcomes: &Outcomes,
) {
    let result = send(fed, &row, &activity, standing).await;
    outcomes.hand_over(judge(fed, row, result));
}

async fn send(
    fed: &Federation,
    row: &delivery::Model,
    activity: &outgoing_activity::Model,
    standing: Standing,
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
        .post_activity(&inbox, &activity.payload, &signer, standing)
        .await
}

/// What the attempt means for the row and for its host.
fn judge(
    fed: &Federation,
    row: delivery::Model,
    result: Result<u16, FetchError>,
) -> Attempted<'static> {
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
    // Any HTTP answer below 500 proves the host is up; a 5xx or a network error counts against it.
    let health = match status {
        Some(s) if s < 500 => HostHealth::Answered,
        _ => HostHealth::Failed(error.clone().unwrap_or_default()),
    };
    let (state, next) = next_state(fed, &row, verdict, now);
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
    Attempted {
        delivery_id: row.id,
        host: row.host,
        outcome: Outcome {
            state,
            status,
            error,
            next_attempt_at: next,
        },
        health,
    }
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
