//! Following the publication and authors: Follow → stored → Accept; Undo; removal with Reject.

use std::time::Duration;

use serde_json::json;

use crate::{helpers::spawn_app, peer::Peer};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn following_the_publication_is_accepted_and_undone() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let news = app.url("/@news");

    let (follow_id, response) = peer.follow("alice", &news, &app.url("/@news/inbox")).await;
    assert_eq!(response.status(), 202);

    let accept = peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    assert_eq!(
        accept.path, "/users/alice/inbox",
        "Accepts go to the follower's own inbox"
    );
    assert_eq!(accept.body["actor"], news);
    assert_eq!(accept.body["object"]["id"], follow_id);
    assert_eq!(accept.body["object"]["type"], "Follow");
    assert_eq!(accept.body["object"]["actor"], peer.actor("alice"));
    assert_eq!(accept.body["object"]["object"], news);
    let signature = accept.headers["signature"].to_str().unwrap();
    assert!(
        signature.contains(&format!("keyId=\"{news}#main-key\"")),
        "{signature}"
    );
    assert!(signature.contains("headers=\"(request-target) host date digest\""));
    assert!(
        accept.headers["digest"]
            .to_str()
            .unwrap()
            .starts_with("SHA-256=")
    );

    let followers = app.get_ap_json("/@news/followers").await;
    assert_eq!(followers["totalItems"], 1);
    let page = app.get_ap_json(followers["first"].as_str().unwrap()).await;
    assert_eq!(page["orderedItems"], json!([peer.actor("alice")]));

    let response = peer
        .unfollow("alice", &follow_id, &news, &app.url("/inbox"))
        .await;
    assert_eq!(response.status(), 202);
    assert_eq!(app.get_ap_json("/@news/followers").await["totalItems"], 0);
}

#[tokio::test]
async fn authors_can_be_followed_through_the_shared_inbox() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let author = app.url("/@broadsheet_desk");

    let (follow_id, response) = peer.follow("bob", &author, &app.url("/inbox")).await;
    assert_eq!(response.status(), 202);
    let accept = peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    assert_eq!(accept.body["actor"], author);
    assert_eq!(
        app.get_ap_json("/@broadsheet_desk/followers").await["totalItems"],
        1
    );
    assert_eq!(app.get_ap_json("/@news/followers").await["totalItems"], 0);

    // An Undo naming the Follow only by id still finds it.
    let undo = json!({
        "id": format!("{follow_id}/undo"), "type": "Undo", "actor": peer.actor("bob"), "object": follow_id,
    });
    assert_eq!(
        peer.send("bob", &app.url("/inbox"), &undo).await.status(),
        202
    );
    assert_eq!(
        app.get_ap_json("/@broadsheet_desk/followers").await["totalItems"],
        0
    );
}

#[tokio::test]
async fn a_replayed_follow_is_answered_once() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let news = app.url("/@news");
    let follow = json!({
        "id": format!("{}/follows/1", peer.actor("carol")), "type": "Follow",
        "actor": peer.actor("carol"), "object": news,
    });
    for _ in 0..3 {
        assert_eq!(
            peer.send("carol", &app.url("/inbox"), &follow)
                .await
                .status(),
            202
        );
    }
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(peer.received_of("Accept").len(), 1);
    assert_eq!(app.get_ap_json("/@news/followers").await["totalItems"], 1);
}

#[tokio::test]
async fn removing_a_follower_sends_a_reject() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let news = app.url("/@news");
    let (follow_id, _) = peer.follow("dave", &news, &app.url("/inbox")).await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;

    let out = app.cli(&["followers", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&peer.actor("dave")));
    let out = app.cli(&["followers", "remove", &peer.actor("dave")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let reject = peer.wait_for(WAIT, |d| d.body["type"] == "Reject").await;
    assert_eq!(reject.body["actor"], news);
    assert_eq!(reject.body["object"]["id"], follow_id);
    assert_eq!(app.get_ap_json("/@news/followers").await["totalItems"], 0);
    let out = app.cli(&["followers", "remove", &peer.actor("dave")]);
    assert!(!out.status.success());
}

#[tokio::test]
async fn following_something_that_is_not_an_account_here_is_refused() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    for target in [
        app.url("/@nobody"),
        app.url("/actor"),
        "https://elsewhere.example/@news".to_string(),
    ] {
        let (_, response) = peer.follow("erin", &target, &app.url("/inbox")).await;
        assert_eq!(response.status(), 422, "{target}");
    }
    let (_, response) = peer
        .follow("erin", &app.url("/@news"), &app.url("/@nobody/inbox"))
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(app.get_ap_json("/@news/followers").await["totalItems"], 0);
}
