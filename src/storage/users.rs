//! Queries on `users`: the newsroom's admin accounts. Their logins are in `sessions`.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::entities::user;

pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    password_hash: &str,
) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        name: Set(name.to_string()),
        password_hash: Set(password_hash.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Name.eq(name))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}
