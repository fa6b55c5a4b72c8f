//! Feed import: a newsroom's RSS and Atom feeds (served by the test on another port) become
//! stories once each; the back catalogue is stored without deliveries, news reaches followers
//! with the article's own address as its `url`, an edited entry is sent as `Update`; a broken
//! feed shows its error in the API and the admin. Canonical URLs: unique, findable, validated.

mod canonical;
pub mod newsroom;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use self::newsroom::{Article, Newsroom, article};
use crate::{
    admin::login,
    helpers::{TestApp, WAIT, count, spawn_app_with},
    peer::Peer,
};

/// A server that polls its feeds every second.
pub async fn polling_app() -> TestApp {
    spawn_app_with(|s| s.feeds.poll_interval_secs = 1).await
}

/// The story whose canonical URL is `url`, through `GET /api/v1/stories?canonical_url=`.
pub async fn story_at(app: &TestApp, token: &str, url: &str) -> Option<Value> {
    let page: Value = app
        .api(Method::GET, "/stories", token)
        .await
        .query(&[("canonical_url", url)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().first().cloned()
}

/// Waits for the story of `url` to be imported.
pub async fn imported(app: &TestApp, token: &str, url: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(found) = story_at(app, token, url).await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{url} was never imported"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Subscribes through the API; returns the feed's JSON.
pub async fn subscribe(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app
        .api(Method::POST, "/feeds", token)
        .await
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn feed_when(app: &TestApp, token: &str, id: i64, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let feed: Value = app
            .api(Method::GET, &format!("/feeds/{id}"), token)
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if pred(&feed) {
            return feed;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "feed never matched: {feed}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn poll_now(app: &TestApp, token: &str, id: i64) {
    let response = app
        .api(Method::POST, &format!("/feeds/{id}/poll"), token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
}

fn long_ago(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 3, day, 9, 0, 0).unwrap()
}

#[tokio::test]
async fn a_newsroom_feed_becomes_stories_and_only_news_reaches_followers() {
    // Arrange: the newsroom's back catalogue, and a follower of the publication.
    let newsroom = Newsroom::start().await;
    newsroom.add_rss(Article {
        image: Some((newsroom.url("/img/bridge.jpg"), "The bridge at dusk".into())),
        ..article("bridge", "The bridge opens", long_ago(1))
    });
    newsroom.add_rss(Article {
        author: String::new(),
        ..article("budget", "Budget passes", long_ago(2))
    });
    newsroom.add_atom(Article {
        author: "Bo Li".into(),
        html: "<p>Keep the pier.</p><img src=\"/img/pier.jpg\" alt=\"Waves on the pier\">".into(),
        ..article("pier", "Save the pier", long_ago(3))
    });
    let app = polling_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let (_, answer) = peer
        .follow("reader", &app.url("/@news"), &app.url("/inbox"))
        .await;
    assert_eq!(answer.status(), 202);
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    let db = app.db().await;
    let accepted = count(&db, "SELECT COUNT(*) FROM deliveries").await;

    // Act: subscribe to the RSS feed by the API, the Atom feed by the CLI.
    let rss = subscribe(
        &app,
        &token,
        json!({"url": newsroom.url("/rss.xml"), "authors": ["The Desk"]}),
    )
    .await;
    let out = app
        .cli_async(&["feeds", "add", &newsroom.url("/atom.xml")])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Assert: each entry is a story with the entry's fields, its HTML cleaned.
    let bridge = imported(&app, &token, &newsroom.link("bridge")).await;
    assert_eq!(bridge["title"], "The bridge opens");
    assert_eq!(bridge["canonical_url"], newsroom.link("bridge"));
    assert_eq!(bridge["authors"][0]["name"], "Ana Ruiz");
    assert_eq!(bridge["tags"], json!(["CityHall"]));
    assert_eq!(bridge["image"]["url"], newsroom.url("/img/bridge.jpg"));
    assert_eq!(bridge["image"]["alt"], "The bridge at dusk");
    assert_eq!(bridge["summary"], "The bridge opens: the whole story.");
    let html = bridge["content_html"].as_str().unwrap();
    assert!(
        html.contains("<b>whole</b>") && !html.contains("script"),
        "{html}"
    );
    assert!(html.contains("Read the full story"), "{html}");
    assert!(
        bridge["published_at"]
            .as_str()
            .unwrap()
            .starts_with("2020-03-01")
    );
    let budget = imported(&app, &token, &newsroom.link("budget")).await;
    assert_eq!(
        budget["authors"][0]["name"], "The Desk",
        "the feed's byline fills in"
    );
    let pier = imported(&app, &token, &newsroom.link("pier")).await;
    assert_eq!(pier["authors"][0]["name"], "Bo Li");
    assert_eq!(pier["image"]["url"], newsroom.url("/img/pier.jpg"));
    assert_eq!(pier["image"]["alt"], "Waves on the pier");

    // The page says where the full story is, and search engines are sent there.
    let page = app
        .get_html(&format!("/stories/{}", bridge["slug"].as_str().unwrap()))
        .await
        .text()
        .await
        .unwrap();
    let doc = crate::helpers::html(&page);
    let canonical = scraper::Selector::parse("link[rel=canonical]").unwrap();
    let href = doc.select(&canonical).next().unwrap().value().attr("href");
    assert_eq!(href, Some(newsroom.link("bridge").as_str()));
    assert!(page.contains("The full story is at"), "{page}");

    // The back catalogue was stored, not sent; later polls are conditional and import nothing.
    let deadline = tokio::time::Instant::now() + WAIT;
    while newsroom.not_modified() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no conditional GET was answered 304"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM deliveries").await,
        accepted,
        "nothing queued but the Accept"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM feed_entries").await, 3);
    assert_eq!(
        app.story_count().await,
        4,
        "the sample story and three imported"
    );
    assert!(peer.received_of("Create").is_empty());

    // News: a new entry is published to followers, its `url` the newsroom's article.
    let id = rss["id"].as_i64().unwrap();
    newsroom.add_rss(article(
        "ferry",
        "The ferry returns",
        Utc::now() + chrono::Duration::seconds(1),
    ));
    poll_now(&app, &token, id).await;
    let link = newsroom.link("ferry");
    let create = peer
        .wait_for(WAIT, |d| {
            d.body["type"] == "Create" && d.body["object"]["url"] == link
        })
        .await;
    assert_eq!(create.body["object"]["type"], "Article");
    assert_eq!(create.body["object"]["name"], "The ferry returns");

    // The newsroom corrects it: an Update, of the same story.
    newsroom.edit_rss("urn:newsroom:ferry", |a| {
        a.title = "The ferry returns on Monday".into()
    });
    poll_now(&app, &token, id).await;
    let update = peer
        .wait_for(WAIT, |d| {
            d.body["type"] == "Update" && d.body["object"]["url"] == link
        })
        .await;
    assert_eq!(update.body["object"]["name"], "The ferry returns on Monday");
    assert_eq!(update.body["object"]["id"], create.body["object"]["id"]);
    let creates = peer
        .received_of("Create")
        .into_iter()
        .filter(|d| d.body["object"]["url"] == link)
        .count();
    assert_eq!(creates, 1);
    assert_eq!(app.story_count().await, 5);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM feed_entries").await, 4);
}

#[tokio::test]
async fn a_broken_feed_shows_its_error_and_imports_nothing() {
    let newsroom = Newsroom::start().await;
    newsroom.add_rss(article("bridge", "The bridge opens", long_ago(1)));
    // Small enough that the RSS feed, one article long, is too big.
    let app = spawn_app_with(|s| {
        s.feeds.poll_interval_secs = 1;
        s.feeds.max_bytes = 400;
    })
    .await;
    let token = app.token();
    let before = app.story_count().await;

    let broken = subscribe(&app, &token, json!({"url": newsroom.url("/broken.xml")})).await;
    let page = subscribe(&app, &token, json!({"url": newsroom.url("/about")})).await;
    let gone = subscribe(&app, &token, json!({"url": newsroom.url("/missing.xml")})).await;
    let big = subscribe(&app, &token, json!({"url": newsroom.url("/rss.xml")})).await;

    for (feed, error) in [
        (&broken, "not a feed"),
        (&page, "not a feed"),
        (&gone, "404"),
        (&big, "larger than 400 bytes"),
    ] {
        let id = feed["id"].as_i64().unwrap();
        let shown = feed_when(&app, &token, id, |f| f["last_error"].is_string()).await;
        let text = shown["last_error"].as_str().unwrap();
        assert!(text.contains(error), "{text}");
        assert!(shown["last_success_at"].is_null());
        assert!(shown["failures"].as_i64().unwrap() >= 1);
        // Retried later, not at once: the back-off is past the interval.
        assert!(
            shown["next_poll_at"].as_str().unwrap() > shown["last_polled_at"].as_str().unwrap()
        );
    }
    assert_eq!(app.story_count().await, before);

    // The admin shows the same.
    let editor = login(&app).await;
    let admin = editor.get(&app, "/admin/feeds").await.text().await.unwrap();
    assert!(admin.contains(&newsroom.url("/broken.xml")), "{admin}");
    assert!(admin.contains("Last error: not a feed"), "{admin}");

    // A feed twice, or not a URL: 422, nothing stored.
    for body in [
        json!({"url": newsroom.url("/broken.xml")}),
        json!({"url": "javascript:alert(1)"}),
        json!({"url": "http://127.0.0.1/x", "authors": [""]}),
    ] {
        let response = app
            .api(Method::POST, "/feeds", &token)
            .await
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
    }
    let list: Value = app
        .api(Method::GET, "/feeds", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 4);

    // Removing a feed stops it; the CLI lists what is left.
    let id = gone["id"].as_i64().unwrap();
    let response = app
        .api(Method::DELETE, &format!("/feeds/{id}"), &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let out = app.cli_async(&["feeds", "list"]).await;
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("/broken.xml") && !listed.contains("/missing.xml"),
        "{listed}"
    );
    let out = app
        .cli_async(&["feeds", "remove", &newsroom.url("/about")])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
