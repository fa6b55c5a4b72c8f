//! Queries on `webhook_events`: what happened that webhooks are told of, once per subject.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use super::entities::webhook_event;

/// Stores an event; `None` when this subject's event of this kind is already stored.
pub async fn insert_new(
    db: &impl ConnectionTrait,
    kind: &str,
    subject_id: i64,
    payload: &str,
) -> Result<Option<i64>, DbErr> {
    let row = webhook_event::ActiveModel {
        kind: Set(kind.to_string()),
        subject_id: Set(subject_id),
        payload: Set(payload.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = webhook_event::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                webhook_event::Column::Kind,
                webhook_event::Column::SubjectId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let stored = webhook_event::Entity::find()
        .filter(webhook_event::Column::Kind.eq(kind))
        .filter(webhook_event::Column::SubjectId.eq(subject_id))
        .one(db)
        .await?;
    Ok(stored.map(|e| e.id))
}

pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<webhook_event::Model>, DbErr> {
    webhook_event::Entity::find()
        .filter(webhook_event::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}
