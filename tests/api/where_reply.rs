//! "Where's my reply?" (`/where`): a reader pastes the address of their post and learns its
//! state here. A post that never reached us is fetched then and there (signed, from its own
//! server) and taken in as if delivered; failures and posts that are not ours are answered
//! clearly, and look-ups are limited per client address.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, count, spawn_app, spawn_app_with},
    peer::Peer,
};

/// What `/where` answers in JSON for `address`, with its status.
pub async fn where_json(app: &TestApp, address: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .get(app.url("/where"))
        .query(&[("url", address)])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn state_of(app: &TestApp, address: &str) -> Value {
    let (status, body) = where_json(app, address).await;
    assert_eq!(status, 200, "{address}: {body}");
    body
}

fn note_id(peer: &Peer, name: &str) -> String {
    format!("{}/notes/{name}", peer.base)
}

async fn api_send(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> u16 {
    app.api(method, path, token)
        .await
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn stored(app: &TestApp, ap_id: &str) -> i64 {
    let db = app.db().await;
    let n = count(
        &db,
        &format!("SELECT COUNT(*) FROM replies WHERE ap_id = '{ap_id}'"),
    )
    .await;
    db.close().await.ok();
    n
}

#[tokio::test]
async fn where_answers_published_held_hidden_and_blocked_for_stored_replies() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;

    // Published: with a link to the reply on the story page.
    app.reply_from(&peer, "alice", "shown", "a published reply")
        .await;
    let found = state_of(&app, &note_id(&peer, "shown")).await;
    assert_eq!(found["state"], "published", "{found}");
    assert_eq!(found["fetched_now"], false);
    let link = found["link"].as_str().unwrap();
    let id = found["reply_id"].as_i64().unwrap();
    assert_eq!(link, format!("{}#reply-{id}", app.url(STORY)));
    assert!(
        app.story_page()
            .await
            .contains(&format!("id=\"reply-{id}\""))
    );

    // Hidden by an editor.
    app.reply_from(&peer, "carol", "hidden", "to be hidden")
        .await;
    let id = state_of(&app, &note_id(&peer, "hidden")).await["reply_id"]
        .as_i64()
        .unwrap();
    let hide = api_send(
        &app,
        &token,
        Method::POST,
        &format!("/replies/{id}/hide"),
        json!({}),
    )
    .await;
    assert_eq!(hide, 204);
    let found = state_of(&app, &note_id(&peer, "hidden")).await;
    assert_eq!(found["state"], "hidden", "{found}");
    assert!(found["link"].is_null(), "no link to what is not shown");

    // Blocked: the author was blocked after the reply was stored.
    app.reply_from(&peer, "dave", "blocked", "from a blocked account")
        .await;
    let block = json!({"kind": "actor", "value": peer.actor("dave")});
    assert_eq!(
        api_send(&app, &token, Method::POST, "/blocks", block).await,
        201
    );
    assert_eq!(
        state_of(&app, &note_id(&peer, "blocked")).await["state"],
        "blocked"
    );

    // Held: waiting for an editor.
    let mode = json!({"mode": "hold-all"});
    assert_eq!(
        api_send(&app, &token, Method::PUT, "/moderation/mode", mode).await,
        200
    );
    app.reply_from(&peer, "bob", "held", "waiting for an editor")
        .await;
    let found = state_of(&app, &note_id(&peer, "held")).await;
    assert_eq!(found["state"], "held", "{found}");
    assert!(
        found["explanation"]
            .as_str()
            .unwrap()
            .contains("waiting for an editor")
    );

    // The page's own address (`url`) finds it as well as its id.
    let page = app
        .get_html(&format!("/where?url={}", note_id(&peer, "held")))
        .await;
    assert_eq!(page.status(), 200);
    let text = page.text().await.unwrap();
    assert!(
        text.contains("data-state=\"held\"") && text.contains("waiting for an editor to approve"),
        "{text}"
    );
}

#[tokio::test]
async fn a_reply_never_delivered_is_fetched_and_published_then_and_there() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    // Delivered to nobody: as Mastodon does with a reply to a reply, or a lost delivery.
    peer.note("erin", "lost", &app.url(STORY), "<p>lost in transit</p>");
    app.reply_from(&peer, "alice", "parent", "the parent we hold")
        .await;
    peer.note(
        "frank",
        "to-reply",
        &note_id(&peer, "parent"),
        "<p>answering alice</p>",
    );
    assert_eq!(stored(&app, &note_id(&peer, "lost")).await, 0);

    let found = state_of(&app, &note_id(&peer, "lost")).await;
    assert_eq!(found["state"], "published", "{found}");
    assert_eq!(found["fetched_now"], true);
    assert!(found["link"].as_str().unwrap().contains("#reply-"));
    assert!(app.story_page().await.contains("lost in transit"));
    // The signed fetches came from our instance actor.
    assert!(peer.document_gets() >= 1);

    // A reply to a reply, never delivered, placed under its parent.
    let found = state_of(&app, &note_id(&peer, "to-reply")).await;
    assert_eq!(found["state"], "published", "{found}");
    assert!(app.story_page().await.contains("answering alice"));

    // Asked again, it is simply found.
    let again = state_of(&app, &note_id(&peer, "lost")).await;
    assert_eq!(again["fetched_now"], false);
    assert_eq!(stored(&app, &note_id(&peer, "lost")).await, 1);
}

#[tokio::test]
async fn closed_stories_posts_not_ours_and_failed_fetches_are_answered_clearly() {
    let app = spawn_app_with(|s| s.web.where_lookups_per_minute = 100).await;
    let token = app.token();
    let peer = Peer::start().await;

    // Closed: the story stopped taking replies; the post is not stored.
    let story = app
        .publish(
            &token,
            json!({"title": "Closed to replies", "body": "Done."}),
        )
        .await;
    let slug = story["slug"].as_str().unwrap();
    let close = api_send(
        &app,
        &token,
        Method::POST,
        &format!("/stories/{slug}/close"),
        json!({}),
    )
    .await;
    assert_eq!(close, 200);
    peer.note(
        "gail",
        "late",
        story["url"].as_str().unwrap(),
        "<p>too late</p>",
    );
    let found = state_of(&app, &note_id(&peer, "late")).await;
    assert_eq!(found["state"], "closed", "{found}");
    assert_eq!(stored(&app, &note_id(&peer, "late")).await, 0);

    // Not a reply to our stories: a post that answers nothing, one that answers someone else's.
    let top = note_id(&peer, "top");
    peer.host(
        "/notes/top",
        json!({"id": top, "type": "Note", "attributedTo": peer.actor("gail"), "content": "<p>hello</p>",
               "to": ["https://www.w3.org/ns/activitystreams#Public"]}),
    );
    assert_eq!(state_of(&app, &top).await["state"], "not_ours");
    peer.note(
        "gail",
        "elsewhere",
        &top,
        "<p>answering a post elsewhere</p>",
    );
    let found = state_of(&app, &note_id(&peer, "elsewhere")).await;
    assert_eq!(found["state"], "not_ours", "{found}");
    assert_eq!(stored(&app, &note_id(&peer, "elsewhere")).await, 0);
    // Our own pages are never fetched as remote.
    let ours = state_of(&app, &app.url(STORY)).await;
    assert_eq!(ours["state"], "not_ours");
    assert!(
        ours["detail"].as_str().unwrap().contains("on this site"),
        "{ours}"
    );

    // Never received, and the fetch fails: gone, or the server down.
    let found = state_of(&app, &note_id(&peer, "no-such-post")).await;
    assert_eq!(found["state"], "never_received", "{found}");
    assert!(found["detail"].as_str().unwrap().contains("404"), "{found}");
    peer.documents_answer_with(503);
    let found = state_of(&app, &note_id(&peer, "lost")).await;
    assert_eq!(found["state"], "never_received", "{found}");
    peer.documents_answer_with(0);

    // A server blocked here is not even asked.
    let spam = Peer::start().await;
    spam.note("x", "spam", &app.url(STORY), "<p>spam</p>");
    let block = json!({"kind": "domain", "value": format!("127.0.0.1:{}", spam.port)});
    assert_eq!(
        api_send(&app, &token, Method::POST, "/blocks", block).await,
        201
    );
    assert_eq!(
        state_of(&app, &note_id(&spam, "spam")).await["state"],
        "blocked"
    );
    assert_eq!(spam.document_gets(), 0);

    // Addresses that are not web URLs are refused, and nothing is fetched.
    for bad in ["ftp://example.com/x", "not a url", "javascript:alert(1)"] {
        let (status, body) = where_json(&app, bad).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(
            body["error"].as_str().unwrap_or_default().contains("http"),
            "{body}"
        );
    }
    let page = app.get_html("/where?url=ftp://example.com/x").await;
    assert_eq!(page.status(), 422);
    assert!(page.text().await.unwrap().contains("role=\"alert\""));
    let form = app.get_html("/where").await;
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("name=\"url\""));
}

