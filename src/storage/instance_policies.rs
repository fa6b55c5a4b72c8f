//! Queries on `instance_policies`: an editor's policy per remote server.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder, sea_query::OnConflict,
};

use super::entities::instance_policy;

pub async fn get(db: &impl ConnectionTrait, domain: &str) -> Result<Option<String>, DbErr> {
    Ok(instance_policy::Entity::find_by_id(domain.to_string())
        .one(db)
        .await?
        .map(|p| p.policy))
}

pub async fn set(db: &impl ConnectionTrait, domain: &str, policy: &str) -> Result<(), DbErr> {
    instance_policy::Entity::insert(instance_policy::ActiveModel {
        domain: Set(domain.to_string()),
        policy: Set(policy.to_string()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(instance_policy::Column::Domain)
            .update_columns([
                instance_policy::Column::Policy,
                instance_policy::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    super::changes::wrote(super::changes::Table::Moderation);
    Ok(())
}

pub async fn clear(db: &impl ConnectionTrait, domain: &str) -> Result<(), DbErr> {
    instance_policy::Entity::delete_by_id(domain.to_string())
        .exec(db)
        .await?;
    super::changes::wrote(super::changes::Table::Moderation);
    Ok(())
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<instance_policy::Model>, DbErr> {
    instance_policy::Entity::find()
        .order_by_asc(instance_policy::Column::Domain)
        .all(db)
        .await
}
