//! Queries on `stories` and their byline and tag rows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select, sea_query::Expr,
};

use super::entities::{actor, story, story_author, story_tag};

/// Which published stories a listing covers.
#[derive(Debug, Clone)]
pub enum Listing<'a> {
    All,
    ByAuthor(i64),
    ByTag(&'a str),
}

pub async fn insert(
    db: &impl ConnectionTrait,
    model: story::ActiveModel,
) -> Result<story::Model, DbErr> {
    model.insert(db).await
}

pub async fn update(
    db: &impl ConnectionTrait,
    model: story::ActiveModel,
) -> Result<story::Model, DbErr> {
    model.update(db).await
}

/// Replaces the byline of a story with `actor_ids`, in order.
pub async fn set_authors(
    db: &impl ConnectionTrait,
    story_id: i64,
    actor_ids: &[i64],
) -> Result<(), DbErr> {
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

/// Replaces the tags of a story with `tags`, in order.
pub async fn set_tags(
    db: &impl ConnectionTrait,
    story_id: i64,
    tags: &[String],
) -> Result<(), DbErr> {
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

/// The story with this slug, deleted or not (a deleted one still answers with a Tombstone).
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<story::Model>, DbErr> {
    story::Entity::find()
        .filter(story::Column::Slug.eq(slug))
        .one(db)
        .await
}

pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    story::Entity::update_many()
        .col_expr(story::Column::DeletedAt, Expr::value(at))
        .filter(story::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// One page of published stories, newest first.
pub async fn list_published(
    db: &impl ConnectionTrait,
    listing: Listing<'_>,
    offset: u64,
    limit: u64,
) -> Result<Vec<story::Model>, DbErr> {
    published(listing)
        .order_by_desc(story::Column::PublishedAt)
        .order_by_desc(story::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
}

pub async fn count_published(
    db: &impl ConnectionTrait,
    listing: Listing<'_>,
) -> Result<u64, DbErr> {
    published(listing).count(db).await
}

fn published(listing: Listing<'_>) -> Select<story::Entity> {
    let select = story::Entity::find().filter(story::Column::DeletedAt.is_null());
    match listing {
        Listing::All => select,
        Listing::ByAuthor(actor_id) => select
            .join(JoinType::InnerJoin, story::Relation::StoryAuthor.def())
            .filter(story_author::Column::ActorId.eq(actor_id)),
        Listing::ByTag(tag) => select
            .join(JoinType::InnerJoin, story_tag_relation())
            .filter(story_tag::Column::Tag.eq(tag)),
    }
}

fn story_tag_relation() -> sea_orm::RelationDef {
    story_tag::Relation::Story.def().rev()
}

/// The bylines of several stories in one query: `(story_id, author)` in byline order.
pub async fn authors_of(
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

/// The tags of several stories in one query, in the order the editor gave them.
pub async fn tags_of(
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

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<story::Model>, DbErr> {
    story::Entity::find()
        .filter(story::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<story::Model>, DbErr> {
    story::Entity::find_by_id(id).one(db).await
}

pub async fn set_replies_closed(
    db: &impl ConnectionTrait,
    id: i64,
    at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    story::Entity::update_many()
        .col_expr(story::Column::RepliesClosedAt, Expr::value(at))
        .filter(story::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
