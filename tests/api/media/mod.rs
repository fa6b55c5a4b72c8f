//! The media proxy against a fake file server on another loopback port: what it serves and with
//! which headers, what it refuses, that it fetches each file once (and once for many readers at
//! the same moment), evicts within its cap and serves from its cache after a restart.

mod origin;

use std::time::{Duration, Instant};

use url::Url;

use crate::helpers::{TestApp, spawn_app_with, spawn_on};
use origin::{MAX_FILE, Origin, PNG};

/// The proxied path for `remote`, signed with the app's own key (read as the app derives it).
async fn proxied(app: &TestApp, remote: &Url) -> String {
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    let instance = broadsheet::domain::actor::instance_actor(&db)
        .await
        .unwrap();
    db.close().await.ok();
    let key = broadsheet::federation::context::media_key(&instance.private_key_pem);
    broadsheet::http::media::proxied_with(&key, remote)
}

async fn fetch(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

fn small_files(settings: &mut broadsheet::config::Settings) {
    settings.media.max_file_bytes = MAX_FILE;
    settings.media.fetch_timeout_secs = 1;
}

#[tokio::test]
async fn an_image_is_served_from_our_origin_and_fetched_once() {
    let origin = Origin::start().await;
    let app = spawn_app_with(small_files).await;
    let path = proxied(&app, &origin.url("cat.png")).await;
    for _ in 0..3 {
        let response = fetch(&app, &path).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'none'; sandbox"
        );
        assert_eq!(headers["content-disposition"], "inline");
        assert_eq!(response.bytes().await.unwrap(), PNG);
    }
    assert_eq!(
        origin.hits("cat.png"),
        1,
        "later readers are served from the cache"
    );

    // Many readers of a page at once, before anything is cached: still one fetch.
    let path = proxied(&app, &origin.url("slow-cat.png")).await;
    let readers = (0..12).map(|_| fetch(&app, &path));
    for response in futures_util::future::join_all(readers).await {
        assert_eq!(response.status(), 200);
    }
    assert_eq!(origin.hits("slow-cat.png"), 1);

    // A redirect to another file on the same server is followed.
    let path = proxied(&app, &origin.url("moved.png")).await;
    let response = fetch(&app, &path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap(), PNG);
}

#[tokio::test]
async fn only_urls_our_pages_link_to_are_served() {
    let origin = Origin::start().await;
    let app = spawn_app_with(small_files).await;
    let path = proxied(&app, &origin.url("cat.png")).await;
    let (_, rest) = path.trim_start_matches("/media/").split_once('/').unwrap();
    let forged = format!("/media/{}/{rest}", "ab".repeat(32));
    assert_eq!(fetch(&app, &forged).await.status(), 404);
    let other = proxied(&app, &origin.url("page.png")).await;
    let (signature, _) = path.trim_start_matches("/media/").split_once('/').unwrap();
    let (_, other_rest) = other.trim_start_matches("/media/").split_once('/').unwrap();
    let swapped = format!("/media/{signature}/{other_rest}");
    assert_eq!(fetch(&app, &swapped).await.status(), 404);
    assert_eq!(fetch(&app, "/media/zz/%%%").await.status(), 404);
    assert_eq!(origin.hits("cat.png") + origin.hits("page.png"), 0);
}

#[tokio::test]
async fn what_is_not_media_or_too_big_or_too_slow_is_refused() {
    let origin = Origin::start().await;
    let app = spawn_app_with(small_files).await;
    for (name, status) in [
        ("page.png", 415),
        ("drawing.svg", 415),
        ("big.png", 502),
        ("big-stream.png", 502),
        ("missing.png", 502),
    ] {
        let path = proxied(&app, &origin.url(name)).await;
        let response = fetch(&app, &path).await;
        assert_eq!(response.status(), status, "{name}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        // The refusal is remembered: a busy page does not ask again for every reader.
        assert_eq!(fetch(&app, &path).await.status(), status, "{name}");
        assert_eq!(origin.hits(name), 1, "{name}");
    }
    let path = proxied(&app, &origin.url("drip.png")).await;
    let started = Instant::now();
    assert_eq!(fetch(&app, &path).await.status(), 504);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "cut off after the deadline"
    );
}

#[tokio::test]
async fn our_own_host_is_never_fetched_even_through_a_redirect() {
    let origin = Origin::start().await;
    let app = spawn_app_with(small_files).await;
    let own = app.url("/static/icon.png");
    *origin.files.home.lock().unwrap() = own.clone();
    let path = proxied(&app, &origin.url("home.png")).await;
    assert_eq!(fetch(&app, &path).await.status(), 403);
    assert_eq!(origin.hits("home.png"), 1);
    let path = proxied(&app, &own.parse().unwrap()).await;
    assert_eq!(fetch(&app, &path).await.status(), 403);
}

#[tokio::test]
async fn internal_addresses_are_refused_outside_development_mode() {
    let origin = Origin::start().await;
    let app = spawn_app_with(|s| {
        small_files(s);
        s.dev = false;
    })
    .await;
    let port = origin.url("cat.png").port().unwrap();
    for remote in [
        origin.base.clone(),
        format!("https://127.0.0.1:{port}"),
        format!("https://localhost:{port}"),
        "https://10.0.0.1".to_string(),
        "https://169.254.169.254/latest/meta-data".to_string(),
    ] {
        let remote: Url = format!("{remote}/cat.png").parse().unwrap();
        let path = proxied(&app, &remote).await;
        assert_eq!(fetch(&app, &path).await.status(), 403, "{remote}");
    }
    assert_eq!(origin.hits("cat.png"), 0);
}

#[tokio::test]
async fn the_cache_keeps_within_its_cap_and_survives_a_restart() {
    let origin = Origin::start().await;
    // Room for two of the 1,000-byte files, not three.
    let cap = |s: &mut broadsheet::config::Settings| {
        small_files(s);
        s.media.max_file_bytes = 1200;
        s.media.max_bytes = 2500;
    };
    let app = spawn_app_with(cap).await;
    let mut paths = Vec::new();
    for name in ["kb-a", "kb-b", "kb-c"] {
        paths.push(proxied(&app, &origin.url(name)).await);
    }
    let nth = |i: usize| fetch(&app, &paths[i]);
    let step = || tokio::time::sleep(Duration::from_millis(30));
    assert_eq!(nth(0).await.status(), 200);
    step().await;
    assert_eq!(nth(1).await.status(), 200);
    step().await;
    assert_eq!(
        nth(0).await.status(),
        200,
        "a is used again: b is now the oldest"
    );
    step().await;
    assert_eq!(nth(2).await.status(), 200);
    step().await;
    assert_eq!(nth(0).await.status(), 200);
    assert_eq!(nth(2).await.status(), 200);
    assert_eq!((origin.hits("kb-a"), origin.hits("kb-c")), (1, 1));
    assert_eq!(nth(1).await.status(), 200);
    assert_eq!(origin.hits("kb-b"), 2, "b was evicted, so fetched again");

    let (dir, database_url) = app.stop().await;
    let app = spawn_on(dir, database_url, cap).await;
    let path = proxied(&app, &origin.url("kb-b")).await;
    assert_eq!(fetch(&app, &path).await.status(), 200);
    assert_eq!(
        origin.hits("kb-b"),
        2,
        "served from the cache after the restart"
    );
}
