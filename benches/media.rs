//! The media proxy answering from its cache: what a story page read by thousands costs once its
//! images are fetched.
//!
//! One Broadsheet server runs in this process as the API tests start it, beside a tiny file
//! server on another loopback port that serves `BENCH_FILES` distinct PNG files of
//! `BENCH_FILE_BYTES` bytes each. Every file is requested once through the proxy (a miss: the
//! remote fetch, the sniff, the write to disk), then `BENCH_REQUESTS` requests spread over the
//! files are sent from `BENCH_CLIENTS` concurrent connections, all answered from the cache. It
//! prints the misses' median, and the hits' throughput and latency percentiles, and checks the
//! file server saw one request per file. The client shares the process and its cores with the
//! server.
//!
//! ```sh
//! cargo bench --bench media
//! ```
//!
//! Knobs (environment; arguments are ignored): `BENCH_FILES` (100), `BENCH_FILE_BYTES` (51200),
//! `BENCH_REQUESTS` (20000), `BENCH_CLIENTS` (32), `BENCH_LOG` (`warn`); `BENCH_QUICK=1`: a smoke
//! run of a few seconds (20 files, 1,000 requests, unless set).

#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
mod support;
use support::{cpu_by_thread_group, cpu_delta, env_or, ms, server::Server, size, status_mib};

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

struct Origin {
    body: Vec<u8>,
    requests: AtomicUsize,
}

async fn file(State(origin): State<Arc<Origin>>) -> impl IntoResponse {
    origin.requests.fetch_add(1, Ordering::Relaxed);
    ([(header::CONTENT_TYPE, "image/png")], origin.body.clone())
}

async fn start_origin(bytes: usize) -> (String, Arc<Origin>) {
    let mut body = PNG_SIGNATURE.to_vec();
    body.resize(bytes.max(PNG_SIGNATURE.len()), 7);
    let origin = Arc::new(Origin {
        body,
        requests: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/{name}", get(file))
        .with_state(origin.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (base, origin)
}

/// Proxied paths for `count` files, signed with the server's own key.
async fn paths(server: &Server, base: &str, count: usize) -> Vec<String> {
    let db = sea_orm::Database::connect(&server.database_url)
        .await
        .unwrap();
    let instance = broadsheet::domain::actor::instance_actor(&db)
        .await
        .unwrap();
    db.close().await.ok();
    let key = broadsheet::federation::context::media_key(&instance.private_key_pem);
    (0..count)
        .map(|i| {
            let remote = format!("{base}/file-{i}.png").parse().unwrap();
            broadsheet::http::media::proxied_with(&key, &remote)
        })
        .collect()
}

async fn timed_get(client: &reqwest::Client, url: &str, bytes: usize) -> Duration {
    let started = Instant::now();
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(response.bytes().await.unwrap().len(), bytes);
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> String {
    let index = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    let value = sorted.get(index).copied().unwrap_or_default();
    format!("{:.0} µs", value.as_secs_f64() * 1e6)
}

/// `requests` hits over `urls` from `clients` concurrent tasks: (wall time, every latency).
async fn hits(
    urls: Arc<Vec<String>>,
    requests: usize,
    clients: usize,
    bytes: usize,
) -> (Duration, Vec<Duration>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, urls, next) = (client.clone(), urls.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        return latencies;
                    }
                    latencies.push(timed_get(&client, &urls[i % urls.len()], bytes).await);
                }
            })
        })
        .collect();
    let mut all = Vec::with_capacity(requests);
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    (started.elapsed(), all)
}

#[tokio::main]
async fn main() {
    let files = size("BENCH_FILES", 100, 20);
    let bytes = env_or("BENCH_FILE_BYTES", 51_200usize);
    let requests = size("BENCH_REQUESTS", 20_000, 1000);
    let clients = env_or("BENCH_CLIENTS", 32usize);
    let log = std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into());
    broadsheet::telemetry::init(&broadsheet::config::LogSettings {
        format: broadsheet::config::LogFormat::Text,
        filter: log,
    });
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cache = tempfile::tempdir().unwrap();
    let (base, origin) = start_origin(bytes).await;
    let cache_dir = cache.path().join("media");
    let server = Server::start(|settings| {
        settings.publication.sample_story = false;
        settings.media.dir = cache_dir.clone();
        format!("media cache in {}", cache_dir.display())
    })
    .await;
    let urls: Vec<String> = paths(&server, &base, files)
        .await
        .iter()
        .map(|path| server.url(path))
        .collect();
    let client = reqwest::Client::new();
    let mut misses = Vec::new();
    for url in &urls {
        misses.push(timed_get(&client, url, bytes).await);
    }
    misses.sort();
    println!(
        "misses: {files} files of {bytes} bytes, one at a time: p50 {}",
        percentile(&misses, 0.5)
    );
    let cpu_before = cpu_by_thread_group();
    let (wall, mut latencies) = hits(Arc::new(urls), requests, clients, bytes).await;
    let cpu: Vec<String> = cpu_delta(&cpu_before, &cpu_by_thread_group())
        .iter()
        .map(|(group, time)| format!("{group} {}", ms(*time)))
        .collect();
    latencies.sort();
    let rate = requests as f64 / wall.as_secs_f64();
    println!(
        "hits: {requests} requests from {clients} connections in {:.2} s: {rate:.0}/s ({:.0} MiB/s); p50 {}, p99 {}, max {}",
        wall.as_secs_f64(),
        rate * bytes as f64 / (1024.0 * 1024.0),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    println!("database: {}", server.backend);
    let fetched = origin.requests.load(Ordering::Relaxed);
    println!(
        "CPU during the hits (server and client together): {}",
        cpu.join(", ")
    );
    println!(
        "remote fetches: {fetched} for {files} files; peak RSS {:.0} MiB",
        status_mib("VmHWM")
    );
    println!(
        "\nBENCH media: misses p50 {}; hits {rate:.0}/s, p50 {}, p99 {}; {fetched} fetches for {files} files; peak RSS {:.0} MiB",
        percentile(&misses, 0.5),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        status_mib("VmHWM")
    );
    assert_eq!(fetched, files, "every hit came from the cache");
    server.shutdown().await;
}
