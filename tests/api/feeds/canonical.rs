//! Canonical URLs: the article's home on the newsroom's site, one story each, its `url` on the
//! wire, findable through the API, set from the API, a story file or an edit.

use reqwest::Method;
use serde_json::{Value, json};

use super::story_at;
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn a_canonical_url_belongs_to_one_story_and_is_the_articles_url() {
    let app = spawn_app_with(|_| {}).await;
    let token = app.token();
    let home = "https://www.gazette.example/2026/12/library";
    let story = app
        .publish(
            &token,
            json!({"title": "Library opens late", "body": "Until 10 pm.", "canonical_url": home}),
        )
        .await;
    assert_eq!(story["canonical_url"], home);
    let slug = story["slug"].as_str().unwrap();

    // Mastodon links the post to the newsroom's article; our page points there too.
    let article = app.get_ap_json(&format!("/stories/{slug}")).await;
    assert_eq!(article["url"], home);
    assert_eq!(article["id"], app.url(&format!("/stories/{slug}")));
    assert_eq!(story_at(&app, &token, home).await.unwrap()["slug"], slug);
    assert!(
        story_at(&app, &token, "https://www.gazette.example/other")
            .await
            .is_none()
    );

    // A second story for the same article, or a URL that is not one: 422, nothing stored.
    let before = app.story_count().await;
    for bad in [
        json!(home),
        json!("javascript:alert(1)"),
        json!("/relative"),
    ] {
        let response = app
            .api(Method::POST, "/stories", &token)
            .await
            .json(&json!({"title": "Again", "body": "Text.", "canonical_url": bad}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"]["canonical_url"].is_array(), "{body}");
    }
    assert_eq!(app.story_count().await, before);

    // Editing keeps its own; another story cannot take it over by an edit either.
    let other = app
        .publish(&token, json!({"title": "Other", "body": "Text."}))
        .await;
    let response = app
        .api(
            Method::PUT,
            &format!("/stories/{}", other["slug"].as_str().unwrap()),
            &token,
        )
        .await
        .json(&json!({"title": "Other", "body": "Text.", "canonical_url": home}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let response = app
        .api(Method::PUT, &format!("/stories/{slug}"), &token)
        .await
        .json(
            &json!({"title": "Library opens later", "body": "Until 11 pm.", "canonical_url": home}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // A story file carries it in its front matter.
    let dir = tempfile::tempdir().unwrap();
    let file = crate::helpers::story_file(
        &dir,
        "pool.md",
        "---\ntitle: Pool reopens\ncanonical_url: https://www.gazette.example/pool\n---\nSwim.\n",
    );
    let out = app.cli_async(&["publish", &file]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        story_at(&app, &token, "https://www.gazette.example/pool")
            .await
            .is_some()
    );
}