#[tokio::test]
async fn look_ups_are_limited_per_client_address() {
    let app = spawn_app_with(|s| s.web.where_lookups_per_minute = 2).await;
    let peer = Peer::start().await;
    for n in 0..2 {
        let (status, _) = where_json(&app, &note_id(&peer, &format!("none-{n}"))).await;
        assert_eq!(status, 200);
    }
    let limited = app
        .client
        .get(app.url("/where"))
        .query(&[("url", note_id(&peer, "none-3"))])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    // The seconds until the address's minute is over.
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let gets = peer.document_gets();
    let page = app
        .get_html(&format!("/where?url={}", note_id(&peer, "none-4")))
        .await;
    assert_eq!(page.status(), 429);
    assert_eq!(
        peer.document_gets(),
        gets,
        "a limited look-up fetches nothing"
    );
}

#[tokio::test]
async fn a_reply_an_editor_deleted_does_not_come_back_by_edit_redelivery_or_look_up() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    app.reply_from(&peer, "mallory", "removed", "deleted by the desk")
        .await;
    let id = state_of(&app, &note_id(&peer, "removed")).await["reply_id"]
        .as_i64()
        .unwrap();
    let deleted = api_send(
        &app,
        &token,
        Method::DELETE,
        &format!("/replies/{id}"),
        json!({}),
    )
    .await;
    assert_eq!(deleted, 204);
    assert!(!app.story_page().await.contains("deleted by the desk"));

    // Its author edits it (an edit of an unknown reply would be taken as its creation), sends
    // it again under a new activity id, and asks where it is, which would fetch it.
    let mut note = peer.note(
        "mallory",
        "removed",
        &app.url(STORY),
        "<p>deleted by the desk, again</p>",
    );
    note["updated"] = json!(chrono::Utc::now().to_rfc3339());
    let update = json!({
        "id": format!("{}/update-1", note["id"].as_str().unwrap()), "type": "Update",
        "actor": peer.actor("mallory"), "object": note,
    });
    assert!(
        peer.send("mallory", &app.url("/inbox"), &update)
            .await
            .status()
            .is_success()
    );
    let mut again = peer.create(&note);
    again["id"] = json!(format!("{}/create-2", note["id"].as_str().unwrap()));
    assert!(
        peer.send("mallory", &app.url("/inbox"), &again)
            .await
            .status()
            .is_success()
    );
    let found = state_of(&app, &note_id(&peer, "removed")).await;
    assert_eq!(found["state"], "hidden", "{found}");
    assert_eq!(found["fetched_now"], false, "{found}");

    let page = app.story_page().await;
    assert!(!page.contains("deleted by the desk"), "{page}");
    assert_eq!(stored(&app, &note_id(&peer, "removed")).await, 1);
    let counted: Value = app.get_ap_json("/stories/welcome/replies").await;
    assert_eq!(counted["totalItems"], 0, "{counted}");
}
