//! `/api/v1/stories`: create, read, update, delete and list stories.

use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;

use super::{ApiJson, ApiToken};
use crate::{
    domain::{
        page::Page,
        story::{self, Story, StoryInput},
    },
    error::AppError,
    http::pages::PageQuery,
    state::AppState,
    storage::stories::Listing,
};

pub fn router() -> Router {
    Router::new()
        .route("/stories", get(list).post(create))
        .route("/stories/{slug}", get(read).put(update).delete(delete))
        .route("/stories/{slug}/close", axum::routing::post(close))
        .route("/stories/{slug}/reopen", axum::routing::post(reopen))
}

/// A story as the API returns it.
#[derive(Serialize)]
struct StoryResource {
    slug: String,
    url: String,
    title: String,
    summary: String,
    body: String,
    content_html: String,
    authors: Vec<AuthorResource>,
    tags: Vec<String>,
    image: Option<ImageResource>,
    published_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    reply_count: i32,
    replies_closed: bool,
}

#[derive(Serialize)]
struct AuthorResource {
    name: String,
    handle: String,
    url: String,
}

#[derive(Serialize)]
struct ImageResource {
    url: String,
    alt: String,
}

impl StoryResource {
    fn new(story: Story, domain: &str) -> Self {
        StoryResource {
            reply_count: story.reply_count,
            replies_closed: story.replies_closed_at.is_some(),
            url: story.ap_id.to_string(),
            authors: story
                .authors
                .iter()
                .map(|a| AuthorResource {
                    name: a.name.clone(),
                    handle: format!("@{}@{domain}", a.username),
                    url: a.ap_id.to_string(),
                })
                .collect(),
            image: story.image.map(|i| ImageResource {
                url: i.url.to_string(),
                alt: i.alt,
            }),
            slug: story.slug,
            title: story.title,
            summary: story.summary,
            body: story.body_markdown,
            content_html: story.content_html,
            tags: story.tags,
            published_at: story.published_at,
            updated_at: story.updated_at,
        }
    }
}

async fn list(
    _: ApiToken,
    data: Data<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<StoryResource>>, AppError> {
    let page = story::list(&data.db, Listing::All, q.request(&data)).await?;
    let domain = data.settings.domain();
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(|s| StoryResource::new(s, &domain))
            .collect(),
        number: page.number,
        total_items: page.total_items,
        total_pages: page.total_pages,
    }))
}

async fn create(
    _: ApiToken,
    data: Data<AppState>,
    ApiJson(input): ApiJson<StoryInput>,
) -> Result<Response, AppError> {
    let draft = input.validate(&data.urls.root())?;
    let story = story::publish(&data.db, &data.urls, draft, data.fanout.as_ref()).await?;
    data.deliveries_queued();
    let location = story.ap_id.to_string();
    let body = StoryResource::new(story, &data.settings.domain());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

async fn read(
    _: ApiToken,
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<StoryResource>, AppError> {
    let story = story::find_by_slug(&data.db, &slug)
        .await?
        .ok_or(AppError::NotFound("story"))?;
    if story.deleted_at.is_some() {
        return Err(AppError::Gone("story"));
    }
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}

async fn update(
    _: ApiToken,
    data: Data<AppState>,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<StoryInput>,
) -> Result<Json<StoryResource>, AppError> {
    let draft = input.validate(&data.urls.root())?;
    let story = story::update(&data.db, &data.urls, &slug, draft, data.fanout.as_ref()).await?;
    data.deliveries_queued();
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}

async fn delete(
    _: ApiToken,
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<StatusCode, AppError> {
    story::delete(&data.db, &slug, data.fanout.as_ref()).await?;
    data.deliveries_queued();
    Ok(StatusCode::NO_CONTENT)
}

async fn close(
    _: ApiToken,
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<StoryResource>, AppError> {
    let story = story::set_replies_closed(&data.db, &slug, true).await?;
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}

async fn reopen(
    _: ApiToken,
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<StoryResource>, AppError> {
    let story = story::set_replies_closed(&data.db, &slug, false).await?;
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}
