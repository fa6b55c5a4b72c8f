//! The embedded conversation in the browser (`tests/browser/embed.mjs`): a newsroom's article
//! page on another origin, with a strict policy of its own, carries the one-line snippet; the
//! conversation appears in it threaded, a reply sent after the page loaded appears live, the
//! frame's height follows its content, a story the feed brings after the page opened fills an
//! open embed, a page on an origin not allowed cannot frame it, and an article list shows the
//! reply count.

use std::{path::Path, process::Command, time::Duration};

use serde_json::{Value, json};

use super::{browser_dir, browser_installed};
use crate::{
    feeds::{
        imported,
        newsroom::{Newsroom, article},
        polling_app, subscribe,
    },
    peer::Peer,
};

async fn wait_for_file(path: &Path) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_newsrooms_article_page_shows_the_live_conversation() {
    if !browser_installed() {
        return;
    }
    let newsroom = Newsroom::start().await;
    let elsewhere = Newsroom::start().await;
    newsroom.add_rss(article("bridge", "The bridge opens", chrono::Utc::now()));
    let app = polling_app().await;
    newsroom.embed_from(&app.address);
    elsewhere.embed_from(&app.address);
    elsewhere.embed_articles_of(&newsroom.base);
    let token = app.token();
    subscribe(&app, &token, json!({"url": newsroom.url("/rss.xml")})).await;
    let story = imported(&app, &token, &newsroom.link("bridge")).await;
    let ap_id = story["url"].as_str().unwrap().to_string();
    let peer = Peer::start().await;
    let first = peer.note("reader", "first", &ap_id, "<p>Finally a bridge</p>");
    assert_eq!(
        peer.send("reader", &app.url("/inbox"), &peer.create(&first))
            .await
            .status(),
        202
    );
    let answer = peer.note(
        "other",
        "answer",
        first["id"].as_str().unwrap(),
        "<p>It took ten years</p>",
    );
    assert_eq!(
        peer.send("other", &app.url("/inbox"), &peer.create(&answer))
            .await
            .status(),
        202
    );
    app.inbox_jobs_drained().await;

    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let later_ready = dir.path().join("later-ready");
    let text = "Sent while the article was open";
    // The other newsroom's page embeds the same article: its origin is not allowed.
    let refused = elsewhere.url("/articles/bridge");
    let list = newsroom.url("/list/bridge");
    let mut command = Command::new("node");
    command.current_dir(browser_dir()).arg("embed.mjs").args([
        "--article",
        &newsroom.link("bridge"),
        "--text",
        text,
        "--ready-file",
        ready.to_str().unwrap(),
        "--later",
        &newsroom.link("ferry"),
        "--later-title",
        "The ferry returns",
        "--later-ready-file",
        later_ready.to_str().unwrap(),
        "--refused",
        &refused,
        "--list",
        &list,
    ]);
    let browser = tokio::task::spawn_blocking(move || command.output());
    let driver = async {
        wait_for_file(&ready).await;
        let live = peer.note("reader", "live", &ap_id, &format!("<p>{text}</p>"));
        assert_eq!(
            peer.send("reader", &app.url("/inbox"), &peer.create(&live))
                .await
                .status(),
            202
        );
        wait_for_file(&later_ready).await;
        newsroom.add_rss(article("ferry", "The ferry returns", chrono::Utc::now()));
    };
    let (out, ()) = tokio::join!(browser, driver);
    let out = out.unwrap().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the embed scenario failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    let steps: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let badge = steps
        .iter()
        .find(|s| s["step"] == "reply count badge" && s["ok"] == true)
        .unwrap_or_else(|| panic!("no reply count badge: {stdout}"));
    assert_eq!(
        badge["text"], "3 replies",
        "two before the page opened, one live"
    );
    for name in [
        "conversation threaded",
        "height follows content",
        "reply appears live",
        "imported story appears in the open embed",
        "origin not allowed cannot frame it",
        "content security policy",
    ] {
        assert!(
            steps.iter().any(|s| s["step"] == name && s["ok"] == true),
            "{name}: {stdout}"
        );
    }
}
