//! Queries on `replies`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::entities::{actor, reply, story};

pub const VISIBLE: &str = "visible";

pub async fn insert(
    db: &impl ConnectionTrait,
    model: reply::ActiveModel,
) -> Result<reply::Model, DbErr> {
    model.insert(db).await
}

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<reply::Model>, DbErr> {
    reply::Entity::find()
        .filter(reply::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<reply::Model>, DbErr> {
    reply::Entity::find_by_id(id).one(db).await
}

/// A story's whole thread in display order, with authors: one indexed range read.
pub async fn thread(
    db: &impl ConnectionTrait,
    story_id: i64,
) -> Result<Vec<(reply::Model, actor::Model)>, DbErr> {
    let rows = reply::Entity::find()
        .filter(reply::Column::StoryId.eq(story_id))
        .order_by_asc(reply::Column::Path)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(r, a)| a.map(|a| (r, a)))
        .collect())
}

pub async fn has_children(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(reply::Entity::find()
        .filter(reply::Column::ParentId.eq(id))
        .count(db)
        .await?
        > 0)
}

/// Direct replies to a story (`parent_id` None) or to a reply, oldest first.
pub async fn children(
    db: &impl ConnectionTrait,
    story_id: i64,
    parent_id: Option<i64>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<reply::Model>, u64), DbErr> {
    let parent = match parent_id {
        Some(id) => Condition::all().add(reply::Column::ParentId.eq(id)),
        None => Condition::all().add(reply::Column::ParentId.is_null()),
    };
    let select = reply::Entity::find()
        .filter(reply::Column::StoryId.eq(story_id))
        .filter(parent)
        .filter(reply::Column::State.eq(VISIBLE));
    let total = select.clone().count(db).await?;
    let items = select
        .order_by_asc(reply::Column::Path)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((items, total))
}

pub async fn edit(
    db: &impl ConnectionTrait,
    id: i64,
    content_html: &str,
    summary: Option<&str>,
    sensitive: bool,
    edited_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    reply::Entity::update_many()
        .col_expr(reply::Column::ContentHtml, Expr::value(content_html))
        .col_expr(reply::Column::Summary, Expr::value(summary))
        .col_expr(reply::Column::Sensitive, Expr::value(sensitive))
        .col_expr(reply::Column::EditedAt, Expr::value(edited_at))
        .filter(reply::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Keeps the row (others replied to it) but drops what it said.
pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    reply::Entity::update_many()
        .col_expr(reply::Column::ContentHtml, Expr::value(""))
        .col_expr(reply::Column::Summary, Expr::value(Option::<String>::None))
        .col_expr(reply::Column::DeletedAt, Expr::value(at))
        .filter(reply::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    reply::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn by_author(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<reply::Model>, DbErr> {
    reply::Entity::find()
        .filter(reply::Column::AuthorId.eq(author_id))
        .filter(reply::Column::DeletedAt.is_null())
        // Deepest first, so a reply's own replies are handled before it.
        .order_by_desc(reply::Column::Depth)
        .all(db)
        .await
}

/// Adds `delta` to a reply's like or boost counter.
pub async fn add_to_counter(
    db: &impl ConnectionTrait,
    ap_id: &str,
    column: reply::Column,
    delta: i32,
) -> Result<bool, DbErr> {
    let result = reply::Entity::update_many()
        .col_expr(column, Expr::col(column).add(delta))
        .filter(reply::Column::ApId.eq(ap_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Adds `delta` to a story's like, boost or reply counter.
pub async fn add_to_story_counter(
    db: &impl ConnectionTrait,
    filter: Condition,
    column: story::Column,
    delta: i32,
) -> Result<bool, DbErr> {
    let result = story::Entity::update_many()
        .col_expr(column, Expr::col(column).add(delta))
        .filter(filter)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Remote replies whose `replies` collection was never crawled or not since `before`.
pub async fn due_for_crawl(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<reply::Model>, DbErr> {
    reply::Entity::find()
        .filter(reply::Column::RepliesUrl.is_not_null())
        .filter(reply::Column::DeletedAt.is_null())
        .filter(
            Condition::any()
                .add(reply::Column::CrawledAt.is_null())
                .add(reply::Column::CrawledAt.lt(before)),
        )
        .order_by_asc(reply::Column::CrawledAt)
        .limit(limit)
        .all(db)
        .await
}

pub async fn set_crawled(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    reply::Entity::update_many()
        .col_expr(reply::Column::CrawledAt, Expr::value(at))
        .filter(reply::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A page of a story's visible replies in thread order, and how many there are.
pub async fn thread_page(
    db: &impl ConnectionTrait,
    story_id: i64,
    offset: u64,
    limit: u64,
) -> Result<(Vec<reply::Model>, u64), DbErr> {
    let select = reply::Entity::find()
        .filter(reply::Column::StoryId.eq(story_id))
        .filter(reply::Column::State.eq(VISIBLE))
        .filter(reply::Column::DeletedAt.is_null());
    let total = select.clone().count(db).await?;
    let items = select
        .order_by_asc(reply::Column::Path)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((items, total))
}
