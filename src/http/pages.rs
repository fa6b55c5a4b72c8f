//! Public listing pages: the front page and tag pages, plus the HTML 404.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::{Path, Query},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
};
use maud::html;
use serde::Deserialize;

use super::views::{
    layout::{self, Head},
    listing,
};
use crate::{
    domain::{page::PageRequest, story},
    error::AppError,
    state::AppState,
    storage::stories::Listing,
};

pub fn router() -> Router {
    Router::new()
        .route("/", get(front))
        .route("/tags/{tag}", get(tag))
}

/// `?page=N`, 1-based.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub page: Option<u64>,
}

impl PageQuery {
    pub fn request(&self, state: &AppState) -> PageRequest {
        PageRequest::new(self.page, state.settings.web.page_size)
    }
}

async fn front(data: Data<AppState>, Query(q): Query<PageQuery>) -> Result<Html<String>, AppError> {
    let page = story::list(&data.db, Listing::All, q.request(&data)).await?;
    let settings = &data.settings;
    let head = Head {
        title: settings.publication.name.clone(),
        description: Some(settings.publication.summary.clone()),
        canonical: Some(data.urls.root()),
        activity_json: Some(data.urls.actor(&settings.publication.handle)),
        extra: None,
    };
    let body = html! {
        p class="intro" { (settings.publication.summary) }
        (listing::stories(&data, &page, "/"))
    };
    Ok(Html(layout::page(&data, head, body).into_string()))
}

async fn tag(
    data: Data<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    let page = story::list(&data.db, Listing::ByTag(&tag), q.request(&data)).await?;
    let head = Head {
        title: format!("#{tag} · {}", data.settings.publication.name),
        canonical: Some(data.urls.tag(&tag)),
        ..Default::default()
    };
    let body = html! {
        h1 { "Stories tagged #" (tag) }
        (listing::stories(&data, &page, data.urls.tag(&tag).path()))
    };
    Ok(Html(layout::page(&data, head, body).into_string()))
}

/// The 404 page for browsers; API and ActivityPub clients get JSON from their own handlers.
pub async fn not_found(data: Data<AppState>) -> Response {
    not_found_page(&data)
}

pub fn not_found_page(state: &AppState) -> Response {
    let head = Head {
        title: format!("Not found · {}", state.settings.publication.name),
        ..Default::default()
    };
    let body = html! {
        h1 { "Nothing here" }
        p { "This page does not exist. " a href=(state.urls.root()) { "Go to the front page" } "." }
    };
    (
        StatusCode::NOT_FOUND,
        Html(layout::page(state, head, body).into_string()),
    )
        .into_response()
}
