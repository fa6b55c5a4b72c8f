//! Queries on `webhooks`: the outgoing webhooks editors subscribed.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder,
};

use super::entities::webhook;

pub async fn insert(
    db: &impl ConnectionTrait,
    url: &str,
    events: &str,
    secret: &str,
) -> Result<webhook::Model, DbErr> {
    webhook::ActiveModel {
        url: Set(url.to_string()),
        events: Set(events.to_string()),
        secret: Set(secret.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every webhook, oldest first (a newsroom has a handful).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<webhook::Model>, DbErr> {
    webhook::Entity::find()
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<webhook::Model>, DbErr> {
    webhook::Entity::find_by_id(id).one(db).await
}

/// Deletes a webhook and (by cascade) its deliveries; false when there was none.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let result = webhook::Entity::delete_by_id(id).exec(db).await?;
    Ok(result.rows_affected > 0)
}
