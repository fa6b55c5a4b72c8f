//! Fetching remote media (attachments, avatars, emoji) for the media proxy: a signed binary GET
//! with its own size cap and one deadline over everything (connecting, every redirect and the
//! whole body), so a server that drips a byte at a time is cut off rather than holding a slot.
//! Redirects are followed here, not by reqwest, so each hop passes the address guard and is
//! refused when it names our own host.

use std::time::Duration;

use axum::http::header;
use url::Url;

use super::{
    client::{FetchError, HttpClient, Signer, describe},
    guard,
};

/// Redirects followed before giving up, as for documents.
const MAX_REDIRECTS: usize = 3;

/// Browsers' preference, so servers that negotiate send what we can serve.
const ACCEPT_MEDIA: &str = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,video/*;q=0.8,audio/*;q=0.8,*/*;q=0.1";

/// How much a media fetch may take.
#[derive(Debug, Clone, Copy)]
pub struct MediaLimits {
    pub max_bytes: usize,
    pub deadline: Duration,
}

/// Why a media fetch failed: the two limits this fetch adds, or any fetch error.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{0} is larger than the limit")]
    TooLarge(Url),
    #[error("{0} took longer than the limit")]
    TooSlow(Url),
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// A fetched file: the URL it finally came from, the type the server claimed, and its bytes.
#[derive(Debug)]
pub struct Media {
    pub url: Url,
    pub declared_type: Option<String>,
    pub body: Vec<u8>,
}

impl HttpClient {
    /// GETs `url` (signed by `signer`), following up to three redirects. Every hop must pass the
    /// address guard and `allowed` (the caller's rule, such as "not our own host").
    pub async fn get_media(
        &self,
        url: &Url,
        signer: &Signer,
        limits: MediaLimits,
        allowed: &(dyn Fn(&Url) -> Result<(), String> + Sync),
    ) -> Result<Media, MediaError> {
        tokio::time::timeout(limits.deadline, self.follow(url, signer, limits, allowed))
            .await
            .map_err(|_| MediaError::TooSlow(url.clone()))?
    }

    async fn follow(
        &self,
        url: &Url,
        signer: &Signer,
        limits: MediaLimits,
        allowed: &(dyn Fn(&Url) -> Result<(), String> + Sync),
    ) -> Result<Media, MediaError> {
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            check_hop(&current, self.dev, allowed)?;
            let response = self.signed_get(&current, signer).await?;
            if let Some(next) = redirect_target(&current, &response)? {
                current = next;
                continue;
            }
            if let Some(length) = response.content_length()
                && length > limits.max_bytes as u64
            {
                return Err(MediaError::TooLarge(current));
            }
            let declared_type = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = read_limited(&current, response, limits.max_bytes).await?;
            return Ok(Media {
                url: current,
                declared_type,
                body,
            });
        }
        Err(FetchError::Invalid(format!("{url}: too many redirects")).into())
    }

    async fn signed_get(
        &self,
        url: &Url,
        signer: &Signer,
    ) -> Result<reqwest::Response, FetchError> {
        super::client::signed_get(&self.media, url, ACCEPT_MEDIA, signer)?
            .send()
            .await
            .map_err(|e| FetchError::Network(describe(&e)))
    }
}

/// The guard and the caller's rule, before any connection to `url`.
pub fn check_hop(
    url: &Url,
    dev: bool,
    allowed: &(dyn Fn(&Url) -> Result<(), String> + Sync),
) -> Result<(), FetchError> {
    guard::check_url(url, dev).map_err(FetchError::Refused)?;
    allowed(url).map_err(FetchError::Refused)
}

/// Where a redirect answer points, resolved against the URL that gave it.
fn redirect_target(current: &Url, response: &reqwest::Response) -> Result<Option<Url>, FetchError> {
    if !response.status().is_redirection() {
        return Ok(None);
    }
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| FetchError::Invalid(format!("{current} redirected nowhere")))?;
    current
        .join(location)
        .map(Some)
        .map_err(|e| FetchError::Invalid(format!("{current} redirected to `{location}`: {e}")))
}

/// The body of a successful answer, given up past `max` bytes without reading the rest.
async fn read_limited(
    url: &Url,
    mut response: reqwest::Response,
    max: usize,
) -> Result<Vec<u8>, MediaError> {
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        let url = url.to_string();
        return Err(FetchError::Status { url, status }.into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Network(describe(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(MediaError::TooLarge(url.clone()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::check_hop;

    #[test]
    fn every_hop_is_guarded_outside_development_mode() {
        let url = |s: &str| s.parse::<url::Url>().expect("url");
        let anywhere = |_: &url::Url| Ok(());
        for internal in [
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/cat.png",
            "https://[::1]/cat.png",
            "https://localhost/cat.png",
            "http://files.example/cat.png",
        ] {
            assert!(
                check_hop(&url(internal), false, &anywhere).is_err(),
                "{internal}"
            );
        }
        assert!(check_hop(&url("https://files.example/cat.png"), false, &anywhere).is_ok());
        let not_ours = |u: &url::Url| match u.host_str() {
            Some("news.example") => Err("our own host".to_string()),
            _ => Ok(()),
        };
        assert!(check_hop(&url("https://news.example/media/x"), false, &not_ours).is_err());
    }
}
