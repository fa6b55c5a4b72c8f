//! The lease that the work queues, `deliveries`, `inbox_jobs` and `webhook_deliveries`, are
//! claimed with.
//!
//! A worker stamps rows with its own token and an expiry in one UPDATE whose WHERE re-checks that
//! nobody holds them, then reads back what it won. Two processes on one PostgreSQL can race for a
//! row but only one UPDATE matches it; a worker that dies leaves a lease that expires, and the row
//! is taken by someone else.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, UpdateMany,
    sea_query::Expr,
};

use super::entities::{delivery, inbox_job, webhook_delivery};

/// A table whose rows are leased: an id, and who holds the row until when.
pub(super) trait Leased: EntityTrait {
    const ID: Self::Column;
    const LOCKED_UNTIL: Self::Column;
    const LEASE_TOKEN: Self::Column;
}

impl Leased for delivery::Entity {
    const ID: delivery::Column = delivery::Column::Id;
    const LOCKED_UNTIL: delivery::Column = delivery::Column::LockedUntil;
    const LEASE_TOKEN: delivery::Column = delivery::Column::LeaseToken;
}

impl Leased for inbox_job::Entity {
    const ID: inbox_job::Column = inbox_job::Column::Id;
    const LOCKED_UNTIL: inbox_job::Column = inbox_job::Column::LockedUntil;
    const LEASE_TOKEN: inbox_job::Column = inbox_job::Column::LeaseToken;
}

impl Leased for webhook_delivery::Entity {
    const ID: webhook_delivery::Column = webhook_delivery::Column::Id;
    const LOCKED_UNTIL: webhook_delivery::Column = webhook_delivery::Column::LockedUntil;
    const LEASE_TOKEN: webhook_delivery::Column = webhook_delivery::Column::LeaseToken;
}

/// Rows nobody holds at `now`: never leased, or the lease ran out.
pub(super) fn unleased<E: Leased>(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(E::LOCKED_UNTIL.is_null())
        .add(E::LOCKED_UNTIL.lt(now))
}

/// Adds "and drop the lease" to an update.
pub(super) fn unlocked<E: Leased>(update: UpdateMany<E>) -> UpdateMany<E> {
    update
        .col_expr(E::LOCKED_UNTIL, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(E::LEASE_TOKEN, Expr::value(Option::<String>::None))
}

/// Leases those of `ids` that are unleased and match `only` to `token` until `until`; returns
/// the rows actually won.
pub(super) async fn take<E: Leased>(
    db: &impl ConnectionTrait,
    ids: &[i64],
    only: Condition,
    token: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<E::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    E::update_many()
        .col_expr(E::LOCKED_UNTIL, Expr::value(until))
        .col_expr(E::LEASE_TOKEN, Expr::value(token))
        .filter(E::ID.is_in(ids.iter().copied()))
        .filter(only)
        .filter(unleased::<E>(now))
        .exec(db)
        .await?;
    E::find()
        .filter(E::LEASE_TOKEN.eq(token))
        .filter(E::ID.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Gives back every row matching `only` that `token` still holds; returns how many.
pub(super) async fn release<E: Leased>(
    db: &impl ConnectionTrait,
    token: &str,
    only: Condition,
) -> Result<u64, DbErr> {
    let result = unlocked(E::update_many())
        .filter(E::LEASE_TOKEN.eq(token))
        .filter(only)
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
