//! Queries on `users` and `sessions`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::entities::{session, user};

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

pub async fn insert_session(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.to_string()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A live session by the hash of its cookie.
pub async fn find_session(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash))
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await
}

pub async fn delete_session(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(())
}
