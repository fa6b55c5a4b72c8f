//! The story page's conversation is kept in memory between reads: every change a reader could
//! see on it shows on the very next read (a new reply, an editor hiding one, a like, a block, the
//! story edited or closed), and what is kept is only what every anonymous reader gets, never an
//! editor's signed-in view.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    admin::login,
    helpers::{STORY, TestApp},
    peer::Peer,
    picks::{answered, open_app},
};

/// The sample story's page, read twice, so that the second read is the kept one.
async fn read_twice(app: &TestApp) -> String {
    let first = app.story_page().await;
    let second = app.story_page().await;
    assert_eq!(first, second, "nothing changed between the two reads");
    second
}

async fn api_ok(app: &TestApp, token: &str, method: Method, path: &str, body: serde_json::Value) {
    let response = app
        .api(method, path, token)
        .await
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {} {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
}

#[tokio::test]
async fn each_change_to_a_read_conversation_shows_on_the_next_read() {
    let app = open_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let (first, first_ap_id) = answered(&app, &peer, "alice", "first", "The first word").await;
    assert!(read_twice(&app).await.contains("The first word"));

    // A new reply, signed and delivered to the inbox.
    answered(&app, &peer, "bob", "second", "A second opinion").await;
    app.inbox_jobs_drained().await;
    let page = app.story_page().await;
    assert!(page.contains("A second opinion"), "{page}");
    assert!(page.contains("The first word"));

    // A like of a reply changes the count it shows.
    assert!(!read_twice(&app).await.contains("1 like"));
    let like = json!({
        "id": format!("{}/likes/1", peer.actor("bob")), "type": "Like",
        "actor": peer.actor("bob"), "object": first_ap_id,
    });
    let sent = peer.send("bob", &app.url("/inbox"), &like).await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    app.inbox_jobs_drained().await;
    assert!(app.story_page().await.contains("1 like"));

    // An editor hides a reply.
    read_twice(&app).await;
    api_ok(
        &app,
        &token,
        Method::POST,
        &format!("/replies/{first}/hide"),
        json!({}),
    )
    .await;
    let page = app.story_page().await;
    assert!(!page.contains("The first word"), "{page}");
    assert!(page.contains("A second opinion"));

    // The story is edited, then closed to replies (which the conversation says).
    read_twice(&app).await;
    let edit = json!({"title": "Welcome, edited", "body": "A new first line."});
    api_ok(&app, &token, Method::PUT, "/stories/welcome", edit).await;
    let page = app.story_page().await;
    assert!(page.contains("Welcome, edited") && page.contains("A new first line."));
    assert!(!page.contains("Replies to this story are closed."));
    api_ok(
        &app,
        &token,
        Method::POST,
        "/stories/welcome/close",
        json!({}),
    )
    .await;
    assert!(
        app.story_page()
            .await
            .contains("Replies to this story are closed.")
    );
    api_ok(
        &app,
        &token,
        Method::POST,
        "/stories/welcome/reopen",
        json!({}),
    )
    .await;
    assert!(
        !app.story_page()
            .await
            .contains("Replies to this story are closed.")
    );

    // A block hides its author's replies on every page.
    read_twice(&app).await;
    let block = json!({"kind": "actor", "value": peer.actor("bob")});
    api_ok(&app, &token, Method::POST, "/blocks", block).await;
    assert!(!app.story_page().await.contains("A second opinion"));
}

#[tokio::test]
async fn each_view_of_the_conversation_is_kept_apart() {
    let app = open_app().await;
    let peer = Peer::start().await;
    answered(&app, &peer, "alice", "older", "The older thread").await;
    let (newer, _) = answered(&app, &peer, "bob", "newer", "The newer thread").await;
    let order = |page: &str| page.find("The older thread") < page.find("The newer thread");
    for _ in 0..2 {
        assert!(order(&app.story_page().await));
        let newest = app.get_html(&format!("{STORY}?sort=newest")).await;
        assert!(!order(&newest.text().await.unwrap()));
        let alone = app.get_html(&format!("{STORY}?thread={newer}")).await;
        let alone = alone.text().await.unwrap();
        assert!(alone.contains("The newer thread") && !alone.contains("The older thread"));
    }
}

#[tokio::test]
async fn an_editors_signed_in_view_is_never_served_to_readers_nor_theirs_to_the_editor() {
    let app = open_app().await;
    let peer = Peer::start().await;
    answered(&app, &peer, "alice", "one", "A reader's reply").await;
    let editor = login(&app).await;

    // The editor first: their view of the conversation has the desk's controls.
    let desk = editor.get(&app, "/admin/stories/welcome/thread").await;
    let desk = desk.text().await.unwrap();
    assert!(desk.contains("A reader's reply") && desk.contains(&editor.csrf));
    assert!(desk.contains("/hide\""), "{desk}");
    // The public page read with the editor's session is the readers' page.
    let as_editor = editor.get(&app, STORY).await.text().await.unwrap();
    for anonymous in [app.story_page().await, app.story_page().await] {
        assert!(anonymous.contains("A reader's reply"));
        for private in [
            editor.csrf.as_str(),
            "/hide\"",
            "name=\"csrf\"",
            "Send answer",
        ] {
            assert!(
                !anonymous.contains(private),
                "{private} leaked: {anonymous}"
            );
            assert!(!as_editor.contains(private), "{private} on the public page");
        }
    }
    // And the readers' kept page never stands in for the desk's.
    let desk_again = editor.get(&app, "/admin/stories/welcome/thread").await;
    let desk_again = desk_again.text().await.unwrap();
    assert!(desk_again.contains(&editor.csrf) && desk_again.contains("/hide\""));
    // Without the session, the desk is not shown at all.
    let signed_out = app
        .client
        .get(app.url("/admin/stories/welcome/thread"))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
}
