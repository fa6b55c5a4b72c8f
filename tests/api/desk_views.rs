//! The desk's views: Recent lists every published reply across stories, newest first, live
//! while open, and hides, blocks or features one in one action; Featured lists the picks; the
//! JSON API lists the same. Only a logged-in editor sees them or their live stream.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    admin::login,
    helpers::{STORY, TestApp, WAIT, html},
    peer::Peer,
    picks::{open_app, reply_id},
};

/// A second story, and a reply to it from `peer`; its row id.
async fn reply_elsewhere(app: &TestApp, token: &str, peer: &Peer, text: &str) -> i64 {
    let story = app
        .publish(
            token,
            json!({ "title": "Bridge reopens", "body": "After two years." }),
        )
        .await;
    let url = story["url"].as_str().unwrap();
    let note = peer.note("walker", "bridge", url, &format!("<p>{text}</p>"));
    let status = peer
        .send("walker", &app.url("/inbox"), &peer.create(&note))
        .await
        .status();
    assert_eq!(status, 202);
    reply_id(app, note["id"].as_str().unwrap()).await
}

fn rows(page: &str) -> Vec<i64> {
    let doc = html(page);
    let selector = scraper::Selector::parse("ul.desk > li").unwrap();
    doc.select(&selector)
        .filter_map(|li| li.value().attr("data-reply")?.parse().ok())
        .collect()
}

async fn api_list(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.api(Method::GET, &format!("/replies{query}"), token)
        .await
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn recent_lists_new_replies_from_every_story_and_hides_one_in_one_action() {
    let app = open_app().await;
    let token = app.token();
    let editor = login(&app).await;
    let peer = Peer::start().await;
    assert_eq!(
        app.reply_from(&peer, "reader", "here", "On the sample story")
            .await
            .status(),
        202
    );
    let here = reply_id(&app, &format!("{}/notes/here", peer.base)).await;
    let there = reply_elsewhere(&app, &token, &peer, "On the bridge story").await;

    let page = editor
        .get(&app, "/admin/moderation/recent")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&page), [there, here], "newest first, across stories");
    assert!(
        page.contains("Bridge reopens") && page.contains("On the bridge story"),
        "{page}"
    );
    for tab in ["Held", "Recent", "Reported", "Featured"] {
        assert!(page.contains(&format!(">{tab}</a>")), "tab {tab}");
    }
    assert!(page.contains("aria-current=\"page\">Recent<"), "{page}");
    assert!(page.contains("src=\"/static/desk.js\""), "{page}");
    let api: Value = api_list(&app, &token, "?state=published&sort=newest")
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<i64> = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [there, here]);

    // Hide, from the row's own button: gone from Recent and from the story page.
    let hidden = editor
        .post(&app, &format!("/admin/replies/{here}/hide"), &[])
        .await;
    assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
    let page = editor
        .get(&app, "/admin/moderation/recent")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&page), [there]);
    assert!(!app.story_page().await.contains("On the sample story"));

    // Feature, from the row: on the Featured tab, credited to the editor.
    let featured = editor
        .post(&app, &format!("/admin/replies/{there}/feature"), &[])
        .await;
    assert_eq!(featured.status(), StatusCode::SEE_OTHER);
    let page = editor
        .get(&app, "/admin/moderation/featured")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&page), [there]);
    assert!(page.contains("Unfeature"), "{page}");
    let api: Value = api_list(&app, &token, "?featured=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["items"][0]["id"], there);
    assert_eq!(api["items"][0]["featured_by"], "editor");

    // Block the author, from the row: their replies leave the desk's list.
    let blocked = editor
        .post(&app, &format!("/admin/replies/{there}/block"), &[])
        .await;
    assert_eq!(blocked.status(), StatusCode::SEE_OTHER);
    let blocks: Value = app
        .api(Method::GET, "/blocks", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        blocks.to_string().contains(&peer.actor("walker")),
        "{blocks}"
    );
}

#[tokio::test]
async fn the_desk_and_its_stream_need_an_editor_and_its_forms_their_token() {
    let app = open_app().await;
    let token = app.token();
    for path in [
        "/admin/moderation/recent",
        "/admin/moderation/featured",
        "/admin/moderation/live",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], "/admin/login");
    }
    let editor = login(&app).await;
    let peer = Peer::start().await;
    assert_eq!(
        app.reply_from(&peer, "reader", "kept", "Kept as it is")
            .await
            .status(),
        202
    );
    let id = reply_id(&app, &format!("{}/notes/kept", peer.base)).await;
    for action in ["feature", "unfeature", "block", "hide"] {
        let forged = app
            .client
            .post(app.url(&format!("/admin/replies/{id}/{action}")))
            .header("cookie", &editor.cookie)
            .form(&[("csrf", "not-the-token")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{action}");
    }
    let api: Value = api_list(&app, &token, "").await.json().await.unwrap();
    assert_eq!(
        api["items"][0]["featured_at"],
        Value::Null,
        "nothing changed"
    );
    for bad in ["?state=held", "?sort=oldest"] {
        let response = api_list(&app, &token, bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let page = app.story_page().await;
    assert!(page.contains("Kept as it is"));
}

#[tokio::test]
async fn the_desk_stream_sends_a_new_reply_from_any_story_as_its_row() {
    let app = open_app().await;
    let token = app.token();
    let editor = login(&app).await;
    let mut stream = app
        .client
        .get(app.url("/admin/moderation/live"))
        .header("cookie", &editor.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"),
        "{:?}",
        stream.headers()
    );
    let peer = Peer::start().await;
    let id = reply_elsewhere(&app, &token, &peer, "Straight to the desk").await;

    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !(seen.contains("event: reply") && seen.contains("Straight to the desk")) {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(!left.is_zero(), "no desk update arrived: {seen}");
        if let Ok(Ok(Some(chunk))) =
            tokio::time::timeout(left.min(Duration::from_secs(1)), stream.chunk()).await
        {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    assert!(seen.contains(&format!("desk-{id}")), "{seen}");
    assert!(
        seen.contains(&format!("/admin/replies/{id}/hide")),
        "{seen}"
    );
    let _ = STORY;
}
