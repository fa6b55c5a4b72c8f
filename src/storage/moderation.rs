//! Queries for moderation: site settings, blocks, blocklist subscriptions, reply states.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, OnConflict},
};

use super::entities::{actor, block, blocklist_subscription, reply, site_setting, story};

pub async fn setting(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    Ok(site_setting::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .map(|s| s.value))
}

pub async fn set_setting(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<(), DbErr> {
    site_setting::Entity::insert(site_setting::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
    })
    .on_conflict(
        OnConflict::column(site_setting::Column::Key)
            .update_column(site_setting::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn blocks(db: &impl ConnectionTrait) -> Result<Vec<block::Model>, DbErr> {
    block::Entity::find()
        .order_by_asc(block::Column::Kind)
        .order_by_asc(block::Column::Value)
        .all(db)
        .await
}

/// Adds a block; an existing one of the same kind and value is kept as it is.
pub async fn add_block(
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
    Ok(())
}

pub async fn remove_block(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(block::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        > 0)
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
    Ok(())
}

pub async fn subscriptions(
    db: &impl ConnectionTrait,
) -> Result<Vec<blocklist_subscription::Model>, DbErr> {
    blocklist_subscription::Entity::find().all(db).await
}

pub async fn add_subscription(db: &impl ConnectionTrait, url: &str) -> Result<(), DbErr> {
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

pub async fn subscription_fetched(
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

pub async fn approve_actor(
    db: &impl ConnectionTrait,
    actor_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    actor::Entity::update_many()
        .col_expr(actor::Column::ApprovedAt, Expr::value(at))
        .filter(actor::Column::Id.eq(actor_id))
        .filter(actor::Column::ApprovedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_reply_state(db: &impl ConnectionTrait, id: i64, state: &str) -> Result<(), DbErr> {
    reply::Entity::update_many()
        .col_expr(reply::Column::State, Expr::value(state))
        .filter(reply::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Replies in a state (the held queue), oldest first, with their authors and stories.
pub async fn replies_in_state(
    db: &impl ConnectionTrait,
    state: &str,
    limit: u64,
) -> Result<Vec<(reply::Model, actor::Model, story::Model)>, DbErr> {
    let rows = reply::Entity::find()
        .filter(reply::Column::State.eq(state))
        .filter(reply::Column::DeletedAt.is_null())
        .order_by_asc(reply::Column::CreatedAt)
        .limit(limit)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, a) in rows {
        let (Some(a), Some(s)) = (a, story::Entity::find_by_id(r.story_id).one(db).await?) else {
            continue;
        };
        out.push((r, a, s));
    }
    Ok(out)
}
