//! Queries on `interactions`: likes and boosts of our stories and replies.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use super::{
    days::{self, DayCount},
    entities::interaction,
};

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

/// Likes (`like`) or boosts (`announce`) received since `since` and not taken back, per day.
pub async fn per_day(
    db: &impl ConnectionTrait,
    kind: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DayCount>, DbErr> {
    let select = interaction::Entity::find()
        .filter(interaction::Column::Kind.eq(kind))
        .filter(interaction::Column::CreatedAt.gte(since));
    days::per_day(db, select, "interactions.created_at").await
}
