//! Static files compiled into the binary, so one file is the whole install.

use axum::{Router, http::header, response::IntoResponse, routing::get};

const STYLE: &str = include_str!("../../static/style.css");
const ICON: &[u8] = include_bytes!("../../static/icon.png");
/// Assets change only with the binary; a day is long enough for caching and short for upgrades.
const CACHE: &str = "public, max-age=86400";

pub fn router() -> Router {
    Router::new()
        .route(
            "/static/style.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, CACHE),
                    ],
                    STYLE,
                )
                    .into_response()
            }),
        )
        .route(
            "/static/icon.png",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, CACHE),
                    ],
                    ICON,
                )
                    .into_response()
            }),
        )
}
