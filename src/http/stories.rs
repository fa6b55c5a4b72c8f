//! A story's URL: HTML for browsers, the `Article` for ActivityPub clients, 410 once deleted;
//! and its `replies` collection.

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
    views::{
        self,
        layout::{self, Head},
    },
};
use crate::{
    domain::story::{self, Story},
    error::AppError,
    federation::{
        objects::story::{to_article, to_tombstone},
        protocol::collection::{OrderedCollection, OrderedCollectionPage},
    },
    state::AppState,
};

pub fn router() -> Router {
    Router::new()
        .route("/stories/{slug}", get(show))
        .route("/stories/{slug}/replies", get(replies))
}

async fn show(
    data: Data<AppState>,
    Path(slug): Path<String>,
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
        (false, false) => Html(story_page(&data, &story)).into_response(),
    };
    Ok(vary_accept(response))
}

fn story_page(state: &AppState, story: &Story) -> String {
    let head = Head {
        title: format!("{} · {}", story.title, state.settings.publication.name),
        description: Some(story.summary.clone()),
        canonical: Some(story.ap_id.clone()),
        activity_json: Some(story.ap_id.clone()),
        extra: Some(views::story::meta(state, story)),
    };
    layout::page(state, head, views::story::article(state, story)).into_string()
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

/// Replies to a story. Empty until replies are received; the ids are stable from the start so
/// servers that cached the `Article` can come back to them.
async fn replies(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let story = story::find_by_slug(&data.db, &slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))?;
    let id = data.urls.story_replies(&story.slug);
    Ok(match q.page {
        None => ActivityJson(OrderedCollection::paged(
            id,
            0,
            Some(crate::federation::protocol::context::plain()),
        ))
        .into_response(),
        Some(n) => {
            ActivityJson(OrderedCollectionPage::new(id, n.max(1), 1, 0, Vec::new())).into_response()
        }
    })
}
