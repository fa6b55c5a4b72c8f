//! `GET /media/{signature}/{encoded}`: a file our pages link to, from the cache or fetched.
//! Served with the type its bytes show, cacheable for a year (the URL names one remote file and
//! never changes meaning), and with headers that keep a browser from treating it as a page:
//! `nosniff`, a sandboxing policy that allows nothing, `inline`.

use std::sync::Arc;

use activitypub_federation::config::Data;
use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{cache::Cached, proxy::Proxy, remote_of};
use crate::state::AppState;

/// A year: the longest lifetime caches honour.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
const NOTHING_RUNS: &str = "default-src 'none'; sandbox";

pub async fn serve(
    data: Data<AppState>,
    State(proxy): State<Arc<Proxy>>,
    Path((signature, encoded)): Path<(String, String)>,
) -> Response {
    let Some(remote) = remote_of(&data.federation.media_key, &signature, &encoded) else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    match proxy.get(&data.federation, &remote).await {
        Ok(file) => media(file),
        Err(refusal) => plain(refusal.status, refusal.reason),
    }
}

fn media(file: Cached) -> Response {
    let mut response = file.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_FOREVER),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    protect(response)
}

/// A refusal, in words; not cached by browsers, since the remote file may be fixed.
fn plain(status: StatusCode, reason: &'static str) -> Response {
    let mut response = (status, reason).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    protect(response)
}

fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(NOTHING_RUNS),
    );
    response
}
