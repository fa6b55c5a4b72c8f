//! Queries on `actors`.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::actor;

pub async fn find_by_role(
    db: &impl ConnectionTrait,
    role: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Role.eq(role))
        .filter(actor::Column::Local.eq(true))
        .order_by_asc(actor::Column::Id)
        .one(db)
        .await
}

pub async fn find_local_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Username.eq(username))
        .filter(actor::Column::Local.eq(true))
        .one(db)
        .await
}

pub async fn find_local_by_name(
    db: &impl ConnectionTrait,
    role: &str,
    name: &str,
) -> Result<Option<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Name.eq(name))
        .filter(actor::Column::Role.eq(role))
        .filter(actor::Column::Local.eq(true))
        .one(db)
        .await
}

pub async fn insert(
    db: &impl ConnectionTrait,
    model: actor::ActiveModel,
) -> Result<actor::Model, DbErr> {
    model.insert(db).await
}

pub async fn list_by_role(
    db: &impl ConnectionTrait,
    role: &str,
) -> Result<Vec<actor::Model>, DbErr> {
    actor::Entity::find()
        .filter(actor::Column::Role.eq(role))
        .filter(actor::Column::Local.eq(true))
        .order_by_asc(actor::Column::Name)
        .all(db)
        .await
}
