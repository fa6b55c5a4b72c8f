//! Queries on `webhook_deliveries`: one row per event and webhook, claimed by the webhook
//! worker through the same lease as activity deliveries (see `lease`), in the same states.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

pub use super::deliveries::{DELIVERED, EXPIRED, FAILED, Outcome, PENDING};
use super::{entities::webhook_delivery, lease};

/// Queues `event_id` for each of `webhook_ids`, due now.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    event_id: i64,
    webhook_ids: &[i64],
) -> Result<(), DbErr> {
    if webhook_ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = webhook_ids
        .iter()
        .map(|&webhook_id| webhook_delivery::ActiveModel {
            webhook_id: Set(webhook_id),
            event_id: Set(event_id),
            state: Set(PENDING.to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        });
    webhook_delivery::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Due, unleased rows, oldest due first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(lease::unleased::<webhook_delivery::Entity>(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Leases `ids` to `token` until `until`; returns the rows actually won.
pub async fn lease(
    db: &impl ConnectionTrait,
    ids: &[i64],
    token: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let pending = Condition::all().add(webhook_delivery::Column::State.eq(PENDING));
    lease::take::<webhook_delivery::Entity>(db, ids, pending, token, now, until).await
}

/// Gives back every row a lease token still holds (a worker shutting down).
pub async fn release(db: &impl ConnectionTrait, token: &str) -> Result<u64, DbErr> {
    let pending = Condition::all().add(webhook_delivery::Column::State.eq(PENDING));
    lease::release::<webhook_delivery::Entity>(db, token, pending).await
}

/// Writes the outcome of one attempt, by the worker holding the lease.
pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    token: &str,
    outcome: Outcome<'_>,
) -> Result<(), DbErr> {
    let delivered_at = (outcome.state == DELIVERED).then(Utc::now);
    lease::unlocked(webhook_delivery::Entity::update_many())
        .col_expr(webhook_delivery::Column::State, Expr::value(outcome.state))
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(
            webhook_delivery::Column::LastStatus,
            Expr::value(outcome.status),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(outcome.error),
        )
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(outcome.next_attempt_at),
        )
        .col_expr(
            webhook_delivery::Column::DeliveredAt,
            Expr::value(delivered_at),
        )
        .filter(webhook_delivery::Column::Id.eq(id))
        .filter(webhook_delivery::Column::LeaseToken.eq(token))
        .exec(db)
        .await?;
    Ok(())
}

/// A webhook's deliveries in one state.
#[derive(Debug, FromQueryResult)]
pub struct WebhookStateCount {
    pub webhook_id: i64,
    pub state: String,
    pub count: i64,
}

/// Deliveries per webhook and state, for the list of webhooks.
pub async fn count_by_webhook(db: &impl ConnectionTrait) -> Result<Vec<WebhookStateCount>, DbErr> {
    webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::WebhookId)
        .column(webhook_delivery::Column::State)
        .column_as(webhook_delivery::Column::Id.count(), "count")
        .group_by(webhook_delivery::Column::WebhookId)
        .group_by(webhook_delivery::Column::State)
        .into_model::<WebhookStateCount>()
        .all(db)
        .await
}
