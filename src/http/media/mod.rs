//! The media proxy: remote images, video, audio, avatars and emoji are served from our own
//! origin, so pages keep a strict CSP, readers' addresses never reach remote servers, and a page
//! read by thousands costs the remote server one fetch. A proxied URL carries a signature of the
//! remote URL, so the proxy serves only what our own pages link to.

mod cache;
mod proxy;
mod route;
mod sniff;

use std::sync::Arc;

use axum::{Router, routing::get};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use url::Url;

use crate::{config::Settings, state::AppState};

pub use proxy::{Proxy, Refusal};
pub use sniff::media_type;

/// The proxy's route, with its cache opened (and counted) now.
pub fn router(settings: &Settings) -> Router {
    Router::new()
        .route("/media/{signature}/{encoded}", get(route::serve))
        .with_state(Arc::new(Proxy::new(&settings.media)))
}

/// [`proxied`] with the key given, for callers outside a request (tools, tests).
pub fn proxied_with(key: &ring::hmac::Key, remote: &Url) -> String {
    format!(
        "/media/{}/{}",
        signature(key, remote.as_str()),
        URL_SAFE_NO_PAD.encode(remote.as_str())
    )
}

/// The path our pages use for `remote`: `/media/{signature}/{remote URL, base64url}`.
pub fn proxied(state: &AppState, remote: &Url) -> String {
    proxied_with(&state.federation.media_key, remote)
}

/// The remote URL a proxied path stands for, when its signature is ours.
pub fn remote_of(key: &ring::hmac::Key, signature_text: &str, encoded: &str) -> Option<Url> {
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let expected = hex_decode(signature_text)?;
    ring::hmac::verify(key, text.as_bytes(), &expected).ok()?;
    text.parse().ok()
}

fn signature(key: &ring::hmac::Key, remote: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let tag = ring::hmac::sign(key, remote.as_bytes());
    // One per avatar and image on a page: no formatting machinery per byte.
    let mut text = String::with_capacity(tag.as_ref().len() * 2);
    for byte in tag.as_ref() {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    text
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_signed_urls_are_served() {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"test key");
        let remote = "https://files.example/cat.png";
        let sig = signature(&key, remote);
        let encoded = URL_SAFE_NO_PAD.encode(remote);
        assert_eq!(
            remote_of(&key, &sig, &encoded).map(String::from),
            Some(remote.to_string())
        );
        let other = URL_SAFE_NO_PAD.encode("https://evil.example/x.png");
        assert!(remote_of(&key, &sig, &other).is_none());
        assert!(remote_of(&key, "zz", &encoded).is_none());
        assert!(remote_of(&key, "", "%%%").is_none());
    }
}
