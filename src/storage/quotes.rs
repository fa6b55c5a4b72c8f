//! Queries on `quotes`: posts on other servers that quote our stories, and the stamps we
//! issued for them.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, UpdateMany,
    sea_query::{Expr, ExprTrait},
};

use super::{
    days::{self, DayCount},
    entities::{actor, quote},
};

/// What a new quote row holds.
pub struct NewQuote<'a> {
    pub ap_id: &'a str,
    pub story_id: i64,
    pub author_id: i64,
    pub url: Option<&'a str>,
    pub content_html: &'a str,
    pub state: &'a str,
    pub request_ap_id: Option<&'a str>,
}

pub async fn insert(db: &impl ConnectionTrait, new: &NewQuote<'_>) -> Result<quote::Model, DbErr> {
    quote::ActiveModel {
        ap_id: Set(new.ap_id.to_string()),
        story_id: Set(new.story_id),
        author_id: Set(new.author_id),
        url: Set(new.url.map(str::to_string)),
        content_html: Set(new.content_html.to_string()),
        state: Set(new.state.to_string()),
        request_ap_id: Set(new.request_ap_id.map(str::to_string)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<quote::Model>, DbErr> {
    quote::Entity::find()
        .filter(quote::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<quote::Model>, DbErr> {
    quote::Entity::find_by_id(id).one(db).await
}

fn update_quote(id: i64) -> UpdateMany<quote::Entity> {
    quote::Entity::update_many().filter(quote::Column::Id.eq(id))
}

pub async fn set_state(db: &impl ConnectionTrait, id: i64, state: &str) -> Result<(), DbErr> {
    update_quote(id)
        .col_expr(quote::Column::State, Expr::value(state))
        .exec(db)
        .await?;
    Ok(())
}

/// The quoting post as its author last sent it.
pub async fn set_content(
    db: &impl ConnectionTrait,
    id: i64,
    url: Option<&str>,
    content_html: &str,
) -> Result<(), DbErr> {
    update_quote(id)
        .col_expr(quote::Column::Url, Expr::value(url))
        .col_expr(quote::Column::ContentHtml, Expr::value(content_html))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the request the stamp answers; the first issue time is kept.
pub async fn authorize(
    db: &impl ConnectionTrait,
    id: i64,
    request_ap_id: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    update_quote(id)
        .col_expr(quote::Column::RequestApId, Expr::value(request_ap_id))
        .col_expr(
            quote::Column::AuthorizedAt,
            Expr::col(quote::Column::AuthorizedAt).if_null(at),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The request a held quote will answer once approved.
pub async fn set_request(
    db: &impl ConnectionTrait,
    id: i64,
    request_ap_id: &str,
) -> Result<(), DbErr> {
    update_quote(id)
        .col_expr(quote::Column::RequestApId, Expr::value(request_ap_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    update_quote(id)
        .col_expr(quote::Column::RevokedAt, Expr::value(at))
        .exec(db)
        .await?;
    Ok(())
}

/// A story's quotes in one state, oldest first, with their authors.
pub async fn of_story(
    db: &impl ConnectionTrait,
    story_id: i64,
    state: &str,
    limit: u64,
) -> Result<Vec<(quote::Model, actor::Model)>, DbErr> {
    let rows = quote::Entity::find()
        .filter(quote::Column::StoryId.eq(story_id))
        .filter(quote::Column::State.eq(state))
        .order_by_asc(quote::Column::CreatedAt)
        .limit(limit)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(q, a)| Some((q, a?)))
        .collect())
}

pub async fn count_of_story(
    db: &impl ConnectionTrait,
    story_id: i64,
    state: &str,
) -> Result<u64, DbErr> {
    quote::Entity::find()
        .filter(quote::Column::StoryId.eq(story_id))
        .filter(quote::Column::State.eq(state))
        .count(db)
        .await
}

/// How many quotes in `state` each of `story_ids` has (stories without any are left out).
pub async fn counts_of_stories(
    db: &impl ConnectionTrait,
    story_ids: &[i64],
    state: &str,
) -> Result<Vec<(i64, u64)>, DbErr> {
    if story_ids.is_empty() {
        return Ok(Vec::new());
    }
    let counts: Vec<(i64, i64)> = quote::Entity::find()
        .select_only()
        .column(quote::Column::StoryId)
        .column_as(quote::Column::Id.count(), "count")
        .filter(quote::Column::StoryId.is_in(story_ids.iter().copied()))
        .filter(quote::Column::State.eq(state))
        .group_by(quote::Column::StoryId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(story, n)| (story, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Quotes in one state on any story, oldest first, with their authors (the moderation queue).
pub async fn in_state(
    db: &impl ConnectionTrait,
    state: &str,
    limit: u64,
) -> Result<Vec<(quote::Model, actor::Model)>, DbErr> {
    let rows = quote::Entity::find()
        .filter(quote::Column::State.eq(state))
        .order_by_asc(quote::Column::CreatedAt)
        .limit(limit)
        .find_also_related(actor::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(q, a)| Some((q, a?)))
        .collect())
}

/// Every quote by one author whose stamp still stands (a block withdraws them).
/// The authors who hold a standing stamp.
pub async fn stamp_holders(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    let mut ids: Vec<i64> = quote::Entity::find()
        .filter(quote::Column::AuthorizedAt.is_not_null())
        .filter(quote::Column::RevokedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|q| q.author_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

pub async fn authorized_by(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<quote::Model>, DbErr> {
    quote::Entity::find()
        .filter(quote::Column::AuthorId.eq(author_id))
        .filter(quote::Column::AuthorizedAt.is_not_null())
        .filter(quote::Column::RevokedAt.is_null())
        .all(db)
        .await
}

/// Hides every quote by one author and withdraws their standing stamps (their account is gone).
pub async fn hide_all_by(
    db: &impl ConnectionTrait,
    author_id: i64,
    state: &str,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    quote::Entity::update_many()
        .col_expr(quote::Column::RevokedAt, Expr::value(at))
        .filter(quote::Column::AuthorId.eq(author_id))
        .filter(quote::Column::AuthorizedAt.is_not_null())
        .filter(quote::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    let hidden = quote::Entity::update_many()
        .col_expr(quote::Column::State, Expr::value(state))
        .filter(quote::Column::AuthorId.eq(author_id))
        .exec(db)
        .await?;
    Ok(hidden.rows_affected)
}

/// Quotes of our stories received since `since`, per day.
pub async fn per_day(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<DayCount>, DbErr> {
    let select = quote::Entity::find().filter(quote::Column::CreatedAt.gte(since));
    days::per_day(db, select, "quotes.created_at").await
}
