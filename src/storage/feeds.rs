//! Queries on `feeds`: the subscriptions, and what each poll learned.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, sea_query::Expr,
};

use super::entities::feed;

pub async fn insert(
    db: &impl ConnectionTrait,
    url: &str,
    authors: &str,
    now: DateTime<Utc>,
) -> Result<feed::Model, DbErr> {
    feed::ActiveModel {
        url: Set(url.to_string()),
        authors: Set(authors.to_string()),
        subscribed_at: Set(now),
        failures: Set(0),
        next_poll_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<feed::Model>, DbErr> {
    feed::Entity::find()
        .order_by_asc(feed::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<feed::Model>, DbErr> {
    feed::Entity::find_by_id(id).one(db).await
}

/// Feeds whose next poll is due at `now`, the longest waiting first.
pub async fn due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<feed::Model>, DbErr> {
    feed::Entity::find()
        .filter(feed::Column::NextPollAt.lte(now))
        .order_by_asc(feed::Column::NextPollAt)
        .all(db)
        .await
}

/// True when a feed was deleted.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(feed::Entity::delete_by_id(id).exec(db).await?.rows_affected > 0)
}

/// Moves a feed's next poll forward to `at` (an early poll), never later than it was.
pub async fn poll_soon(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    feed::Entity::update_many()
        .col_expr(feed::Column::NextPollAt, Expr::value(at))
        .filter(feed::Column::Id.eq(id))
        .filter(feed::Column::NextPollAt.gt(at))
        .exec(db)
        .await?;
    Ok(())
}

/// An early poll of feed `id` now, unless one was asked for since `rested_since`. One UPDATE
/// decides, so replicas asking at once poll once. True when this call asked.
pub async fn poll_early(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    rested_since: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let asked = feed::Entity::update_many()
        .col_expr(feed::Column::NextPollAt, Expr::value(now))
        .col_expr(feed::Column::EarlyPollAt, Expr::value(now))
        .filter(feed::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(feed::Column::EarlyPollAt.is_null())
                .add(feed::Column::EarlyPollAt.lt(rested_since)),
        )
        .exec(db)
        .await?;
    Ok(asked.rows_affected > 0)
}

/// A poll that worked: new validators (kept when the server sent none, as on a 304), no error.
pub async fn succeeded(
    db: &impl ConnectionTrait,
    id: i64,
    title: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    now: DateTime<Utc>,
    next: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = feed::Entity::update_many()
        .col_expr(feed::Column::LastPolledAt, Expr::value(now))
        .col_expr(feed::Column::LastSuccessAt, Expr::value(now))
        .col_expr(feed::Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(feed::Column::Failures, Expr::value(0))
        .col_expr(feed::Column::NextPollAt, Expr::value(next));
    if title.is_some() {
        update = update.col_expr(feed::Column::Title, Expr::value(title));
    }
    if etag.is_some() {
        update = update.col_expr(feed::Column::Etag, Expr::value(etag));
    }
    if last_modified.is_some() {
        update = update.col_expr(feed::Column::LastModified, Expr::value(last_modified));
    }
    update.filter(feed::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// A poll that failed: the error, one more failure, the next try after the back-off.
pub async fn failed(
    db: &impl ConnectionTrait,
    id: i64,
    error: &str,
    failures: i32,
    now: DateTime<Utc>,
    next: DateTime<Utc>,
) -> Result<(), DbErr> {
    feed::Entity::update_many()
        .col_expr(feed::Column::LastPolledAt, Expr::value(now))
        .col_expr(feed::Column::LastError, Expr::value(error))
        .col_expr(feed::Column::Failures, Expr::value(failures))
        .col_expr(feed::Column::NextPollAt, Expr::value(next))
        .filter(feed::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Entries a successful poll could not import, kept as the feed's error until the next poll.
pub async fn entry_problems(
    db: &impl ConnectionTrait,
    id: i64,
    problems: &str,
) -> Result<(), DbErr> {
    feed::Entity::update_many()
        .col_expr(feed::Column::LastError, Expr::value(problems))
        .filter(feed::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
