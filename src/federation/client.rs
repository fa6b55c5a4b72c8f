//! The one HTTP client for everything we send: deliveries and signed fetches. Short timeouts,
//! pooled connections, the address guard on every connection and redirect.

use std::time::Duration;

use anyhow::Context;
use axum::http::{HeaderValue, header};
use chrono::Utc;
use serde_json::Value;
use url::Url;

use super::{
    guard,
    signatures::{cavage, keys::SigningKey},
};
use crate::{config::Settings, domain::ids::host_with_port};

/// Accept header for ActivityPub fetches: both spellings, as Mastodon sends them.
pub const ACCEPT_ACTIVITY: &str = "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

/// Documents larger than this are refused: no actor or note needs it.
const MAX_DOCUMENT: usize = 1024 * 1024;

/// Who signs a request: the key id other servers fetch, and our private key.
pub struct Signer {
    pub key_id: String,
    pub key: SigningKey,
}

/// A fetched ActivityPub document and the URL it was finally served from, after redirects:
/// every same-origin rule compares against `url`, never against the URL asked for.
#[derive(Debug)]
pub struct Fetched {
    pub url: Url,
    pub document: Value,
}

/// How a host has answered our deliveries lately: one that has not (new, or failing) is given
/// less time to open a connection, since a server that is gone often never completes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Proven,
    Unproven,
}

#[derive(Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    /// As `inner`, with the short connect timeout, for deliveries to unproven hosts (its own
    /// connection pool: a host that becomes proven opens one more connection, once).
    cautious: reqwest::Client,
    /// Follows no redirects: [`HttpClient::get_media`] checks every hop itself.
    pub(super) media: reqwest::Client,
    pub(super) dev: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Refused(String),
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    Invalid(String),
}

impl FetchError {
    /// Worth trying again later: the network failed, or the server is overloaded or broken for
    /// now (408, 429, 5xx), as opposed to an answer that will not change.
    pub fn is_temporary(&self) -> bool {
        match self {
            FetchError::Network(_) => true,
            FetchError::Status { status, .. } => matches!(status, 408 | 425 | 429 | 500..=599),
            FetchError::Refused(_) | FetchError::Invalid(_) => false,
        }
    }

    /// The object is gone for good (404/410), as opposed to unreachable for now.
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            FetchError::Status {
                status: 404 | 410,
                ..
            }
        )
    }
}

impl HttpClient {
    pub fn new(
        settings: &Settings,
        timeout: Duration,
        connect_timeout: Duration,
        cautious_connect_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let dev = settings.dev;
        let inner = builder(settings, connect_timeout)
            .redirect(redirects(dev))
            .timeout(timeout)
            .build()
            .context("cannot build the HTTP client")?;
        let cautious = builder(settings, cautious_connect_timeout.min(connect_timeout))
            .redirect(redirects(dev))
            .timeout(timeout)
            .build()
            .context("cannot build the HTTP client for unproven hosts")?;
        // The media proxy follows redirects itself, checking each hop against our own host too.
        let media = builder(settings, connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // A backstop: the fetch's own deadline (one second shorter) is the one that answers.
            .timeout(Duration::from_secs(settings.media.fetch_timeout_secs + 1))
            .build()
            .context("cannot build the media HTTP client")?;
        Ok(HttpClient {
            inner,
            cautious,
            media,
            dev,
        })
    }

    pub fn check(&self, url: &Url) -> Result<(), FetchError> {
        guard::check_url(url, self.dev).map_err(FetchError::Refused)
    }

    /// POSTs an activity, signed by `signer` at this moment, to a host of the given standing.
    /// Returns the status code.
    pub async fn post_activity(
        &self,
        inbox: &Url,
        body: &str,
        signer: &Signer,
        standing: Standing,
    ) -> Result<u16, FetchError> {
        self.check(inbox)?;
        let date = cavage::http_date(Utc::now());
        let digest = super::signatures::digest::digest_header(body.as_bytes());
        let host = host_with_port(inbox);
        let target = path_and_query(inbox);
        let signature = cavage::sign(
            "POST",
            &target,
            &host,
            &date,
            Some(&digest),
            &signer.key_id,
            &signer.key,
        )
        .map_err(|e| FetchError::Invalid(e.to_string()))?;
        let client = match standing {
            Standing::Proven => &self.inner,
            Standing::Unproven => &self.cautious,
        };
        let response = client
            .post(inbox.clone())
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_static(super::ACTIVITY_JSON),
            )
            .header(header::DATE, date)
            .header("digest", digest)
            .header("signature", signature)
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| FetchError::Network(describe(&e)))?;
        Ok(response.status().as_u16())
    }

    /// GETs an ActivityPub document, signed by `signer` (servers with authorized fetch refuse
    /// unsigned requests). Use [`crate::federation::origin::fetch`] for anything that will be
    /// trusted: it checks the document's id against where it was served from.
    pub async fn get_json(&self, url: &Url, signer: &Signer) -> Result<Fetched, FetchError> {
        self.check(url)?;
        let response = signed_get(&self.inner, url, ACCEPT_ACTIVITY, signer)?
            .send()
            .await
            .map_err(|e| FetchError::Network(describe(&e)))?;
        let final_url = response.url().clone();
        let body = read_body(url, response, MAX_DOCUMENT).await?;
        let document = serde_json::from_slice(&body)
            .map_err(|e| FetchError::Invalid(format!("{url} is not JSON: {e}")))?;
        Ok(Fetched {
            url: final_url,
            document,
        })
    }
}

