//! Queries on `replies`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, UpdateMany,
    sea_query::{Expr, ExprTrait},
};

use super::{
    days::{self, DayCount},
    entities::{actor, reply, story},
};

pub const VISIBLE: &str = "visible";

/// How a reply was posted, as its columns hold it (JSON: see `domain::reply::presentation`).
pub struct AsPosted {
    pub object_type: String,
    pub language: Option<String>,
    pub attachments: Option<String>,
    pub tags: Option<String>,
    pub details: Option<String>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    model: reply::ActiveModel,
) -> Result<reply::Model, DbErr> {
    model.insert(db).await
}

/// Inserts several replies in one statement, skipping any whose `ap_id` is already stored;
/// returns the rows inserted.
pub async fn insert_new(
    db: &impl ConnectionTrait,
    models: Vec<reply::ActiveModel>,
) -> Result<Vec<reply::Model>, DbErr> {
    let mut inserted = Vec::with_capacity(models.len());
    for chunk in super::in_statement_chunks(models) {
        let rows = reply::Entity::insert_many(chunk)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(reply::Column::ApId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_with_returning(db)
            .await?;
        inserted.extend(rows);
    }
    Ok(inserted)
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

/// One reply of a story's outline: what the collections need to list it, nothing it says.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct OutlineRow {
    pub id: i64,
    pub ap_id: String,
    pub depth: i32,
    pub state: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub author_ap_id: String,
    pub author_domain: String,
    pub author_url: Option<String>,
}

/// A story's replies in path order, with their authors, as [`OutlineRow`]s: a few short
/// columns, so listing a conversation of tens of thousands costs little memory.
pub async fn outline(db: &impl ConnectionTrait, story_id: i64) -> Result<Vec<OutlineRow>, DbErr> {
    reply::Entity::find()
        .select_only()
        .column(reply::Column::Id)
        .column(reply::Column::ApId)
        .column(reply::Column::Depth)
        .column(reply::Column::State)
        .column(reply::Column::DeletedAt)
        .column_as(actor::Column::ApId, "author_ap_id")
        .column_as(actor::Column::Domain, "author_domain")
        .column_as(actor::Column::Url, "author_url")
        .inner_join(actor::Entity)
        .filter(reply::Column::StoryId.eq(story_id))
        .order_by_asc(reply::Column::Path)
        .into_model::<OutlineRow>()
        .all(db)
        .await
}

pub async fn has_children(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(reply::Entity::find()
        .filter(reply::Column::ParentId.eq(id))
        .count(db)
        .await?
        > 0)
}

pub async fn edit(
    db: &impl ConnectionTrait,
    id: i64,
    content_html: &str,
    summary: Option<&str>,
    sensitive: bool,
    edited_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_reply(id)
        .col_expr(reply::Column::ContentHtml, Expr::value(content_html))
        .col_expr(reply::Column::Summary, Expr::value(summary))
        .col_expr(reply::Column::Sensitive, Expr::value(sensitive))
        .col_expr(reply::Column::EditedAt, Expr::value(edited_at))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces how the reply `id` was posted (its author edited it).
pub async fn set_presentation(
    db: &impl ConnectionTrait,
    id: i64,
    posted: AsPosted,
) -> Result<(), DbErr> {
    update_reply(id)
        .col_expr(reply::Column::ObjectType, Expr::value(posted.object_type))
        .col_expr(reply::Column::Language, Expr::value(posted.language))
        .col_expr(reply::Column::Attachments, Expr::value(posted.attachments))
        .col_expr(reply::Column::Tags, Expr::value(posted.tags))
        .col_expr(reply::Column::Details, Expr::value(posted.details))
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
    update_reply(id)
        .col_expr(reply::Column::ContentHtml, Expr::value(""))
        .col_expr(reply::Column::Summary, Expr::value(Option::<String>::None))
        .col_expr(
            reply::Column::Attachments,
            Expr::value(Option::<String>::None),
        )
        .col_expr(reply::Column::Tags, Expr::value(Option::<String>::None))
        .col_expr(reply::Column::Details, Expr::value(Option::<String>::None))
        .col_expr(reply::Column::DeletedAt, Expr::value(at))
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

/// Adds `delta` to the likes of the reply `ap_id`; false when there is no such reply.
pub async fn add_likes(db: &impl ConnectionTrait, ap_id: &str, delta: i32) -> Result<bool, DbErr> {
    add_to(db, ap_id, reply::Column::Likes, delta).await
}

/// Adds `delta` to the boosts of the reply `ap_id`; false when there is no such reply.
pub async fn add_boosts(db: &impl ConnectionTrait, ap_id: &str, delta: i32) -> Result<bool, DbErr> {
    add_to(db, ap_id, reply::Column::Boosts, delta).await
}

async fn add_to(
    db: &impl ConnectionTrait,
    ap_id: &str,
    counter: reply::Column,
    delta: i32,
) -> Result<bool, DbErr> {
    let result = reply::Entity::update_many()
        .col_expr(counter, Expr::col(counter).add(delta))
        .filter(reply::Column::ApId.eq(ap_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Remote replies whose `replies` or `context` collection was never crawled or not since
/// `before`.
pub async fn due_for_crawl(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<reply::Model>, DbErr> {
    reply::Entity::find()
        .filter(
            Condition::any()
                .add(reply::Column::RepliesUrl.is_not_null())
                .add(reply::Column::ContextUrl.is_not_null()),
        )
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
    update_reply(id)
        .col_expr(reply::Column::CrawledAt, Expr::value(at))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_state(db: &impl ConnectionTrait, id: i64, state: &str) -> Result<(), DbErr> {
    update_reply(id)
        .col_expr(reply::Column::State, Expr::value(state))
        .exec(db)
        .await?;
    Ok(())
}

/// Replies in a state (the held queue), oldest first, with their authors and stories.
pub async fn in_state(
    db: &impl ConnectionTrait,
    state: &str,
    limit: u64,
) -> Result<Vec<(reply::Model, actor::Model, story::Model)>, DbErr> {
    let rows = reply::Entity::find()
        .filter(reply::Column::State.eq(state))
        .filter(reply::Column::DeletedAt.is_null())
        .order_by_asc(reply::Column::CreatedAt)
        .limit(limit)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, a) in rows {
        let (Some(a), Some(s)) = (a, story::Entity::find_by_id(r.story_id).one(db).await?) else {
            continue;
        };
        out.push((r, a, s));
    }
    Ok(out)
}

/// How many remote replies are in each state, from one author (`author_id`) or from every
/// account on one server (`domain`): (state, count) pairs.
pub async fn count_by_state(
    db: &impl ConnectionTrait,
    author_id: Option<i64>,
    domain: Option<&str>,
) -> Result<Vec<(String, i64)>, DbErr> {
    let mut query = reply::Entity::find()
        .select_only()
        .column(reply::Column::State)
        .column_as(reply::Column::Id.count(), "n")
        .filter(reply::Column::Local.eq(false))
        .group_by(reply::Column::State);
    if let Some(author) = author_id {
        query = query.filter(reply::Column::AuthorId.eq(author));
    }
    if let Some(domain) = domain {
        query = query
            .inner_join(actor::Entity)
            .filter(actor::Column::Domain.eq(domain));
    }
    query.into_tuple::<(String, i64)>().all(db).await
}

/// The ids of an author's most recent replies (at most `limit`).
pub async fn recent_ids_by(
    db: &impl ConnectionTrait,
    author_id: i64,
    limit: u64,
) -> Result<Vec<String>, DbErr> {
    reply::Entity::find()
        .select_only()
        .column(reply::Column::ApId)
        .filter(reply::Column::AuthorId.eq(author_id))
        .order_by_desc(reply::Column::Id)
        .limit(limit)
        .into_tuple::<String>()
        .all(db)
        .await
}

/// Every held reply from one author or from one server, oldest first (for bulk actions).
pub async fn held_from(
    db: &impl ConnectionTrait,
    author_id: Option<i64>,
    domain: Option<&str>,
) -> Result<Vec<reply::Model>, DbErr> {
    let mut query = reply::Entity::find()
        .filter(reply::Column::State.eq("held"))
        .filter(reply::Column::DeletedAt.is_null())
        .order_by_asc(reply::Column::CreatedAt);
    if let Some(author) = author_id {
        query = query.filter(reply::Column::AuthorId.eq(author));
    }
    if let Some(domain) = domain {
        query = query
            .inner_join(actor::Entity)
            .filter(actor::Column::Domain.eq(domain));
    }
    query.all(db).await
}

/// The reply whose `id` or `url` is `address` (readers paste either).
pub async fn find_by_address(
    db: &impl ConnectionTrait,
    address: &str,
) -> Result<Option<reply::Model>, DbErr> {
    reply::Entity::find()
        .filter(
            Condition::any()
                .add(reply::Column::ApId.eq(address))
                .add(reply::Column::Url.eq(address)),
        )
        .order_by_asc(reply::Column::Id)
        .one(db)
        .await
}

/// An update of the reply `id` alone.
fn update_reply(id: i64) -> UpdateMany<reply::Entity> {
    reply::Entity::update_many().filter(reply::Column::Id.eq(id))
}

/// Marks the reply `id` featured by `by` at `at`, or (`None`) no longer featured.
pub async fn set_featured(
    db: &impl ConnectionTrait,
    id: i64,
    featured: Option<(DateTime<Utc>, &str)>,
) -> Result<(), DbErr> {
    let (at, by) = featured.unzip();
    update_reply(id)
        .col_expr(reply::Column::FeaturedAt, Expr::value(at))
        .col_expr(
            reply::Column::FeaturedBy,
            Expr::value(by.map(str::to_string)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Shown: visible and not deleted.
pub(super) fn published() -> Condition {
    Condition::all()
        .add(reply::Column::State.eq(VISIBLE))
        .add(reply::Column::DeletedAt.is_null())
}

/// How the top-level threads of a story are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootOrder {
    Oldest,
    Newest,
    Liked,
}

/// Top-level replies that show: published, or a placeholder someone answered.
pub(super) fn shown_root(story_id: i64) -> Condition {
    Condition::all()
        .add(reply::Column::StoryId.eq(story_id))
        .add(reply::Column::ParentId.is_null())
        .add(Condition::any().add(published()).add(Expr::cust(
            "EXISTS (SELECT 1 FROM replies AS answers WHERE answers.parent_id = replies.id)",
        )))
}

/// How many top-level threads a story shows.
pub async fn count_roots(db: &impl ConnectionTrait, story_id: i64) -> Result<u64, DbErr> {
    reply::Entity::find()
        .filter(shown_root(story_id))
        .count(db)
        .await
}

/// Published replies across stories, newest first (`featured`: only editor picks, most recently
/// featured first), with their authors and stories; `before` pages on by row id.
pub async fn published_across(
    db: &impl ConnectionTrait,
    featured: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<(reply::Model, actor::Model, story::Model)>, DbErr> {
    let mut query = reply::Entity::find().filter(published());
    if let Some(before) = before {
        query = query.filter(reply::Column::Id.lt(before));
    }
    query = if featured {
        query
            .filter(reply::Column::FeaturedAt.is_not_null())
            .order_by_desc(reply::Column::FeaturedAt)
    } else {
        query.order_by_desc(reply::Column::CreatedAt)
    };
    let rows = query
        .order_by_desc(reply::Column::Id)
        .limit(limit)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    let rows = with_authors(rows);
    let story_ids: Vec<i64> = rows.iter().map(|(r, _)| r.story_id).collect();
    let stories: std::collections::HashMap<i64, story::Model> = story::Entity::find()
        .filter(story::Column::Id.is_in(story_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(r, a)| stories.get(&r.story_id).cloned().map(|s| (r, a, s)))
        .collect())
}

fn with_authors(
    rows: Vec<(reply::Model, Option<actor::Model>)>,
) -> Vec<(reply::Model, actor::Model)> {
    rows.into_iter()
        .filter_map(|(r, a)| a.map(|a| (r, a)))
        .collect()
}
/// Replies received from other servers since `since`, per day.
pub async fn received_per_day(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<DayCount>, DbErr> {
    let select = reply::Entity::find()
        .filter(reply::Column::Local.eq(false))
        .filter(reply::Column::CreatedAt.gte(since));
    days::per_day(db, select, "replies.created_at").await
}

/// A story and how many replies it received in a period.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct StoryReplies {
    pub story_id: i64,
    pub replies: i64,
}

/// The `limit` stories that received the most replies since `since`, most first.
pub async fn most_replied_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<StoryReplies>, DbErr> {
    reply::Entity::find()
        .select_only()
        .column(reply::Column::StoryId)
        .column_as(reply::Column::Id.count(), "replies")
        .filter(reply::Column::Local.eq(false))
        .filter(reply::Column::CreatedAt.gte(since))
        .group_by(reply::Column::StoryId)
        .order_by_desc(reply::Column::Id.count())
        .order_by_asc(reply::Column::StoryId)
        .limit(limit)
        .into_model::<StoryReplies>()
        .all(db)
        .await
}
