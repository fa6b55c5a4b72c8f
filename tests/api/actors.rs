//! Actor documents: every field Mastodon reads, keys that stay, and the collections they link.

use serde_json::{Value, json};

use crate::helpers::{AP, spawn_app, spawn_on};

fn assert_actor_shape(actor: &Value, kind: &str) {
    assert_eq!(actor["type"], kind);
    let id = actor["id"].as_str().unwrap();
    for field in [
        "inbox",
        "outbox",
        "followers",
        "following",
        "featured",
        "url",
    ] {
        let value = actor[field]
            .as_str()
            .unwrap_or_else(|| panic!("{field} missing"));
        assert!(value.starts_with("http://127.0.0.1:"), "{field} = {value}");
    }
    assert!(
        actor["endpoints"]["sharedInbox"]
            .as_str()
            .unwrap()
            .ends_with("/inbox")
    );
    assert_eq!(actor["publicKey"]["owner"], id);
    assert_eq!(actor["publicKey"]["id"], format!("{id}#main-key"));
    let pem = actor["publicKey"]["publicKeyPem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    assert!(actor["preferredUsername"].is_string());
    assert!(actor["name"].is_string());
    assert!(actor["summary"].is_string());
    assert_eq!(actor["icon"]["type"], "Image");
    assert_eq!(actor["icon"]["mediaType"], "image/png");
    assert!(actor["published"].is_string());
    assert!(
        actor["@context"]
            .to_string()
            .contains("https://w3id.org/security/v1")
    );
}

#[tokio::test]
async fn the_publication_is_an_organization_with_every_field() {
    let app = spawn_app().await;
    let response = app.get_ap("/@news").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(AP)
    );
    assert_eq!(response.headers()["vary"], "Accept");
    let actor: Value = response.json().await.unwrap();
    assert_actor_shape(&actor, "Organization");
    assert_eq!(actor["preferredUsername"], "news");
    assert_eq!(actor["url"], app.url("/"));

    // The icon it names is served, as a PNG.
    let icon = app
        .client
        .get(actor["icon"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(icon.headers()["content-type"], "image/png");
    assert!(icon.bytes().await.unwrap().starts_with(b"\x89PNG"));
}

#[tokio::test]
async fn authors_are_people_and_the_instance_actor_is_an_application() {
    let app = spawn_app().await;
    let author = app.get_ap_json("/@broadsheet_desk").await;
    assert_actor_shape(&author, "Person");
    assert_eq!(author["name"], "Broadsheet Desk");
    assert_eq!(author["url"], app.url("/@broadsheet_desk"));

    let instance = app.get_ap_json("/actor").await;
    assert_actor_shape(&instance, "Application");
}

#[tokio::test]
async fn keys_are_created_once_and_kept_across_restarts() {
    let app = spawn_app().await;
    let before = app.get_ap_json("/@news").await["publicKey"]["publicKeyPem"].clone();
    let (dir, database) = app.stop().await;

    let app = spawn_on(dir, database, |_| {}).await;
    let after = app.get_ap_json("/@news").await;
    assert_eq!(after["publicKey"]["publicKeyPem"], before);
    // A restart publishes no second sample story.
    assert_eq!(app.story_count().await, 1);
}

#[tokio::test]
async fn outboxes_list_creates_for_the_publication_and_announces_for_authors() {
    let app = spawn_app().await;
    let outbox = app.get_ap_json("/@news/outbox").await;
    assert_eq!(outbox["type"], "OrderedCollection");
    assert_eq!(outbox["totalItems"], 1);
    let page = app.get_ap_json(outbox["first"].as_str().unwrap()).await;
    assert_eq!(page["type"], "OrderedCollectionPage");
    let create = &page["orderedItems"][0];
    assert_eq!(create["type"], "Create");
    assert_eq!(create["actor"], app.url("/@news"));
    assert_eq!(create["object"]["type"], "Article");
    assert_eq!(create["object"]["id"], app.url("/stories/welcome"));

    let page = app.get_ap_json("/@broadsheet_desk/outbox?page=1").await;
    let announce = &page["orderedItems"][0];
    assert_eq!(announce["type"], "Announce");
    assert_eq!(announce["actor"], app.url("/@broadsheet_desk"));
    assert_eq!(announce["object"], app.url("/stories/welcome"));
}

#[tokio::test]
async fn featured_holds_recent_stories_and_followers_counts() {
    let app = spawn_app().await;
    let featured = app.get_ap_json("/@news/featured").await;
    assert_eq!(featured["type"], "OrderedCollection");
    assert_eq!(featured["orderedItems"][0]["type"], "Article");
    assert_eq!(featured["totalItems"], 1);

    let followers = app.get_ap_json("/@news/followers").await;
    assert_eq!(followers["type"], "OrderedCollection");
    assert_eq!(followers["totalItems"], json!(0));
    assert_eq!(app.get_ap_json("/@news/following").await["totalItems"], 0);
}

#[tokio::test]
async fn unknown_actors_are_404_for_both_kinds_of_client() {
    let app = spawn_app().await;
    assert_eq!(app.get_ap("/@nobody").await.status(), 404);
    assert_eq!(app.get_ap("/@nobody/outbox").await.status(), 404);
    let page = app.get_html("/@nobody").await;
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("Nothing here"));
}
