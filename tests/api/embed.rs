//! The embeddable conversation without a browser: who may frame it, what the frame shows, the
//! reply counts for article lists (readable from any origin), and an article not imported yet
//! asking its feed for an early poll.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    feeds::{
        imported,
        newsroom::{Newsroom, article},
        subscribe,
    },
    helpers::{TestApp, WAIT, spawn_app_with},
    peer::Peer,
};

fn frame_ancestors(response: &reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    policy
        .split("; ")
        .find_map(|d| d.strip_prefix("frame-ancestors "))
        .unwrap_or_default()
        .to_string()
}

async fn counts(app: &TestApp, urls: &[&str]) -> (reqwest::header::HeaderMap, Value) {
    let query: Vec<(&str, &str)> = urls.iter().map(|u| ("url", *u)).collect();
    let response = app
        .client
        .get(app.url("/embed/counts"))
        .header("origin", "http://127.0.0.1:9")
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

#[tokio::test]
async fn the_frame_shows_the_thread_and_only_the_newsrooms_site_may_frame_it() {
    let newsroom = Newsroom::start().await;
    newsroom.add_rss(article("bridge", "The bridge opens", chrono::Utc::now()));
    let app = spawn_app_with(|s| s.feeds.poll_interval_secs = 1).await;
    let token = app.token();
    subscribe(&app, &token, json!({"url": newsroom.url("/rss.xml")})).await;
    let story = imported(&app, &token, &newsroom.link("bridge")).await;
    let slug = story["slug"].as_str().unwrap();
    let ap_id = app.url(&format!("/stories/{slug}"));

    // A threaded conversation: a reply and an answer to it, from a fediverse server.
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

    let link = newsroom.link("bridge");
    let framed = app
        .client
        .get(app.url("/embed/article"))
        .query(&[
            ("url", link.as_str()),
            ("theme", "dark"),
            ("accent", "#c00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(framed.status(), 200);
    assert_eq!(
        frame_ancestors(&framed),
        newsroom.base,
        "the article's own site"
    );
    let policy = framed.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("script-src 'self'") && policy.contains("style-src 'self'"),
        "{policy}"
    );
    let page = framed.text().await.unwrap();
    let doc = crate::helpers::html(&page);
    let select = |css: &str| doc.select(&scraper::Selector::parse(css).unwrap()).count();
    assert_eq!(select("html[data-theme=dark]"), 1);
    assert_eq!(
        select(&format!("section.conversation[data-live=\"{ap_id}/live\"]")),
        1
    );
    assert_eq!(
        select("section.conversation script[src=\"/static/live.js\"]"),
        1
    );
    assert_eq!(
        select("ol.thread > li.reply > ol.thread > li.reply"),
        1,
        "{page}"
    );
    assert_eq!(select("form.interact"), 1, "reply from your instance");
    assert_eq!(select("link[href^=\"/embed/theme.css?accent=%23c00\"]"), 1);
    assert!(page.contains("Finally a bridge") && page.contains("It took ten years"));
    assert!(
        page.contains(&format!("@news@{}", app.domain)),
        "the follow handle"
    );
    // Same page by slug; every other page keeps refusing frames.
    let by_slug = app
        .client
        .get(app.url(&format!("/embed/stories/{slug}")))
        .send()
        .await
        .unwrap();
    assert_eq!(frame_ancestors(&by_slug), newsroom.base);
    let story_page = app.get_html(&format!("/stories/{slug}")).await;
    assert_eq!(frame_ancestors(&story_page), "'none'");
    // The snippet's <noscript> link leads to the story page.
    let open = app
        .client
        .get(app.url("/embed/open"))
        .query(&[("url", &link)])
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 303);
    assert_eq!(open.headers()["location"], ap_id.as_str());

    // Reply counts, for any origin.
    let unknown = newsroom.link("unknown");
    let (headers, body) = counts(&app, &[&link, &unknown]).await;
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(body["counts"][&link]["replies"], 2);
    assert_eq!(body["counts"][&link]["conversation"], ap_id);
    assert!(body["counts"][&unknown].is_null());

    // The newsroom's colours are checked before they become a stylesheet.
    let css = app
        .client
        .get(app.url("/embed/theme.css?accent=%23c00&text=red;}*{display:none"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        css.contains("--accent: #c00;") && !css.contains("display"),
        "{css}"
    );
    let script = app.client.get(app.url("/embed.js")).send().await.unwrap();
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn the_operator_chooses_who_may_frame_it() {
    let app = spawn_app_with(|s| s.embed.origins = "*".into()).await;
    let framed = app
        .client
        .get(app.url("/embed/stories/welcome"))
        .send()
        .await
        .unwrap();
    assert_eq!(framed.status(), 200);
    assert_eq!(frame_ancestors(&framed), "*");
    let settings = broadsheet::config::Settings::load_from(&[(
        "BROADSHEET_EMBED_ORIGINS".into(),
        "https://www.gazette.example https://gazette.example".into(),
    )])
    .unwrap();
    assert_eq!(
        settings.embed.origins,
        "https://www.gazette.example https://gazette.example"
    );
    let refused = broadsheet::config::Settings::load_from(&[(
        "BROADSHEET_EMBED_ORIGINS".into(),
        "https://x.example; script-src *".into(),
    )]);
    assert!(refused.is_err());
    // Without feeds or a canonical URL, nobody may frame it.
    let app = spawn_app_with(|_| {}).await;
    let framed = app
        .client
        .get(app.url("/embed/stories/welcome"))
        .send()
        .await
        .unwrap();
    assert_eq!(frame_ancestors(&framed), "'none'");
    let missing = app
        .client
        .get(app.url("/embed/stories/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let bad = app
        .client
        .get(app.url("/embed/article?url=javascript:alert(1)"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn an_article_not_imported_yet_asks_its_feed_for_an_early_poll() {
    let newsroom = Newsroom::start().await;
    // Polled once at subscription, then not for an hour: only the early poll can find it.
    let app = spawn_app_with(|s| s.feeds.poll_interval_secs = 3600).await;
    let token = app.token();
    let feed = subscribe(&app, &token, json!({"url": newsroom.url("/rss.xml")})).await;
    let id = feed["id"].as_i64().unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let shown: Value = app
            .api(Method::GET, &format!("/feeds/{id}"), &token)
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if shown["last_success_at"].is_string() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{shown}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The article goes up; a reader opens it before the next poll.
    newsroom.add_rss(article("late", "Late news", chrono::Utc::now()));
    let link = newsroom.link("late");
    let gets = newsroom.feed_gets();
    let waiting = app
        .client
        .get(app.url("/embed/article"))
        .query(&[("url", &link)])
        .send()
        .await
        .unwrap();
    assert_eq!(waiting.status(), 200);
    assert_eq!(frame_ancestors(&waiting), newsroom.base);
    let page = waiting.text().await.unwrap();
    assert!(page.contains("The conversation opens shortly"), "{page}");
    assert!(page.contains(&format!("data-waiting=\"{link}\"")), "{page}");

    let story = imported(&app, &token, &link).await;
    assert_eq!(story["title"], "Late news");
    assert_eq!(newsroom.feed_gets(), gets + 1);
    // Rate-limited: more readers within the cool-down do not poll again.
    for _ in 0..3 {
        let other = newsroom.link("later-still");
        app.client
            .get(app.url("/embed/article"))
            .query(&[("url", &other)])
            .send()
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(newsroom.feed_gets(), gets + 1);

    // An article of a site with no feed here: no conversation, and nothing polled.
    let elsewhere = app
        .client
        .get(app.url("/embed/article?url=https://elsewhere.example/a"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    assert!(elsewhere.text().await.unwrap().contains("no conversation"));
}
