//! Broadsheet against an independent implementation: the Fedify peer signs, verifies and parses
//! with its own code.

use std::time::Duration;

use serde_json::json;

use crate::{fedify::FedifyPeer, helpers::spawn_app};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn fedify_follows_and_receives_stories_edits_and_deletions() {
    let Some(fedify) = FedifyPeer::start_if_installed().await else {
        return;
    };
    let app = spawn_app().await;
    let token = app.token();
    let news = app.url("/@news");

    fedify.follow(&news).await;
    // Fedify verified our signature on the Accept, or it would not have recorded it.
    let accept = fedify.wait_for(WAIT, |a| a["type"] == "Accept").await;
    assert_eq!(accept["actor"], news);
    let followers = app.get_ap_json("/@news/followers?page=1").await;
    assert_eq!(followers["orderedItems"], json!([fedify.actor_url()]));

    let story = app
        .publish(&token, json!({"title": "Bridge reopens", "body": "Traffic *flows*.", "authors": ["Ana Ruiz"], "tags": ["Traffic"]}))
        .await;
    let url = story["url"].as_str().unwrap().to_string();
    let create = fedify.wait_for(WAIT, |a| a["type"] == "Create").await;
    assert_eq!(create["actor"], news);
    let article = &create["activity"]["object"];
    assert_eq!(article["id"], url);
    assert_eq!(article["type"], "Article");
    assert_eq!(article["name"], "Bridge reopens");

    app.api(reqwest::Method::DELETE, "/stories/bridge-reopens", &token)
        .await
        .send()
        .await
        .unwrap();
    let delete = fedify.wait_for(WAIT, |a| a["type"] == "Delete").await;
    assert_eq!(delete["actor"], news);

    fedify.unfollow(&news).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while app.get_ap_json("/@news/followers").await["totalItems"] != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Undo was not applied"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
