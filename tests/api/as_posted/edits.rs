//! Edits refresh how a reply was posted; replies keep their order of arrival; the newsroom's
//! own answers say what they are.

use chrono::Utc;
use serde_json::{Value, json};

use super::{find_row, presentation, reply, stored};
use crate::{
    helpers::{spawn_app, spawn_app_with},
    peer::Peer,
};

#[tokio::test]
async fn an_edit_refreshes_how_a_reply_was_posted() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let original = reply(&app, &peer, "edited", json!({}));
    let row = stored(&app, &peer, &original).await;
    assert!(row.attachments.is_none());
    let image = format!("{}/media/late.jpg", peer.base);
    let edited = reply(
        &app,
        &peer,
        "edited",
        json!({
            "updated": Utc::now().to_rfc3339(),
            "contentMap": {"en": "<p>posted, with a picture</p>"},
            "attachment": {"type": "Document", "mediaType": "image/jpeg", "url": image, "name": "Added later"},
            "tag": [{"type": "Hashtag", "name": "#late"}],
        }),
    );
    let update = json!({"id": format!("{}/edit", original["id"].as_str().unwrap()), "type": "Update",
        "actor": peer.actor("alice"), "object": edited});
    let response = peer.send("alice", &app.url("/inbox"), &update).await;
    assert_eq!(response.status(), 202);
    let row = find_row(&app, original["id"].as_str().unwrap())
        .await
        .unwrap();
    let shown = presentation(&row);
    assert_eq!(
        shown.attachments[0].description.as_deref(),
        Some("Added later")
    );
    assert_eq!(shown.tags[0].name, "#late");
    assert_eq!(shown.language.as_deref(), Some("en"));
}

#[tokio::test]
async fn replies_published_in_the_same_second_keep_their_order_of_arrival() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let names = [
        "one", "two", "three", "four", "five", "six", "seven", "eight",
    ];
    for name in names {
        let object = reply(
            &app,
            &peer,
            name,
            json!({"published": "2025-06-01T12:00:00.500Z"}),
        );
        stored(&app, &peer, &object).await;
    }
    // Milliseconds count: published earlier in that second, shown first.
    let early = reply(
        &app,
        &peer,
        "early",
        json!({"published": "2025-06-01T12:00:00.250Z"}),
    );
    stored(&app, &peer, &early).await;
    let page = app.get_ap_json("/stories/welcome/replies?page=1").await;
    let order: Vec<&str> = page["orderedItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i.as_str()?.rsplit('/').next())
        .collect();
    let mut expected = vec!["early"];
    expected.extend(names);
    assert_eq!(order, expected);
}

#[tokio::test]
async fn the_newsrooms_answers_are_notes_in_the_sites_language() {
    let app = spawn_app_with(|s| s.publication.language = "fr".into()).await;
    let peer = Peer::start().await;
    let question = stored(&app, &peer, &reply(&app, &peer, "question", json!({}))).await;
    let path = format!("/replies/{}/answer", question.id);
    let answered = app
        .api(reqwest::Method::POST, &path, &app.token())
        .await
        .json(&json!({"content": "Merci !"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);
    let ours: Value = answered.json().await.unwrap();
    let row = find_row(&app, ours["ap_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(row.object_type, "Note");
    assert_eq!(row.language.as_deref(), Some("fr"));
}
