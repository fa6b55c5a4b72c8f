//! Queries on `reports`: `Flag`s sent to us by other servers' users.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, sea_query::OnConflict,
};

use super::entities::report;

/// Files a report; false when one with the same id is already there (a re-delivery).
pub async fn insert(
    db: &impl ConnectionTrait,
    ap_id: &str,
    actor_id: i64,
    content: &str,
    objects: &str,
) -> Result<bool, DbErr> {
    let row = report::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(actor_id),
        content: Set(content.to_string()),
        objects: Set(objects.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = report::Entity::insert(row)
        .on_conflict(
            OnConflict::column(report::Column::ApId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Reports sent by `actor_id` since `since`.
pub async fn count_sent_since(
    db: &impl ConnectionTrait,
    actor_id: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    report::Entity::find()
        .filter(report::Column::ActorId.eq(actor_id))
        .filter(report::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

/// When `actor_id` sent its first report since `since`, if it sent any.
pub async fn first_sent_since(
    db: &impl ConnectionTrait,
    actor_id: i64,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(report::Entity::find()
        .filter(report::Column::ActorId.eq(actor_id))
        .filter(report::Column::CreatedAt.gte(since))
        .order_by_asc(report::Column::CreatedAt)
        .one(db)
        .await?
        .map(|r| r.created_at))
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<report::Model>, DbErr> {
    report::Entity::find().all(db).await
}

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<report::Model>, DbErr> {
    report::Entity::find()
        .filter(report::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

/// Reports that name an object under `prefix` (an account's id, or `scheme://host/` for a
/// whole server): the reported ids are kept as a JSON list, so this is a text match.
pub async fn count_naming(db: &impl ConnectionTrait, prefix: &str) -> Result<u64, DbErr> {
    report::Entity::find()
        .filter(report::Column::Objects.contains(prefix))
        .count(db)
        .await
}

/// Reports that name any of `ids` (an account and its replies).
pub async fn count_naming_any(db: &impl ConnectionTrait, ids: &[String]) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut any = sea_orm::Condition::any();
    for id in ids {
        // Ids are stored as JSON strings: match the whole quoted id, not a prefix of another.
        any = any.add(report::Column::Objects.contains(format!("\"{id}\"")));
    }
    report::Entity::find().filter(any).count(db).await
}