impl HttpClient {
    /// An unsigned GET of a text document (a published blocklist).
    pub async fn get_text(&self, url: &Url) -> Result<String, FetchError> {
        let body = self.get_unsigned(url, None, 4 * MAX_DOCUMENT).await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// An unsigned GET of a public JSON document (WebFinger).
    pub async fn get_public_json(&self, url: &Url) -> Result<Value, FetchError> {
        let accept = "application/jrd+json, application/json";
        let body = self.get_unsigned(url, Some(accept), MAX_DOCUMENT).await?;
        serde_json::from_slice(&body)
            .map_err(|e| FetchError::Invalid(format!("{url} is not JSON: {e}")))
    }

    async fn get_unsigned(
        &self,
        url: &Url,
        accept: Option<&str>,
        max: usize,
    ) -> Result<Vec<u8>, FetchError> {
        self.check(url)?;
        let mut request = self.inner.get(url.clone());
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT, accept);
        }
        let response = request
            .send()
            .await
            .map_err(|e| FetchError::Network(describe(&e)))?;
        read_body(url, response, max).await
    }
}

/// What a conditional GET of a feed found.
#[derive(Debug)]
pub enum Conditional {
    /// 304: nothing changed since the validators we sent.
    NotModified,
    Fetched {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

impl HttpClient {
    /// An unsigned conditional GET (a news feed): sends the validators of the last answer, and
    /// refuses a body past `max` bytes.
    pub async fn get_conditional(
        &self,
        url: &Url,
        accept: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        max: usize,
    ) -> Result<Conditional, FetchError> {
        self.check(url)?;
        let mut request = self.inner.get(url.clone()).header(header::ACCEPT, accept);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(since) = last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, since);
        }
        let response = request
            .send()
            .await
            .map_err(|e| FetchError::Network(describe(&e)))?;
        if response.status() == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        let header_text = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let etag = header_text(header::ETAG);
        let last_modified = header_text(header::LAST_MODIFIED);
        let body = read_body(url, response, max).await?;
        Ok(Conditional::Fetched {
            body,
            etag,
            last_modified,
        })
    }
}

/// At most three redirects, each to an address the guard allows.
fn redirects(dev: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 3 {
            attempt.error("too many redirects")
        } else if let Err(reason) = guard::check_url(attempt.url(), dev) {
            attempt.error(reason)
        } else {
            attempt.follow()
        }
    })
}

/// What every client shares: who we are, the guarded resolver, pooling, no system proxy.
fn builder(settings: &Settings, connect_timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(format!(
            "Broadsheet/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            settings.public_url
        ))
        .dns_resolver(guard::resolver(settings.dev))
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(8)
        // A system proxy (`HTTPS_PROXY`) would resolve names itself, past the address guard.
        .no_proxy()
}

/// A GET of `url` signed by `signer` at this moment (draft-cavage, as Mastodon verifies it).
pub(super) fn signed_get(
    client: &reqwest::Client,
    url: &Url,
    accept: &'static str,
    signer: &Signer,
) -> Result<reqwest::RequestBuilder, FetchError> {
    let date = cavage::http_date(Utc::now());
    let signature = cavage::sign(
        "GET",
        &path_and_query(url),
        &host_with_port(url),
        &date,
        None,
        &signer.key_id,
        &signer.key,
    )
    .map_err(|e| FetchError::Invalid(e.to_string()))?;
    Ok(client
        .get(url.clone())
        .header(header::ACCEPT, accept)
        .header(header::DATE, date)
        .header("signature", signature))
}

/// The body of a successful answer, refused past `max` bytes without reading the rest.
async fn read_body(
    url: &Url,
    mut response: reqwest::Response,
    max: usize,
) -> Result<Vec<u8>, FetchError> {
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(FetchError::Status {
            url: url.to_string(),
            status,
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Network(describe(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(FetchError::Invalid(format!(
                "{url} is larger than {max} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// reqwest's Display hides the cause ("error sending request"); the chain says what happened.
pub(super) fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
