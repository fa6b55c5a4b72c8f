//! Reply counts for a newsroom's article lists: `GET /embed/counts?url=A&url=B`, readable from
//! any origin (the numbers are on the public pages anyway).

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::RawQuery,
    http::header,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};
use url::Url;

use crate::{domain::story, error::AppError, state::AppState};

/// Articles one request may ask about.
const MAX_URLS: usize = 50;

pub(super) async fn counts(
    data: Data<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let asked: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == "url")
        .map(|(_, v)| v.into_owned())
        .take(MAX_URLS)
        .collect();
    let mut counts = Map::new();
    for raw in asked {
        let Ok(article) = Url::parse(raw.trim()) else {
            continue;
        };
        let found = story::find_by_canonical_url(&data.db, &article)
            .await?
            .filter(|s| s.deleted_at.is_none());
        let entry = match found {
            Some(s) => json!({
                "replies": s.reply_count,
                "likes": s.likes,
                "shares": s.shares(),
                "conversation": s.ap_id,
            }),
            None => Value::Null,
        };
        counts.insert(raw, entry);
    }
    Ok((
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=30"),
        ],
        Json(json!({ "counts": counts })),
    )
        .into_response())
}
