//! Queries on `story_authors`: a story's byline, in order.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{actor, story_author};

/// Replaces the byline of a story with `actor_ids`, in order.
pub async fn set(db: &impl ConnectionTrait, story_id: i64, actor_ids: &[i64]) -> Result<(), DbErr> {
    story_author::Entity::delete_many()
        .filter(story_author::Column::StoryId.eq(story_id))
        .exec(db)
        .await?;
    if actor_ids.is_empty() {
        return Ok(());
    }
    let rows = actor_ids
        .iter()
        .zip(0..)
        .map(|(&actor_id, position)| story_author::ActiveModel {
            story_id: sea_orm::Set(story_id),
            actor_id: sea_orm::Set(actor_id),
            position: sea_orm::Set(position),
        });
    story_author::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// The bylines of several stories in one query: `(story_id, author)` in byline order.
pub async fn of_stories(
    db: &impl ConnectionTrait,
    story_ids: &[i64],
) -> Result<Vec<(i64, actor::Model)>, DbErr> {
    let rows = story_author::Entity::find()
        .filter(story_author::Column::StoryId.is_in(story_ids.iter().copied()))
        .order_by_asc(story_author::Column::StoryId)
        .order_by_asc(story_author::Column::Position)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(link, actor)| actor.map(|a| (link.story_id, a)))
        .collect())
}
