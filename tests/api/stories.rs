//! A story's URL: HTML for browsers, an `Article` for ActivityPub clients, 410 when deleted.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{AP, html, meta, spawn_app};

fn budget_story() -> Value {
    json!({
        "title": "Council approves the 2027 budget",
        "summary": "After a night-long session, the council passed the budget 7–2.",
        "body": "The vote came after **nine hours** of debate.\n\nMore to follow.",
        "authors": ["Ana Ruiz", "Bo Li"],
        "tags": ["CityHall", "Budget"],
        "image": "/static/icon.png",
        "image_alt": "The council chamber during the vote"
    })
}

#[tokio::test]
async fn activitypub_clients_get_the_article_with_every_field() {
    let app = spawn_app().await;
    let token = app.token();
    let created = app.publish(&token, budget_story()).await;
    let url = created["url"].as_str().unwrap();

    let response = app.get_ap(url).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(AP)
    );
    assert_eq!(response.headers()["vary"], "Accept");
    let article: Value = response.json().await.unwrap();

    assert_eq!(article["type"], "Article");
    assert_eq!(article["id"], url);
    assert_eq!(article["url"], url);
    assert_eq!(article["attributedTo"], app.url("/@news"));
    assert_eq!(article["name"], "Council approves the 2027 budget");
    assert_eq!(
        article["summary"],
        "After a night-long session, the council passed the budget 7–2."
    );
    let content = article["content"].as_str().unwrap();
    assert!(
        content.starts_with("<p>By <a href=\""),
        "byline first: {content}"
    );
    assert!(content.contains("Ana Ruiz") && content.contains("Bo Li"));
    assert!(content.contains("<strong>nine hours</strong>"));
    assert_eq!(
        article["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert_eq!(article["cc"], json!([app.url("/@news/followers")]));
    assert!(article["published"].is_string());
    assert!(article["updated"].is_null(), "not edited yet");

    let tags = article["tag"].as_array().unwrap();
    assert!(tags.contains(
        &json!({"type": "Hashtag", "name": "#CityHall", "href": app.url("/tags/CityHall")})
    ));
    assert!(tags.contains(&json!({"type": "Mention", "name": format!("@ana_ruiz@{}", app.domain), "href": app.url("/@ana_ruiz")})));

    assert_eq!(article["image"]["url"], app.url("/static/icon.png"));
    assert_eq!(
        article["attachment"][0]["name"],
        "The council chamber during the vote"
    );
    assert_eq!(article["attachment"][0]["mediaType"], "image/png");
    assert_eq!(article["replies"]["type"], "OrderedCollection");
    let replies = app
        .get_ap_json(article["replies"]["id"].as_str().unwrap())
        .await;
    assert_eq!(replies["totalItems"], 0);
    assert_eq!(
        article["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
}

#[tokio::test]
async fn browsers_get_html_with_metadata_at_the_same_url() {
    let app = spawn_app().await;
    let token = app.token();
    let url = app.publish(&token, budget_story()).await["url"]
        .as_str()
        .unwrap()
        .to_string();

    let response = app.get_html(url.trim_start_matches(&app.address)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(response.headers()["vary"], "Accept");
    let doc = html(&response.text().await.unwrap());

    assert_eq!(
        meta(&doc, "property", "og:title"),
        ["Council approves the 2027 budget"]
    );
    assert_eq!(meta(&doc, "property", "og:url"), [url.as_str()]);
    assert_eq!(meta(&doc, "property", "og:type"), ["article"]);
    assert_eq!(
        meta(&doc, "property", "og:image:alt"),
        ["The council chamber during the vote"]
    );
    assert_eq!(
        meta(&doc, "name", "fediverse:creator"),
        [
            format!("@ana_ruiz@{}", app.domain),
            format!("@bo_li@{}", app.domain)
        ]
    );
    let alternate =
        scraper::Selector::parse("link[rel=alternate][type=\"application/activity+json\"]")
            .unwrap();
    assert_eq!(
        doc.select(&alternate).next().unwrap().value().attr("href"),
        Some(url.as_str())
    );
    let h1 = scraper::Selector::parse("h1").unwrap();
    assert_eq!(
        doc.select(&h1).next().unwrap().text().collect::<String>(),
        "Council approves the 2027 budget"
    );
}

#[tokio::test]
async fn an_edit_shows_a_newer_updated() {
    let app = spawn_app().await;
    let token = app.token();
    let created = app.publish(&token, budget_story()).await;
    let slug = created["slug"].as_str().unwrap();

    let mut edited = budget_story();
    edited["body"] = json!("Corrected: the vote was 6–3.");
    let response = app
        .api(Method::PUT, &format!("/stories/{slug}"), &token)
        .await
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let article = app.get_ap_json(created["url"].as_str().unwrap()).await;
    assert!(article["content"].as_str().unwrap().contains("6–3"));
    let published =
        chrono::DateTime::parse_from_rfc3339(article["published"].as_str().unwrap()).unwrap();
    let updated =
        chrono::DateTime::parse_from_rfc3339(article["updated"].as_str().unwrap()).unwrap();
    assert!(updated > published);
}

#[tokio::test]
async fn a_deleted_story_is_gone_with_a_tombstone() {
    let app = spawn_app().await;
    let token = app.token();
    let created = app.publish(&token, budget_story()).await;
    let url = created["url"].as_str().unwrap();
    let slug = created["slug"].as_str().unwrap();
    let response = app
        .api(Method::DELETE, &format!("/stories/{slug}"), &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);

    let response = app.get_ap(url).await;
    assert_eq!(response.status(), 410);
    assert_eq!(response.headers()["vary"], "Accept");
    let tombstone: Value = response.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
    assert_eq!(tombstone["id"], url);
    assert_eq!(tombstone["formerType"], "Article");
    assert!(tombstone["deleted"].is_string());

    let page = app.get_html(&format!("/stories/{slug}")).await;
    assert_eq!(page.status(), 410);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("This story was removed")
    );
    // Gone from the listings too.
    let front = app.get_html("/").await.text().await.unwrap();
    assert!(!front.contains("Council approves"));
}

#[tokio::test]
async fn an_unknown_story_is_404_for_both_kinds_of_client() {
    let app = spawn_app().await;
    let response = app.get_ap("/stories/no-such-story").await;
    assert_eq!(response.status(), 404);
    assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    let response = app.get_html("/stories/no-such-story").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Nothing here"));
    assert_eq!(
        app.get_ap("/stories/no-such-story/replies").await.status(),
        404
    );
}
