//! HTTP: every route the server answers, assembled from one router per area.

pub mod actions;
pub mod actors;
pub mod admin;
pub mod api;
pub mod assets;
pub mod client_addr;
pub mod embed;
pub mod feed;
pub mod health;
pub mod inbox;
pub mod interact;
pub mod live;
pub mod media;
pub mod negotiate;
pub mod notes;
pub mod page_cache;
pub mod pages;
pub mod quotes;
pub mod security_headers;
pub mod stories;
pub mod story_page;
pub mod views;
pub mod well_known;
pub mod where_page;

use std::time::Duration;

use axum::Router;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// The whole application's routes. State arrives through the federation middleware the caller
/// layers on top (`Data<AppState>`).
pub fn router(settings: &crate::config::Settings) -> Router {
    let routes = Router::new()
        .merge(inbox::router(settings))
        .merge(pages::router())
        .merge(stories::router())
        .merge(actors::router())
        .merge(well_known::router())
        .merge(feed::router())
        .merge(notes::router())
        .merge(quotes::router())
        .merge(live::router())
        .merge(health::router())
        .merge(interact::router())
        .merge(where_page::router())
        .merge(assets::router())
        .merge(embed::router())
        .merge(media::router(settings))
        .merge(admin::router())
        .nest(api::PREFIX, api::router())
        .fallback(pages::not_found)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        // Every request gets an id (or keeps the proxy's), echoed in the response and the logs.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));
    // Outermost, so every answer carries the browser policy (timeouts and 404s too).
    security_headers::layer(routes, settings)
}
