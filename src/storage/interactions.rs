//! Queries on `interactions` and `reports`.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use super::entities::{interaction, report};

/// Records a like or boost; false when this actor already did the same to the same object.
pub async fn insert(
    db: &impl ConnectionTrait,
    ap_id: &str,
    kind: &str,
    actor_id: i64,
    object_ap_id: &str,
) -> Result<bool, DbErr> {
    let row = interaction::ActiveModel {
        ap_id: Set(ap_id.to_string()),
        kind: Set(kind.to_string()),
        actor_id: Set(actor_id),
        object_ap_id: Set(object_ap_id.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = interaction::Entity::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

pub async fn find(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<interaction::Model>, DbErr> {
    interaction::Entity::find()
        .filter(interaction::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

/// The same actor's like or boost of the same object, when an Undo names it another way.
pub async fn find_same(
    db: &impl ConnectionTrait,
    kind: &str,
    actor_id: i64,
    object_ap_id: &str,
) -> Result<Option<interaction::Model>, DbErr> {
    interaction::Entity::find()
        .filter(interaction::Column::Kind.eq(kind))
        .filter(interaction::Column::ActorId.eq(actor_id))
        .filter(interaction::Column::ObjectApId.eq(object_ap_id))
        .one(db)
        .await
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    interaction::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn insert_report(
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
pub async fn reports_by_since(
    db: &impl ConnectionTrait,
    actor_id: i64,
    since: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    report::Entity::find()
        .filter(report::Column::ActorId.eq(actor_id))
        .filter(report::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

pub async fn reports(db: &impl ConnectionTrait) -> Result<Vec<report::Model>, DbErr> {
    report::Entity::find().all(db).await
}
