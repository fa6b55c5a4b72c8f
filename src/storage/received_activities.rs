//! Queries on `received_activities`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use super::entities::received_activity;

/// Records an activity id; false when it was already there (a replay or a re-delivery).
pub async fn first_seen(db: &impl ConnectionTrait, ap_id: &str) -> Result<bool, DbErr> {
    let row = received_activity::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        received_at: Set(Utc::now()),
    };
    let inserted = received_activity::Entity::insert(row)
        .on_conflict(
            OnConflict::column(received_activity::Column::ApId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Records several activity ids in one statement; returns those that were new.
pub async fn record_new(
    db: &impl ConnectionTrait,
    ap_ids: &[&str],
) -> Result<std::collections::HashSet<String>, DbErr> {
    let now = Utc::now();
    let mut new = std::collections::HashSet::with_capacity(ap_ids.len());
    for chunk in super::in_statement_chunks(ap_ids.to_vec()) {
        let rows = chunk.iter().map(|id| received_activity::ActiveModel {
            ap_id: Set((*id).to_string()),
            received_at: Set(now),
        });
        let inserted = received_activity::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(received_activity::Column::ApId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_with_returning(db)
            .await?;
        new.extend(inserted.into_iter().map(|row| row.ap_id));
    }
    Ok(new)
}

/// Drops an activity id whose processing failed on our side, so a re-delivery is processed.
pub async fn forget(db: &impl ConnectionTrait, ap_id: &str) -> Result<(), DbErr> {
    received_activity::Entity::delete_by_id(ap_id.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Whether an activity id was already recorded (a read: the record is written with the effect).
pub async fn seen(db: &impl ConnectionTrait, ap_id: &str) -> Result<bool, DbErr> {
    Ok(received_activity::Entity::find_by_id(ap_id.to_string())
        .one(db)
        .await?
        .is_some())
}

/// Drops ids received before `before`; returns how many.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = received_activity::Entity::delete_many()
        .filter(received_activity::Column::ReceivedAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
