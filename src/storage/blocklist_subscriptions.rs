//! Queries on `blocklist_subscriptions`: the shared blocklists we fetch and follow.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::entities::blocklist_subscription;

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<blocklist_subscription::Model>, DbErr> {
    blocklist_subscription::Entity::find().all(db).await
}

pub async fn add(db: &impl ConnectionTrait, url: &str) -> Result<(), DbErr> {
    blocklist_subscription::Entity::insert(blocklist_subscription::ActiveModel {
        url: Set(url.to_string()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(blocklist_subscription::Column::Url)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Records a fetch of the list, now, and its error if it failed.
pub async fn fetched(
    db: &impl ConnectionTrait,
    id: i64,
    error: Option<String>,
) -> Result<(), DbErr> {
    blocklist_subscription::Entity::update_many()
        .col_expr(
            blocklist_subscription::Column::FetchedAt,
            Expr::value(Utc::now()),
        )
        .col_expr(
            blocklist_subscription::Column::LastError,
            Expr::value(error),
        )
        .filter(blocklist_subscription::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
