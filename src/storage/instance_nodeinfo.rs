//! Queries on `instance_nodeinfo`: what other servers' NodeInfo said, and when.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};

use super::entities::instance_nodeinfo;

pub async fn get(
    db: &impl ConnectionTrait,
    domain: &str,
) -> Result<Option<instance_nodeinfo::Model>, DbErr> {
    instance_nodeinfo::Entity::find_by_id(domain.to_string())
        .one(db)
        .await
}

/// Stores what was read (or why reading failed), replacing the last reading.
pub async fn put(db: &impl ConnectionTrait, row: instance_nodeinfo::Model) -> Result<(), DbErr> {
    let row: instance_nodeinfo::ActiveModel = row.into();
    instance_nodeinfo::Entity::insert(row)
        .on_conflict(
            OnConflict::column(instance_nodeinfo::Column::Domain)
                .update_columns([
                    instance_nodeinfo::Column::Software,
                    instance_nodeinfo::Column::Version,
                    instance_nodeinfo::Column::Users,
                    instance_nodeinfo::Column::Error,
                    instance_nodeinfo::Column::FetchedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
