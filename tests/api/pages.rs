//! Public pages: front page, author and tag pages, the Atom feed, and what hostile input becomes.

use serde_json::json;

use crate::helpers::{html, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_first_start_shows_the_sample_story_on_the_front_page() {
    let app = spawn_app().await;
    let response = app.get_html("/").await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("Welcome to your newsroom on the fediverse"));
    assert!(
        body.contains(&format!("@news@{}", app.domain)),
        "the handle to follow is shown"
    );
    assert!(
        body.contains("href=\"http://127.0.0.1"),
        "links are absolute"
    );
}

#[tokio::test]
async fn the_sample_story_can_be_turned_off() {
    let app = spawn_app_with(|s| s.publication.sample_story = false).await;
    assert_eq!(app.story_count().await, 0);
    let body = app.get_html("/").await.text().await.unwrap();
    assert!(body.contains("No stories yet."));
}

#[tokio::test]
async fn the_front_page_is_paged_newest_first() {
    let app = spawn_app_with(|s| {
        s.publication.sample_story = false;
        s.web.page_size = 2;
    })
    .await;
    let token = app.token();
    for n in 1..=3 {
        app.publish(
            &token,
            json!({"title": format!("Story number {n}"), "body": "Text."}),
        )
        .await;
    }
    let first = app.get_html("/").await.text().await.unwrap();
    assert!(first.contains("Story number 3") && first.contains("Story number 2"));
    assert!(!first.contains("Story number 1"));
    assert!(first.contains("href=\"/?page=2\""));
    let second = app.get_html("/?page=2").await.text().await.unwrap();
    assert!(second.contains("Story number 1"));
    assert!(second.contains("href=\"/?page=1\""));
    assert_eq!(app.get_html("/?page=abc").await.status(), 400);
}

#[tokio::test]
async fn author_and_tag_pages_list_their_stories() {
    let app = spawn_app().await;
    let token = app.token();
    app.publish(&token, json!({"title": "Harbour reopens", "body": "Boats.", "authors": ["Ana Ruiz"], "tags": ["Harbour"]})).await;
    app.publish(
        &token,
        json!({"title": "Storm ahead", "body": "Wind.", "authors": ["Bo Li"], "tags": ["Weather"]}),
    )
    .await;

    let author = app.get_html("/@ana_ruiz").await;
    assert_eq!(author.status(), 200);
    let author = author.text().await.unwrap();
    assert!(author.contains("Ana Ruiz") && author.contains("Harbour reopens"));
    assert!(!author.contains("Storm ahead"));

    let tag = app.get_html("/tags/Weather").await.text().await.unwrap();
    assert!(tag.contains("Storm ahead") && !tag.contains("Harbour reopens"));

    // The publication's profile is the front page.
    let publication = app.get_html("/@news").await;
    assert_eq!(publication.status(), 303);
}

#[tokio::test]
async fn the_atom_feed_carries_new_stories() {
    let app = spawn_app().await;
    let token = app.token();
    let story = app.publish(&token, json!({"title": "Bridge <closed> & rerouted", "body": "Detours *apply*.", "authors": ["Ana Ruiz"], "tags": ["Traffic"]})).await;
    let response = app.client.get(app.url("/feed.atom")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = response.text().await.unwrap();
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains(&format!("<id>{}</id>", story["url"].as_str().unwrap())));
    assert!(
        feed.contains("<title>Bridge &lt;closed&gt; &amp; rerouted</title>"),
        "{feed}"
    );
    assert!(
        feed.contains("&lt;em&gt;apply&lt;/em&gt;"),
        "content is escaped HTML"
    );
    assert!(feed.contains("<name>Ana Ruiz</name>"));
    assert!(feed.contains("<category term=\"Traffic\">"));
}

#[tokio::test]
async fn hostile_html_in_a_story_never_reaches_the_page() {
    let app = spawn_app().await;
    let token = app.token();
    let story = app
        .publish(
            &token,
            json!({
                "title": "<script>alert('title')</script>Headline",
                "body": "Text <script>alert(1)</script><img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">link</a><style>body{display:none}</style>",
                "authors": ["<b>Mallory</b>"]
            }),
        )
        .await;
    let page = app
        .get_html(
            story["url"]
                .as_str()
                .unwrap()
                .trim_start_matches(&app.address),
        )
        .await
        .text()
        .await
        .unwrap();
    let doc = html(&page);
    // The page's only script is our own live-update file.
    let scripts =
        scraper::Selector::parse("script:not([src=\"/static/live.js\"]), style, [onerror]")
            .unwrap();
    assert_eq!(doc.select(&scripts).count(), 0, "{page}");
    assert!(!page.contains("javascript:"));
    assert!(
        page.contains("&lt;script&gt;alert('title')&lt;/script&gt;Headline")
            || page.contains("&lt;script&gt;alert(&#39;title&#39;)")
    );
    assert!(page.contains("&lt;b&gt;Mallory&lt;/b&gt;"));
}
