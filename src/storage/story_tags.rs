//! Queries on `story_tags`: a story's hashtags, in order.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::entities::story_tag;

/// Replaces the tags of a story with `tags`, in order.
pub async fn set(db: &impl ConnectionTrait, story_id: i64, tags: &[String]) -> Result<(), DbErr> {
    story_tag::Entity::delete_many()
        .filter(story_tag::Column::StoryId.eq(story_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags
        .iter()
        .zip(0..)
        .map(|(tag, position)| story_tag::ActiveModel {
            story_id: sea_orm::Set(story_id),
            tag: sea_orm::Set(tag.clone()),
            position: sea_orm::Set(position),
        });
    story_tag::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// The tags of several stories in one query, in the order the editor gave them.
pub async fn of_stories(
    db: &impl ConnectionTrait,
    story_ids: &[i64],
) -> Result<Vec<story_tag::Model>, DbErr> {
    story_tag::Entity::find()
        .filter(story_tag::Column::StoryId.is_in(story_ids.iter().copied()))
        .order_by_asc(story_tag::Column::StoryId)
        .order_by_asc(story_tag::Column::Position)
        .all(db)
        .await
}
