//! Content negotiation: the same URL serves HTML to browsers and JSON-LD to ActivityPub clients.
//! ActivityPub wins whenever the client lists it at all; browsers never ask for it, and some
//! servers send `text/html` alongside it.

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::federation::ACTIVITY_JSON;

/// True when the `Accept` header asks for `application/activity+json` or `application/ld+json`
/// with a non-zero quality.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let q_zero = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !q_zero
                && matches!(
                    media.as_str(),
                    "application/activity+json" | "application/ld+json"
                )
        })
}

/// A JSON-LD document with the ActivityPub media type.
pub struct ActivityJson<T>(pub T);

impl<T: Serialize> IntoResponse for ActivityJson<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(ACTIVITY_JSON),
                )],
                body,
            )
                .into_response(),
            Err(err) => {
                tracing::error!(error = %err, "cannot serialise an ActivityPub document");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// Marks a negotiated response so caches keep the HTML and JSON variants apart.
pub fn vary_accept(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::wants_activity_json;

    fn accept(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn activitypub_clients_get_json_even_when_html_is_listed() {
        assert!(wants_activity_json(&accept("application/activity+json")));
        assert!(wants_activity_json(&accept(
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
        )));
        assert!(wants_activity_json(&accept(
            "text/html, application/activity+json;q=0.9"
        )));
        assert!(wants_activity_json(&accept("Application/Activity+JSON")));
    }

    #[test]
    fn browsers_get_html() {
        assert!(!wants_activity_json(&HeaderMap::new()));
        assert!(!wants_activity_json(&accept(
            "text/html,application/xhtml+xml,*/*;q=0.8"
        )));
        assert!(!wants_activity_json(&accept("application/json")));
        assert!(!wants_activity_json(&accept(
            "application/activity+json;q=0"
        )));
    }
}
