//! Queries on `feed_entries`: which story a feed entry became.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, sea_query::Expr,
};

use super::entities::feed_entry;

pub async fn find(
    db: &impl ConnectionTrait,
    feed_id: i64,
    entry_id: &str,
) -> Result<Option<feed_entry::Model>, DbErr> {
    feed_entry::Entity::find()
        .filter(feed_entry::Column::FeedId.eq(feed_id))
        .filter(feed_entry::Column::EntryId.eq(entry_id))
        .one(db)
        .await
}

pub async fn insert(
    db: &impl ConnectionTrait,
    feed_id: i64,
    entry_id: &str,
    story_id: i64,
    fingerprint: &str,
) -> Result<(), DbErr> {
    feed_entry::ActiveModel {
        feed_id: Set(feed_id),
        entry_id: Set(entry_id.to_string()),
        story_id: Set(story_id),
        fingerprint: Set(fingerprint.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn set_fingerprint(
    db: &impl ConnectionTrait,
    id: i64,
    fingerprint: &str,
) -> Result<(), DbErr> {
    feed_entry::Entity::update_many()
        .col_expr(feed_entry::Column::Fingerprint, Expr::value(fingerprint))
        .filter(feed_entry::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
