//! Queries on the delivery queue: `outgoing_activities`, `deliveries` and `hosts`.
//!
//! Claiming is a lease: a worker stamps due rows with its own token and an expiry in one UPDATE
//! whose WHERE re-checks that nobody holds them, then reads back what it won. Two processes on one
//! PostgreSQL can race for a row but only one UPDATE matches it; a worker that dies leaves a lease
//! that expires, and the row is sent by someone else.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
    sea_query::{Expr, ExprTrait, Func, OnConflict},
};

use super::entities::{delivery, host, outgoing_activity};

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
pub const EXPIRED: &str = "expired";

/// Stores an activity and one pending delivery per inbox, due now.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    ap_id: &str,
    actor_id: i64,
    kind: &str,
    payload: &str,
    inboxes: &[(String, String)],
) -> Result<usize, DbErr> {
    let now = Utc::now();
    let activity = outgoing_activity::Entity::insert(outgoing_activity::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(actor_id),
        kind: Set(kind.to_string()),
        payload: Set(payload.to_string()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let rows: Vec<delivery::ActiveModel> = inboxes
        .iter()
        .map(|(inbox, host)| delivery::ActiveModel {
            activity_id: Set(activity.last_insert_id),
            inbox: Set(inbox.clone()),
            host: Set(host.clone()),
            state: Set(PENDING.to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    // Large fan-outs go in chunks: both backends cap the number of bound parameters.
    for chunk in rows.chunks(500) {
        delivery::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([delivery::Column::ActivityId, delivery::Column::Inbox])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(rows.len())
}

/// Due, unleased rows whose host is not dead, oldest due first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<delivery::Model>, DbErr> {
    delivery::Entity::find()
        .join(JoinType::LeftJoin, host_relation())
        .filter(delivery::Column::State.eq(PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(unleased(now))
        .filter(host::Column::DeadSince.is_null())
        .order_by_asc(delivery::Column::NextAttemptAt)
        .order_by_asc(delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

fn host_relation() -> RelationDef {
    delivery::Entity::belongs_to(host::Entity)
        .from(delivery::Column::Host)
        .to(host::Column::Host)
        .into()
}

fn unleased(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(delivery::Column::LockedUntil.is_null())
        .add(delivery::Column::LockedUntil.lt(now))
}

/// Leases `ids` to `token` until `until`; returns the rows actually won.
pub async fn lease(
    db: &impl ConnectionTrait,
    ids: &[i64],
    token: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<delivery::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    delivery::Entity::update_many()
        .col_expr(delivery::Column::LockedUntil, Expr::value(until))
        .col_expr(delivery::Column::LeaseToken, Expr::value(token))
        .filter(delivery::Column::Id.is_in(ids.iter().copied()))
        .filter(delivery::Column::State.eq(PENDING))
        .filter(unleased(now))
        .exec(db)
        .await?;
    delivery::Entity::find()
        .filter(delivery::Column::LeaseToken.eq(token))
        .filter(delivery::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Gives back every row a lease token still holds (a worker shutting down).
pub async fn release(db: &impl ConnectionTrait, token: &str) -> Result<u64, DbErr> {
    let result = delivery::Entity::update_many()
        .col_expr(
            delivery::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            delivery::Column::LeaseToken,
            Expr::value(Option::<String>::None),
        )
        .filter(delivery::Column::LeaseToken.eq(token))
        .filter(delivery::Column::State.eq(PENDING))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

pub async fn activities(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<outgoing_activity::Model>, DbErr> {
    outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// The outcome of one attempt, written by the worker that holds the lease.
pub struct Outcome<'a> {
    pub state: &'a str,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    id: i64,
    token: &str,
    outcome: Outcome<'_>,
) -> Result<(), DbErr> {
    let delivered_at = (outcome.state == DELIVERED).then(Utc::now);
    delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value(outcome.state))
        .col_expr(
            delivery::Column::Attempts,
            Expr::col(delivery::Column::Attempts).add(1),
        )
        .col_expr(delivery::Column::LastStatus, Expr::value(outcome.status))
        .col_expr(delivery::Column::LastError, Expr::value(outcome.error))
        .col_expr(
            delivery::Column::NextAttemptAt,
            Expr::value(outcome.next_attempt_at),
        )
        .col_expr(delivery::Column::DeliveredAt, Expr::value(delivered_at))
        .col_expr(
            delivery::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            delivery::Column::LeaseToken,
            Expr::value(Option::<String>::None),
        )
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::LeaseToken.eq(token))
        .exec(db)
        .await?;
    Ok(())
}

/// The host answered: it is alive, whatever the status.
pub async fn host_succeeded(db: &impl ConnectionTrait, host_name: &str) -> Result<(), DbErr> {
    upsert_host(db, host_name).await?;
    host::Entity::update_many()
        .col_expr(
            host::Column::FailingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            host::Column::DeadSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(host::Column::LastSuccessAt, Expr::value(Utc::now()))
        .filter(host::Column::Host.eq(host_name))
        .exec(db)
        .await?;
    Ok(())
}

/// The host did not answer usefully. Marks it dead once it has failed since before `dead_before`.
pub async fn host_failed(
    db: &impl ConnectionTrait,
    host_name: &str,
    error: &str,
    dead_before: DateTime<Utc>,
) -> Result<(), DbErr> {
    upsert_host(db, host_name).await?;
    let now = Utc::now();
    host::Entity::update_many()
        .col_expr(
            host::Column::FailingSince,
            Func::coalesce([Expr::col(host::Column::FailingSince), Expr::value(now)]).into(),
        )
        .col_expr(host::Column::LastError, Expr::value(error))
        .filter(host::Column::Host.eq(host_name))
        .exec(db)
        .await?;
    host::Entity::update_many()
        .col_expr(host::Column::DeadSince, Expr::value(now))
        .filter(host::Column::Host.eq(host_name))
        .filter(host::Column::DeadSince.is_null())
        .filter(host::Column::FailingSince.lt(dead_before))
        .exec(db)
        .await?;
    Ok(())
}

/// A host wrote to us: if it was dead, it lives again and its waiting deliveries are due now.
pub async fn revive_host(db: &impl ConnectionTrait, host_name: &str) -> Result<bool, DbErr> {
    // Nearly every request comes from a live host: a read answers that without taking a write
    // lock (which SQLite would serialise across all inbox requests).
    let dead = host::Entity::find_by_id(host_name.to_string())
        .one(db)
        .await?
        .is_some_and(|h| h.dead_since.is_some());
    if !dead {
        return Ok(false);
    }
    let revived = host::Entity::update_many()
        .col_expr(
            host::Column::DeadSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            host::Column::FailingSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(host::Column::Host.eq(host_name))
        .filter(host::Column::DeadSince.is_not_null())
        .exec(db)
        .await?
        .rows_affected
        > 0;
    if revived {
        delivery::Entity::update_many()
            .col_expr(delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
            .filter(delivery::Column::Host.eq(host_name))
            .filter(delivery::Column::State.eq(PENDING))
            .exec(db)
            .await?;
    }
    Ok(revived)
}

async fn upsert_host(db: &impl ConnectionTrait, host_name: &str) -> Result<(), DbErr> {
    host::Entity::insert(host::ActiveModel {
        host: Set(host_name.to_string()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(host::Column::Host)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Deliveries per state, for the status report.
#[derive(Debug, FromQueryResult)]
pub struct StateCount {
    pub state: String,
    pub count: i64,
}

pub async fn count_by_state(db: &impl ConnectionTrait) -> Result<Vec<StateCount>, DbErr> {
    delivery::Entity::find()
        .select_only()
        .column(delivery::Column::State)
        .column_as(delivery::Column::Id.count(), "count")
        .group_by(delivery::Column::State)
        .into_model::<StateCount>()
        .all(db)
        .await
}

/// Hosts that are failing or dead, worst first.
pub async fn troubled_hosts(db: &impl ConnectionTrait) -> Result<Vec<host::Model>, DbErr> {
    host::Entity::find()
        .filter(host::Column::FailingSince.is_not_null())
        .order_by_asc(host::Column::FailingSince)
        .all(db)
        .await
}

pub async fn pending_for_host(db: &impl ConnectionTrait, host_name: &str) -> Result<u64, DbErr> {
    delivery::Entity::find()
        .filter(delivery::Column::Host.eq(host_name))
        .filter(delivery::Column::State.eq(PENDING))
        .count(db)
        .await
}

/// Pending deliveries, the oldest due one's due time, and the dead hosts, for metrics.
pub async fn snapshot(
    db: &impl ConnectionTrait,
) -> Result<(u64, Option<DateTime<Utc>>, u64), DbErr> {
    let pending = delivery::Entity::find()
        .filter(delivery::Column::State.eq(PENDING))
        .count(db)
        .await?;
    let oldest = delivery::Entity::find()
        .filter(delivery::Column::State.eq(PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(Utc::now()))
        .order_by_asc(delivery::Column::NextAttemptAt)
        .one(db)
        .await?
        .map(|d| d.next_attempt_at);
    let dead = host::Entity::find()
        .filter(host::Column::DeadSince.is_not_null())
        .count(db)
        .await?;
    Ok((pending, oldest, dead))
}
