//! Queries on `replies` for the story page: only the columns a reader is shown, and the authors
//! read once for a whole page. A page of a thousand replies then reads neither the crawl
//! bookkeeping of each row nor, through a join, each author's keys and profile text once per
//! reply. (`replies.rs` keeps the whole-row queries the rest of the code uses.)

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};

use super::{
    entities::{actor, reply},
    replies::{RootOrder, published, shown_root},
};

/// One reply as the page shows it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ShownRow {
    pub id: i64,
    pub ap_id: String,
    pub story_id: i64,
    pub parent_id: Option<i64>,
    /// Only to place it: see [`threads`].
    pub path: String,
    pub depth: i32,
    pub author_id: i64,
    pub content_html: String,
    pub summary: Option<String>,
    pub url: Option<String>,
    pub sensitive: bool,
    pub state: String,
    pub likes: i32,
    pub boosts: i32,
    pub published_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub featured_at: Option<DateTime<Utc>>,
    pub object_type: String,
    pub language: Option<String>,
    pub attachments: Option<String>,
    pub tags: Option<String>,
    pub details: Option<String>,
}

/// Who wrote a reply, as the page shows them.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AuthorRow {
    pub id: i64,
    pub ap_id: String,
    pub username: String,
    pub domain: String,
    pub name: String,
    pub url: Option<String>,
    pub icon_url: Option<String>,
    pub local: bool,
}

/// The select of [`ShownRow`]'s columns.
fn shown() -> sea_orm::Select<reply::Entity> {
    use reply::Column as C;
    reply::Entity::find().select_only().columns([
        C::Id,
        C::ApId,
        C::StoryId,
        C::ParentId,
        C::Path,
        C::Depth,
        C::AuthorId,
        C::ContentHtml,
        C::Summary,
        C::Url,
        C::Sensitive,
        C::State,
        C::Likes,
        C::Boosts,
        C::PublishedAt,
        C::EditedAt,
        C::DeletedAt,
        C::FeaturedAt,
        C::ObjectType,
        C::Language,
        C::Attachments,
        C::Tags,
        C::Details,
    ])
}

/// A story's whole conversation in display order.
pub async fn whole(db: &impl ConnectionTrait, story_id: i64) -> Result<Vec<ShownRow>, DbErr> {
    shown()
        .filter(reply::Column::StoryId.eq(story_id))
        .order_by_asc(reply::Column::Path)
        .into_model()
        .all(db)
        .await
}

/// One reply (for a live update).
pub async fn one(db: &impl ConnectionTrait, id: i64) -> Result<Option<ShownRow>, DbErr> {
    shown()
        .filter(reply::Column::Id.eq(id))
        .into_model()
        .one(db)
        .await
}

/// A top-level reply's row id and path.
pub type Root = (i64, String);

/// One page of a story's top-level threads in `order`: their ids and paths alone.
pub async fn roots(
    db: &impl ConnectionTrait,
    story_id: i64,
    order: RootOrder,
    offset: u64,
    limit: u64,
) -> Result<Vec<Root>, DbErr> {
    let query = reply::Entity::find()
        .select_only()
        .columns([reply::Column::Id, reply::Column::Path])
        .filter(shown_root(story_id));
    let query = match order {
        RootOrder::Oldest => query.order_by_asc(reply::Column::Path),
        RootOrder::Newest => query.order_by_desc(reply::Column::Path),
        RootOrder::Liked => query
            .order_by_desc(reply::Column::Likes)
            .order_by_asc(reply::Column::Path),
    };
    query.offset(offset).limit(limit).into_tuple().all(db).await
}

/// The threads under `roots` (the roots included) in path order. A reply belongs to a root's
/// thread when its path is the root's or starts with it and `/`: asked as "its first
/// `len(root)` characters are one of the roots" (one comparison per row, whatever the number of
/// roots, and no collation can reorder `/` against the digits as it could a range), then
/// checked exactly here, so that a root whose path another's begins with takes nothing of it.
pub async fn threads(
    db: &impl ConnectionTrait,
    story_id: i64,
    roots: &[Root],
) -> Result<Vec<ShownRow>, DbErr> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let mut widths: Vec<usize> = roots.iter().map(|(_, path)| path.len()).collect();
    widths.sort_unstable();
    widths.dedup();
    let mut heads = Condition::any();
    for width in widths {
        let paths = roots
            .iter()
            .filter(|(_, path)| path.len() == width)
            .map(|(_, path)| path.clone());
        // Four-byte integers: PostgreSQL has no `substr(text, bigint, bigint)`.
        let width = i32::try_from(width).unwrap_or(i32::MAX);
        let head = Func::cust("substr")
            .arg(Expr::col((reply::Entity, reply::Column::Path)))
            .arg(Expr::val(1i32))
            .arg(Expr::val(width));
        heads = heads.add(Expr::expr(head).is_in(paths));
    }
    let rows: Vec<ShownRow> = shown()
        .filter(reply::Column::StoryId.eq(story_id))
        .filter(heads)
        .order_by_asc(reply::Column::Path)
        .into_model()
        .all(db)
        .await?;
    let roots: HashSet<&str> = roots.iter().map(|(_, path)| path.as_str()).collect();
    Ok(rows
        .into_iter()
        .filter(|row| {
            roots.contains(row.path.as_str())
                || row
                    .path
                    .split_once('/')
                    .is_some_and(|(first, _)| roots.contains(first))
        })
        .collect())
}

/// A story's featured replies, most recently featured first.
pub async fn featured(db: &impl ConnectionTrait, story_id: i64) -> Result<Vec<ShownRow>, DbErr> {
    shown()
        .filter(reply::Column::StoryId.eq(story_id))
        .filter(reply::Column::FeaturedAt.is_not_null())
        .filter(published())
        .order_by_desc(reply::Column::FeaturedAt)
        .into_model()
        .all(db)
        .await
}

/// The authors `ids` (each once, whatever the number of their replies).
pub async fn authors(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<AuthorRow>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    use actor::Column as C;
    actor::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::ApId,
            C::Username,
            C::Domain,
            C::Name,
            C::Url,
            C::IconUrl,
            C::Local,
        ])
        .filter(C::Id.is_in(ids))
        .into_model()
        .all(db)
        .await
}
