//! A reader's story page with media in replies, in the browser (`tests/browser/media.mjs`): a
//! sensitive image hidden until its warning is clicked, a grid of three, alt text everywhere,
//! and no Content-Security-Policy violation although the images were posted on another server.

use broadsheet::domain::reply::presentation::MediaKind;
use serde_json::Value;

use super::{app_with_editor, browser_installed, scenario};
use crate::{
    as_shown::{Posted, media, posted, with_media},
    helpers::{STORY, TestApp},
    peer::Peer,
};

/// A server of PNG images at any `/{name}.png`, where a reply's author keeps its media.
async fn image_server() -> String {
    let png: &'static [u8] = include_bytes!("../../../static/icon.png");
    let app = axum::Router::new().route(
        "/{name}",
        axum::routing::get(move || async move { ([("content-type", "image/png")], png) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    base
}

/// The images a step reported.
fn images(step: &Value) -> Vec<Value> {
    step["images"].as_array().cloned().unwrap_or_default()
}

/// One reply with a sensitive image, one with three images, all kept on an image server.
async fn post_media(app: &TestApp, peer: &Peer) {
    let files = image_server().await;
    let image =
        |name: &str, alt: &str| media(&format!("{files}/{name}.png"), MediaKind::Image, Some(alt));
    let sensitive = Posted {
        sensitive: true,
        ..Default::default()
    };
    let hidden = with_media(vec![image("hidden", "A picture some would rather not see")]);
    posted(app, peer, "sensitive", hidden, sensitive).await;
    let grid = with_media(vec![
        image("one", "The first"),
        image("two", "The second"),
        image("three", "The third"),
    ]);
    posted(app, peer, "grid", grid, Posted::default()).await;
}

#[tokio::test]
async fn a_reader_opens_sensitive_media_and_sees_a_grid() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let peer = Peer::start().await;
    post_media(&app, &peer).await;

    let steps = scenario(&app, "media", &[("story", STORY)]).await;
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name && s["ok"] == true)
            .unwrap_or_else(|| panic!("{name}: {steps:?}"))
            .clone()
    };
    let shown = images(&step("sensitive media shown on click"));
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0]["alt"], "A picture some would rather not see");
    let cells = images(&step("grid of images"));
    let alts: Vec<&str> = cells.iter().filter_map(|c| c["alt"].as_str()).collect();
    assert_eq!(alts, ["The first", "The second", "The third"]);

    // Once the media proxy serves them, the browser shows the pixels too.
    let src = cells[0]["src"].as_str().unwrap();
    assert!(src.starts_with("/media/"), "{src}");
    let proxied = app.client.get(app.url(src)).send().await.unwrap();
    if proxied.status().is_success() {
        for image in shown.iter().chain(&cells) {
            assert_eq!(image["loaded"], true, "not loaded in the browser: {image}");
        }
    }
}
