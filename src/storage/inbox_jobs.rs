//! Queries on `inbox_jobs`: received activities waiting to be processed, claimed through the
//! same lease as deliveries (see `lease`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{entities::inbox_job, lease};

pub async fn enqueue(db: &impl ConnectionTrait, actor: &str, activity: &str) -> Result<(), DbErr> {
    let now = Utc::now();
    inbox_job::Entity::insert(inbox_job::ActiveModel {
        activity: Set(activity.to_string()),
        actor: Set(Some(actor.to_string())),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Jobs waiting for `actor`.
pub async fn pending_for(db: &impl ConnectionTrait, actor: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    inbox_job::Entity::find()
        .filter(inbox_job::Column::Actor.eq(actor))
        .count(db)
        .await
}

/// Leases up to `limit` due jobs to `token`; returns the ones won.
pub async fn claim(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<inbox_job::Model>, DbErr> {
    let ids: Vec<i64> = inbox_job::Entity::find()
        .filter(inbox_job::Column::NextAttemptAt.lte(now))
        .filter(lease::unleased::<inbox_job::Entity>(now))
        .order_by_asc(inbox_job::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|j| j.id)
        .collect();
    lease::take::<inbox_job::Entity>(db, &ids, Condition::all(), token, now, until).await
}

pub async fn finish(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    inbox_job::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn retry_later(
    db: &impl ConnectionTrait,
    id: i64,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    lease::unlocked(inbox_job::Entity::update_many())
        .col_expr(
            inbox_job::Column::Attempts,
            Expr::col(inbox_job::Column::Attempts).add(1),
        )
        .col_expr(inbox_job::Column::NextAttemptAt, Expr::value(next))
        .col_expr(inbox_job::Column::LastError, Expr::value(error))
        .filter(inbox_job::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn release(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    lease::release::<inbox_job::Entity>(db, token, Condition::all()).await?;
    Ok(())
}
