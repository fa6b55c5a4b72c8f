//! Queries on `stories`. Bylines and tags are in `story_authors` and `story_tags`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
    sea_query::{Expr, ExprTrait},
};

use super::entities::{story, story_author, story_tag};

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

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<story::Model>, DbErr> {
    story::Entity::find()
        .filter(story::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

/// The story whose home on the newsroom's site is `url`, deleted or not.
pub async fn find_by_canonical_url(
    db: &impl ConnectionTrait,
    url: &str,
) -> Result<Option<story::Model>, DbErr> {
    story::Entity::find()
        .filter(story::Column::CanonicalUrl.eq(url))
        .one(db)
        .await
}

/// Every live story's canonical URL: where the newsroom's sites are, for who may embed.
pub async fn canonical_urls(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows: Vec<Option<String>> = story::Entity::find()
        .select_only()
        .column(story::Column::CanonicalUrl)
        .filter(story::Column::CanonicalUrl.is_not_null())
        .filter(story::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
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

/// Sets (or, with `None`, clears) the story's own quote policy.
pub async fn set_quote_policy(
    db: &impl ConnectionTrait,
    id: i64,
    policy: Option<&str>,
) -> Result<(), DbErr> {
    story::Entity::update_many()
        .col_expr(story::Column::QuotePolicy, Expr::value(policy))
        .filter(story::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds `delta` to the reply count of the story `id`.
pub async fn add_reply_count(db: &impl ConnectionTrait, id: i64, delta: i32) -> Result<(), DbErr> {
    add_to(
        db,
        story::Column::Id.eq(id),
        story::Column::ReplyCount,
        delta,
    )
    .await?;
    Ok(())
}

/// Adds `delta` to the likes of the story `ap_id`; false when there is no such story.
pub async fn add_likes(db: &impl ConnectionTrait, ap_id: &str, delta: i32) -> Result<bool, DbErr> {
    add_to(
        db,
        story::Column::ApId.eq(ap_id),
        story::Column::Likes,
        delta,
    )
    .await
}

/// Adds `delta` to the boosts of the story `ap_id`; false when there is no such story.
pub async fn add_boosts(db: &impl ConnectionTrait, ap_id: &str, delta: i32) -> Result<bool, DbErr> {
    add_to(
        db,
        story::Column::ApId.eq(ap_id),
        story::Column::Boosts,
        delta,
    )
    .await
}

async fn add_to(
    db: &impl ConnectionTrait,
    which: Expr,
    counter: story::Column,
    delta: i32,
) -> Result<bool, DbErr> {
    let result = story::Entity::update_many()
        .col_expr(counter, Expr::col(counter).add(delta))
        .filter(which)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
