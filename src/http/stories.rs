//! A story's URL: HTML for browsers, the `Article` for ActivityPub clients, 410 once deleted;
//! its conversation (`context`) and its `replies` collections, which list what the page shows.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::{Path, Query},
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use maud::html;

use super::{
    negotiate::{ActivityJson, vary_accept, wants_activity_json},
    pages::{PageQuery, not_found_page},
    story_page,
    views::layout::{self, Head},
};
use crate::{
    domain::{
        reply::{self, conversation::Scope, paged::Sort},
        story::{self, Story},
    },
    error::AppError,
    federation::{
        objects::story::{to_article, to_tombstone},
        protocol::{
            collection::{OrderedCollection, OrderedCollectionPage},
            context,
        },
    },
    state::AppState,
};

pub fn router() -> Router {
    Router::new()
        .route("/stories/{slug}", get(show))
        .route("/stories/{slug}/replies", get(replies))
        .route("/stories/{slug}/context", get(conversation))
        .route("/replies/{id}/replies", get(reply_replies))
}

/// How a reader asks for the conversation: `?sort=oldest|newest|liked&page=N`.
#[derive(Debug, Default, serde::Deserialize)]
struct ConversationQuery {
    sort: Option<String>,
    page: Option<String>,
    /// One top-level thread alone, every reply in it (where a long branch's "show more" leads).
    thread: Option<String>,
}

impl ConversationQuery {
    /// Anything that is no number is left out: the first page, the whole conversation.
    fn parsed(self) -> story_page::Asked {
        story_page::Asked {
            sort: Sort::parse(self.sort.as_deref()),
            page: self.page.and_then(|p| p.parse().ok()).unwrap_or(1),
            thread: self.thread.and_then(|t| t.parse().ok()),
        }
    }
}

async fn show(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(asked): Query<ConversationQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let activity = wants_activity_json(&headers);
    let Some(story) = story::find_by_slug(&data.db, &slug).await? else {
        return Ok(vary_accept(if activity {
            AppError::NotFound("story").into_response()
        } else {
            not_found_page(&data)
        }));
    };
    let response = match (story.deleted_at.is_some(), activity) {
        (true, true) => (StatusCode::GONE, ActivityJson(to_tombstone(&story))).into_response(),
        (true, false) => (StatusCode::GONE, Html(gone_page(&data, &story))).into_response(),
        (false, true) => ActivityJson(to_article(&story, &data.site(), true)).into_response(),
        (false, false) => {
            let started = std::time::Instant::now();
            let page = story_page::render(&data, &story, asked.parsed()).await?;
            data.federation
                .metrics
                .story_page(started.elapsed().as_secs_f64());
            Html(page).into_response()
        }
    };
    Ok(vary_accept(response))
}

fn gone_page(state: &AppState, story: &Story) -> String {
    let head = Head {
        title: format!("Removed · {}", state.settings.publication.name),
        ..Default::default()
    };
    let body = html! {
        h1 { "This story was removed" }
        p { "“" (story.title) "” is no longer published. " a href=(state.urls.root()) { "Read the latest stories" } "." }
    };
    layout::page(state, head, body).into_string()
}

/// The story's conversation (FEP-7888, FEP-f228): the story, then every reply the page shows,
/// in thread order. Every object of ours names it as its `context`.
async fn conversation(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let story = published(&data, &slug).await?;
    let id = data.urls.story_context(&story.slug);
    collection(&data, id, story.id, Scope::Whole(story.ap_id.as_str()), q).await
}

/// Every visible reply to a story, in thread order, so a server can load the whole
/// conversation from one collection.
async fn replies(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let story = published(&data, &slug).await?;
    let id = data.urls.story_replies(&story.slug);
    collection(&data, id, story.id, Scope::Replies, q).await
}

/// The direct answers to a reply we hold, as the page shows them.
async fn reply_replies(
    data: Data<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let held = reply::find_by_id(&data.db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))?;
    let id = data.urls.reply_replies(held.id);
    collection(&data, id, held.story_id, Scope::AnswersTo(held.id), q).await
}

async fn published(data: &AppState, slug: &str) -> Result<Story, AppError> {
    story::find_by_slug(&data.db, slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))
}

/// The collection `id` of `scope`: without `?page=`, its size and first page; with it, a page.
async fn collection(
    data: &AppState,
    id: url::Url,
    story_id: i64,
    scope: Scope<'_>,
    q: PageQuery,
) -> Result<Response, AppError> {
    let request = q.request(data);
    let (items, total) =
        reply::conversation::page(&data.db, story_id, scope, request.offset(), request.size)
            .await?;
    let body = match q.page {
        None => serde_json::to_value(OrderedCollection::paged(id, total, Some(context::plain()))),
        Some(n) => {
            let pages = total.div_ceil(request.size).max(1);
            let items = items.into_iter().map(serde_json::Value::String).collect();
            serde_json::to_value(OrderedCollectionPage::new(
                id,
                n.max(1),
                pages,
                total,
                items,
            ))
        }
    }
    .map_err(anyhow::Error::from)?;
    Ok(ActivityJson(body).into_response())
}
