//! Queries on `deliveries`: one row per activity and inbox, claimed by workers through a lease
//! (see `lease`). The activities themselves are in `outgoing_activities`, the servers' health in
//! `hosts`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
    sea_query::{Expr, OnConflict},
};

use super::{
    entities::{delivery, host},
    lease, outgoing_activities,
};

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
    let activity_id = outgoing_activities::insert(db, ap_id, actor_id, kind, payload, now).await?;
    let rows: Vec<delivery::ActiveModel> = inboxes
        .iter()
        .map(|(inbox, host)| delivery::ActiveModel {
            activity_id: Set(activity_id),
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

/// Due, unleased rows whose host is not dead, oldest due first, each with its host's health
/// (none for a host never tried).
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(delivery::Model, Option<host::Model>)>, DbErr> {
    delivery::Entity::find()
        .join(JoinType::LeftJoin, host_relation())
        .select_also(host::Entity)
        .filter(delivery::Column::State.eq(PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(lease::unleased::<delivery::Entity>(now))
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

/// Leases `ids` to `token` until `until`; returns the rows actually won.
pub async fn lease(
    db: &impl ConnectionTrait,
    ids: &[i64],
    token: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<delivery::Model>, DbErr> {
    let pending = Condition::all().add(delivery::Column::State.eq(PENDING));
    lease::take::<delivery::Entity>(db, ids, pending, token, now, until).await
}

/// Gives back every row a lease token still holds (a worker shutting down).
pub async fn release(db: &impl ConnectionTrait, token: &str) -> Result<u64, DbErr> {
    let pending = Condition::all().add(delivery::Column::State.eq(PENDING));
    lease::release::<delivery::Entity>(db, token, pending).await
}

/// The outcome of one attempt, written by the worker that holds the lease (see
/// `delivery_outcomes`).
pub struct Outcome<'a> {
    pub state: &'a str,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
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
    let dead = super::hosts::count_dead(db).await?;
    Ok((pending, oldest, dead))
}

/// Makes a host's waiting deliveries due at `at` (the host came back).
pub async fn make_due_for_host(
    db: &impl ConnectionTrait,
    host_name: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(at))
        .filter(delivery::Column::Host.eq(host_name))
        .filter(delivery::Column::State.eq(PENDING))
        .exec(db)
        .await?;
    Ok(())
}

/// Deliveries that arrived.
pub async fn count_delivered(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    delivery::Entity::find()
        .filter(delivery::Column::State.eq(DELIVERED))
        .count(db)
        .await
}

/// Deliveries not delivered (yet, or ever) that were tried at least once.
pub async fn count_tried_undelivered(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    delivery::Entity::find()
        .filter(delivery::Column::State.ne(DELIVERED))
        .filter(delivery::Column::Attempts.gt(0))
        .count(db)
        .await
}
