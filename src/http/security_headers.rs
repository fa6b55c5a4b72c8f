//! Headers that tell browsers what our pages may do, on every response: a Content-Security-Policy
//! (scripts, styles and connections from this site only, no plugins, no `<base>`, framing only by
//! the configured ancestors), `X-Content-Type-Options: nosniff` and a `Referrer-Policy`.
//! The embedded conversation (`http::embed`) sends the same policy with its own `frame-ancestors`.
//!
//! Pages hold remote text (replies, names) cleaned and escaped; the policy is the second wall
//! should any of it slip through: no inline script or style runs, whatever the markup says.
//! The pages themselves have none (`static/live.js` and `static/style.css` are files).

use std::sync::Arc;

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, header},
    response::Response,
};

use crate::config::Settings;

const STRICTEST: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The header values, built once from the settings.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    policy: HeaderValue,
}

impl SecurityHeaders {
    pub fn new(settings: &Settings) -> Self {
        // The settings check `frame_ancestors`; should a value still not fit in a header, the
        // strictest policy applies rather than none.
        let policy = HeaderValue::from_str(&content_security_policy(settings))
            .unwrap_or_else(|_| HeaderValue::from_static(STRICTEST));
        SecurityHeaders { policy }
    }

    fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        // A route that set a stricter policy of its own (the media proxy's) keeps it.
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(header::CONTENT_SECURITY_POLICY, self.policy.clone());
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
    }
}

/// The policy. Images, video and audio load from this site only: remote media, avatars and
/// emoji are served through the media proxy, never from their servers (`data:` is for images
/// the pages draw themselves).
///
/// `form-action` allows https (http in development) besides this site: the "reply from your
/// instance" form goes to `/interact`, which redirects the reader to their own server, and
/// browsers apply `form-action` to that redirect.
pub fn content_security_policy(settings: &Settings) -> String {
    framed_by(settings, settings.web.frame_ancestors.trim())
}

/// The same policy with other `frame-ancestors` (the embedded conversation's own).
pub fn framed_by(settings: &Settings, ancestors: &str) -> String {
    let remote = if settings.dev {
        " https: http:"
    } else {
        " https:"
    };
    [
        "default-src 'self'".to_string(),
        "script-src 'self'".to_string(),
        "style-src 'self'".to_string(),
        "img-src 'self' data:".to_string(),
        "media-src 'self'".to_string(),
        "connect-src 'self'".to_string(),
        "font-src 'self'".to_string(),
        "object-src 'none'".to_string(),
        "base-uri 'none'".to_string(),
        format!("form-action 'self'{remote}"),
        format!("frame-ancestors {ancestors}"),
    ]
    .join("; ")
}

async fn set_headers(
    State(headers): State<Arc<SecurityHeaders>>,
    mut response: Response,
) -> Response {
    headers.apply(&mut response);
    response
}

/// Wraps every route of `router`, the fallback (404) included.
pub fn layer(router: Router, settings: &Settings) -> Router {
    let headers = Arc::new(SecurityHeaders::new(settings));
    router.layer(axum::middleware::map_response_with_state(
        headers,
        set_headers,
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::content_security_policy;
    use crate::config::Settings;

    #[test]
    fn the_policy_allows_nothing_inline_and_frames_as_configured() {
        let mut settings = Settings::load_from(&[]).unwrap();
        settings.dev = false;
        let policy = content_security_policy(&settings);
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "media-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                policy.split("; ").any(|d| d == directive),
                "{directive} in {policy}"
            );
        }
        assert!(!policy.contains("unsafe") && !policy.contains("http:"));
        settings.dev = true;
        settings.web.frame_ancestors = "'self' https://partner.example".into();
        let policy = content_security_policy(&settings);
        // Development mode allows http for the forms' redirects, never for media.
        assert!(policy.contains("form-action 'self' https: http:"));
        assert!(policy.contains("img-src 'self' data:;") && policy.contains("media-src 'self';"));
        assert!(policy.ends_with("frame-ancestors 'self' https://partner.example"));
    }
}
