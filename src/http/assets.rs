//! Static files compiled into the binary, so one file is the whole install.

use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};

const STYLE: &str = include_str!("../../static/style.css");
const ICON: &[u8] = include_bytes!("../../static/icon.png");
const LIVE: &str = include_str!("../../static/live.js");
const DESK: &str = include_str!("../../static/desk.js");
/// Assets change only with the binary; a day is long enough for caching and short for upgrades.
const CACHE: &str = "public, max-age=86400";

pub fn router() -> Router {
    Router::new()
        .route(
            "/static/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE.as_bytes()) }),
        )
        .route(
            "/static/icon.png",
            get(|| async { asset("image/png", ICON) }),
        )
        .route(
            "/static/live.js",
            get(|| async { asset("text/javascript; charset=utf-8", LIVE.as_bytes()) }),
        )
        .route(
            "/static/desk.js",
            get(|| async { asset("text/javascript; charset=utf-8", DESK.as_bytes()) }),
        )
}

fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
        .into_response()
}
