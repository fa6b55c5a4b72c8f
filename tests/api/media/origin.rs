//! A fake file server on its own loopback port: the remote end of the media proxy's tests. It
//! counts requests per path, so a test can tell a cached answer from a fetch.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use futures_util::stream;
use url::Url;

/// A 1×1 transparent PNG, byte for byte.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";
pub const MAX_FILE: u64 = 64 * 1024;

/// A PNG padded to `len` bytes: real bytes to sniff, a size to count.
fn png_of(len: usize) -> Vec<u8> {
    let mut body = PNG.to_vec();
    body.resize(len, 0);
    body
}

#[derive(Default)]
pub struct Files {
    /// Requests per path.
    hits: Mutex<HashMap<String, usize>>,
    /// Where `/home.png` redirects: the app under test.
    pub home: Mutex<String>,
}

pub struct Origin {
    pub base: String,
    pub files: Arc<Files>,
}

impl Origin {
    pub async fn start() -> Origin {
        let files = Arc::new(Files::default());
        let app = Router::new()
            .route("/{name}", get(file))
            .with_state(files.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Origin { base, files }
    }

    pub fn url(&self, name: &str) -> Url {
        format!("{}/{name}", self.base).parse().unwrap()
    }

    pub fn hits(&self, name: &str) -> usize {
        let hits = self.files.hits.lock().unwrap();
        hits.get(&format!("/{name}")).copied().unwrap_or(0)
    }
}

async fn file(State(files): State<Arc<Files>>, Path(name): Path<String>) -> Response {
    *files
        .hits
        .lock()
        .unwrap()
        .entry(format!("/{name}"))
        .or_default() += 1;
    let png = [(header::CONTENT_TYPE, "image/png")];
    match name.as_str() {
        "cat.png" => (png, PNG).into_response(),
        "slow-cat.png" => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            (png, PNG).into_response()
        }
        "page.png" => (png, "<!doctype html><script>alert(1)</script>").into_response(),
        "drawing.svg" => (
            [(header::CONTENT_TYPE, "image/svg+xml")],
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        )
            .into_response(),
        "big.png" => (png, png_of(MAX_FILE as usize + 1)).into_response(),
        "big-stream.png" => {
            // No Content-Length: the limit must hold while reading.
            let chunks = (0..20).map(|_| Ok::<_, Infallible>(Bytes::from(png_of(8192))));
            (png, Body::from_stream(stream::iter(chunks))).into_response()
        }
        "drip.png" => (png, Body::from_stream(drip())).into_response(),
        "moved.png" => (StatusCode::FOUND, [(header::LOCATION, "/cat.png")]).into_response(),
        "home.png" => {
            let home = files.home.lock().unwrap().clone();
            (StatusCode::FOUND, [(header::LOCATION, home)]).into_response()
        }
        other => match other.strip_prefix("kb-") {
            Some(_) => (png, png_of(1000)).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
    }
}

/// A PNG that arrives a byte every 100 ms: 20 seconds for the whole of it.
fn drip() -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> {
    stream::unfold(0usize, |sent| async move {
        if sent >= 200 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let byte = png_of(200)[sent];
        Some((Ok(Bytes::from(vec![byte])), sent + 1))
    })
}
