//! Queries on `blocks`: actors, domains and keywords we refuse, typed in or from a subscribed list.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};

use super::entities::block;

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<block::Model>, DbErr> {
    block::Entity::find()
        .order_by_asc(block::Column::Kind)
        .order_by_asc(block::Column::Value)
        .all(db)
        .await
}

/// Adds a block; an existing one of the same kind and value is kept as it is.
pub async fn add(
    db: &impl ConnectionTrait,
    kind: &str,
    value: &str,
    reason: &str,
    subscription: Option<i64>,
) -> Result<(), DbErr> {
    block::Entity::insert(block::ActiveModel {
        kind: Set(kind.to_string()),
        value: Set(value.to_string()),
        reason: Set(reason.to_string()),
        subscription_id: Set(subscription),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([block::Column::Kind, block::Column::Value])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    super::changes::wrote(super::changes::Table::Moderation);
    Ok(())
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<block::Model>, DbErr> {
    block::Entity::find_by_id(id).one(db).await
}

pub async fn remove(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let removed = block::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        > 0;
    super::changes::wrote(super::changes::Table::Moderation);
    Ok(removed)
}

/// Removes a subscription's blocks that its list no longer names.
pub async fn prune_subscription(
    db: &impl ConnectionTrait,
    subscription: i64,
    keep: &[String],
) -> Result<(), DbErr> {
    block::Entity::delete_many()
        .filter(block::Column::SubscriptionId.eq(subscription))
        .filter(block::Column::Value.is_not_in(keep.iter().cloned()))
        .exec(db)
        .await?;
    super::changes::wrote(super::changes::Table::Moderation);
    Ok(())
}
