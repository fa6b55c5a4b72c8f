//! Queries on `outgoing_activities`: what we send, stored once for all its deliveries.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entities::outgoing_activity;

/// Stores an activity; returns its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    ap_id: &str,
    actor_id: i64,
    kind: &str,
    payload: &str,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let inserted = outgoing_activity::Entity::insert(outgoing_activity::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(actor_id),
        kind: Set(kind.to_string()),
        payload: Set(payload.to_string()),
        created_at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(inserted.last_insert_id)
}

pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<outgoing_activity::Model>, DbErr> {
    outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}
