//! `/api/v1/stories`: create, read, update, delete and list stories.

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::{Path, Query},
    http::{Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::{ApiEditor, ApiJson, Reason, Route};
use crate::{
    domain::{
        page::Page,
        story::{self, Story, StoryInput},
    },
    error::AppError,
    http::{actions::stories as actions, pages::PageQuery},
    state::AppState,
    storage::stories::Listing,
};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/stories", list),
        Route::new(Method::POST, "/stories", create),
        Route::new(Method::GET, "/stories/{slug}", read),
        Route::new(Method::PUT, "/stories/{slug}", update),
        Route::new(Method::DELETE, "/stories/{slug}", delete),
        Route::new(Method::POST, "/stories/{slug}/close", close),
        Route::new(Method::POST, "/stories/{slug}/reopen", reopen),
    ]
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
    /// The story's own quote policy; `null`: the site's default applies.
    quote_policy: Option<&'static str>,
    /// The article's home on the newsroom's own site; `null`: the story page is its home.
    canonical_url: Option<String>,
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
            quote_policy: story.quote_policy.map(|p| p.as_str()),
            canonical_url: story.canonical_url.as_ref().map(ToString::to_string),
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

/// `?page=N`, or `?canonical_url=…` for the one story whose home is that address.
#[derive(serde::Deserialize)]
struct ListQuery {
    page: Option<u64>,
    canonical_url: Option<String>,
}

async fn list(
    data: Data<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page<StoryResource>>, AppError> {
    let request = PageQuery { page: q.page }.request(&data);
    let page = match q.canonical_url {
        Some(url) => {
            let found = match url::Url::parse(url.trim()) {
                Ok(url) => story::find_by_canonical_url(&data.db, &url)
                    .await?
                    .filter(|s| s.deleted_at.is_none()),
                Err(_) => None,
            };
            let total = u64::from(found.is_some());
            Page::new(found.into_iter().collect(), request, total)
        }
        None => story::list(&data.db, Listing::All, request).await?,
    };
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
    data: Data<AppState>,
    ApiJson(input): ApiJson<StoryInput>,
) -> Result<Response, AppError> {
    let draft = actions::validate(&data, input)?;
    let story = actions::publish(&data, draft).await?;
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
    data: Data<AppState>,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<StoryInput>,
) -> Result<Json<StoryResource>, AppError> {
    let draft = actions::validate(&data, input)?;
    let story = actions::update(&data, &slug, draft).await?;
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}

async fn delete(data: Data<AppState>, Path(slug): Path<String>) -> Result<StatusCode, AppError> {
    actions::delete(&data, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn close(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(slug): Path<String>,
    Reason(reason): Reason,
) -> Result<Json<StoryResource>, AppError> {
    let story = actions::set_replies_closed(&data, &by, &slug, true, reason.as_deref()).await?;
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}

async fn reopen(
    data: Data<AppState>,
    ApiEditor(by): ApiEditor,
    Path(slug): Path<String>,
    Reason(reason): Reason,
) -> Result<Json<StoryResource>, AppError> {
    let story = actions::set_replies_closed(&data, &by, &slug, false, reason.as_deref()).await?;
    Ok(Json(StoryResource::new(story, &data.settings.domain())))
}
