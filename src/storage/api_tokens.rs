//! Queries on `api_tokens`.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::Expr,
};

use super::entities::api_token;

pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    token_hash: &str,
) -> Result<api_token::Model, DbErr> {
    api_token::ActiveModel {
        name: Set(name.to_string()),
        token_hash: Set(token_hash.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Finds the token with this hash and records that it was used.
pub async fn use_by_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<api_token::Model>, DbErr> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?;
    if let Some(token) = &found {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(Utc::now()))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(found)
}
