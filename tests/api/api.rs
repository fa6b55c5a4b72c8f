//! The JSON API: tokens, validation and the story lifecycle.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// Every API route, as the router is built from them, with an example path: none may answer
/// without a valid token.
fn api_routes() -> Vec<(Method, String)> {
    broadsheet::http::api::routes()
        .into_iter()
        .map(|(method, path)| {
            let example = path.replace("{slug}", "welcome").replace("{id}", "1");
            (
                method,
                format!("{}{example}", broadsheet::http::api::PREFIX),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_api_route_refuses_a_missing_or_wrong_token() {
    let app = spawn_app().await;
    let routes = api_routes();
    assert!(routes.len() >= 24, "{routes:?}");
    for (method, path) in &routes {
        for auth in [
            None,
            Some("Bearer bs_not-a-real-token"),
            Some("Bearer "),
            Some("Basic dXNlcjpwYXNz"),
        ] {
            let mut request = app
                .client
                .request(method.clone(), app.url(path))
                .json(&json!({"title": "x", "body": "y"}));
            if let Some(value) = auth {
                request = request.header("Authorization", value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{method} {path} with {auth:?}");
            assert_eq!(response.headers()["www-authenticate"], "Bearer");
        }
    }
    // Nothing was deleted or created along the way.
    assert_eq!(app.story_count().await, 1);
}

#[tokio::test]
async fn invalid_bodies_get_field_level_messages_and_store_nothing() {
    let app = spawn_app().await;
    let token = app.token();
    let cases: [(&str, u16, &str); 6] = [
        ("{\"title\": ", 400, "error"),
        ("{\"title\": \"x\",", 400, "error"),
        ("{\"title\": 5, \"body\": \"x\"}", 422, "body"),
        ("{\"body\": \"text\"}", 422, "title"),
        (
            "{\"title\": \"T\", \"body\": \"x\", \"image\": \"/a.png\"}",
            422,
            "image_alt",
        ),
        (
            "{\"title\": \"T\", \"body\": \"x\", \"colour\": \"red\"}",
            422,
            "body",
        ),
    ];
    for (body, status, field) in cases {
        let response = app
            .api(Method::POST, "/stories", &token)
            .await
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{body}");
        let answer: Value = response.json().await.unwrap();
        if status == 422 {
            assert!(answer["fields"][field].is_array(), "{body} → {answer}");
        } else {
            assert!(
                answer[field].as_str().unwrap().contains("malformed JSON"),
                "{answer}"
            );
        }
    }
    let response = app
        .api(Method::POST, "/stories", &token)
        .await
        .body("title=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(app.story_count().await, 1);
}

#[tokio::test]
async fn a_story_lives_through_create_read_update_list_and_delete() {
    let app = spawn_app().await;
    let token = app.token();
    let response = app
        .api(Method::POST, "/stories", &token)
        .await
        .json(&json!({"title": "Library opens late", "body": "Until **10 pm**.", "tags": ["#Library"], "authors": ["Ana Ruiz"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["slug"], "library-opens-late");
    assert_eq!(created["url"], location);
    assert_eq!(
        created["summary"], "Until 10 pm.",
        "teaser from the first paragraph"
    );
    assert_eq!(created["tags"], json!(["Library"]));
    assert_eq!(
        created["authors"][0]["handle"],
        format!("@ana_ruiz@{}", app.domain)
    );

    let read: Value = app
        .api(Method::GET, "/stories/library-opens-late", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["body"], "Until **10 pm**.");

    let response = app
        .api(Method::PUT, "/stories/library-opens-late", &token)
        .await
        .json(&json!({"title": "Library opens late on Fridays", "body": "Until 10 pm, Fridays only."}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["title"], "Library opens late on Fridays");
    assert_eq!(
        updated["slug"], "library-opens-late",
        "the address never changes"
    );
    assert_eq!(updated["authors"], json!([]));

    let response = app
        .api(Method::PUT, "/stories/library-opens-late", &token)
        .await
        .json(&json!({"title": "T", "body": "B", "slug": "another-slug"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);

    let list: Value = app
        .api(Method::GET, "/stories", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total_items"], 2);
    assert_eq!(list["items"][0]["slug"], "library-opens-late");

    let response = app
        .api(Method::DELETE, "/stories/library-opens-late", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = app
        .api(Method::GET, "/stories/library-opens-late", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
    let response = app
        .api(Method::DELETE, "/stories/library-opens-late", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = app
        .api(Method::PUT, "/stories/no-such", &token)
        .await
        .json(&json!({"title": "T", "body": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn slugs_are_unique() {
    let app = spawn_app().await;
    let token = app.token();
    let first = app
        .publish(&token, json!({"title": "Same title", "body": "One."}))
        .await;
    let second = app
        .publish(&token, json!({"title": "Same title", "body": "Two."}))
        .await;
    assert_eq!(first["slug"], "same-title");
    assert_eq!(second["slug"], "same-title-2");
    let response = app
        .api(Method::POST, "/stories", &token)
        .await
        .json(&json!({"title": "Other", "body": "Three.", "slug": "same-title"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.unwrap();
    assert!(
        answer["fields"]["slug"][0]
            .as_str()
            .unwrap()
            .contains("already used")
    );
}

#[tokio::test]
async fn unknown_api_routes_answer_json_404() {
    let app = spawn_app().await;
    let token = app.token();
    let response = app
        .api(Method::GET, "/nothing-here", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.json::<Value>().await.unwrap()["error"].is_string());
}
