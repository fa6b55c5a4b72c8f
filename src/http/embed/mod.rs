//! The conversation embedded under the newsroom's own articles. `/embed.js` (one line in the
//! article template) puts an iframe from this site after its `<script>` tag; the iframe's page
//! (`frame`) draws the thread with the story page's own views and live stream; `counts` answers
//! reply counts for article lists, to any origin; `theme` turns the newsroom's colours into a
//! stylesheet, since the frame's policy allows no inline style.

mod counts;
mod frame;
mod theme;

use axum::{
    Router,
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};

const EMBED_JS: &str = include_str!("../../../static/embed.js");
const FRAME_JS: &str = include_str!("../../../static/embed-frame.js");
const FRAME_CSS: &str = include_str!("../../../static/embed.css");

pub fn router() -> Router {
    Router::new()
        .route("/embed.js", get(|| async { script(EMBED_JS) }))
        .route("/static/embed-frame.js", get(|| async { script(FRAME_JS) }))
        .route(
            "/static/embed.css",
            get(|| async { asset("text/css; charset=utf-8", FRAME_CSS) }),
        )
        .route("/embed/stories/{slug}", get(frame::by_slug))
        .route("/embed/article", get(frame::by_url))
        .route("/embed/open", get(frame::open))
        .route("/embed/counts", get(counts::counts))
        .route("/embed/theme.css", get(theme::stylesheet))
}

fn script(body: &'static str) -> Response {
    asset("text/javascript; charset=utf-8", body)
}

/// Short caching: the snippet in a newsroom's template never changes, the file may.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
