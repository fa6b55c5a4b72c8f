//! The conversation's `context` (FEP-7888, FEP-f228): on every object of ours, a collection of
//! exactly what the story page shows, and read from other servers by the backfill.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, spawn_app, spawn_app_with},
    peer::Peer,
};

const CONTEXT: &str = "/stories/welcome/context";

/// The items of a collection's first page, and its `totalItems`.
async fn items(app: &TestApp, collection: &str) -> (Vec<Value>, u64) {
    let collection = app.get_ap_json(collection).await;
    let total = collection["totalItems"].as_u64().unwrap();
    let page = app.get_ap_json(collection["first"].as_str().unwrap()).await;
    (page["orderedItems"].as_array().unwrap().clone(), total)
}

async fn row_id(app: &TestApp, ap_id: &str) -> i64 {
    let db = app.db().await;
    let id = broadsheet::domain::reply::find(&db, ap_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    db.close().await.ok();
    id
}

/// An editor's moderation of reply `id` through the API: `approve` or `hide`.
async fn moderate(app: &TestApp, token: &str, id: i64, action: &str) {
    let path = format!("/replies/{id}/{action}");
    let response = app.api(Method::POST, &path, token).await.send().await;
    assert!(response.unwrap().status().is_success(), "{action} {id}");
}

/// `who` on `peer` answers `parent`, delivered to our shared inbox; returns the note's id.
async fn answer(app: &TestApp, peer: &Peer, who: &str, name: &str, parent: &str) -> String {
    let note = peer.note(who, name, parent, &format!("<p>{name} says</p>"));
    let response = peer
        .send(who, &app.url("/inbox"), &peer.create(&note))
        .await;
    assert_eq!(response.status(), 202);
    note["id"].as_str().unwrap().to_string()
}

const POLICY: [&str; 4] = ["canReply", "canLike", "canAnnounce", "canQuote"];

#[tokio::test]
async fn articles_and_notes_carry_the_context_and_the_whole_policy() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let question = answer(&app, &peer, "reader", "question", &app.url(STORY)).await;
    app.inbox_jobs_drained().await;
    let id = row_id(&app, &question).await;
    let answered = app
        .api(Method::POST, &format!("/replies/{id}/answer"), &token)
        .await
        .json(&json!({"content": "Yes."}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);
    let ours: Value = answered.json().await.unwrap();

    let article = app.get_ap_json(STORY).await;
    let note = app.get_ap_json(ours["ap_id"].as_str().unwrap()).await;
    for object in [&article, &note] {
        assert_eq!(object["context"], app.url(CONTEXT), "{object}");
        for can in POLICY {
            assert!(
                object["interactionPolicy"][can]["automaticApproval"].is_array(),
                "{can} in {object}"
            );
        }
    }
    assert_eq!(note["interactionPolicy"], article["interactionPolicy"]);
    let collection = app.get_ap_json(CONTEXT).await;
    assert_eq!(collection["id"], app.url(CONTEXT));
    assert_eq!(collection["type"], "OrderedCollection");
}

/// Alice answers the story and Bob answers her; Carol answers the story. All three are held.
async fn held_thread(app: &TestApp, peer: &Peer) -> [(String, i64); 3] {
    let story = app.url(STORY);
    let a = answer(app, peer, "alice", "a", &story).await;
    let b = answer(app, peer, "bob", "b", &a).await;
    let c = answer(app, peer, "carol", "c", &story).await;
    app.inbox_jobs_drained().await;
    let mut out = Vec::new();
    for ap_id in [a, b, c] {
        let id = row_id(app, &ap_id).await;
        out.push((ap_id, id));
    }
    out.try_into().unwrap()
}

#[tokio::test]
async fn the_context_and_replies_list_exactly_what_the_page_shows() {
    let app =
        spawn_app_with(|s| s.moderation.mode = broadsheet::config::ModerationMode::HoldAll).await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = json!(app.url(STORY));
    let [(a, a_id), (b, b_id), (_, c_id)] = held_thread(&app, &peer).await;
    assert_eq!(items(&app, CONTEXT).await, (vec![story.clone()], 1));

    // Alice approved; Bob still held; Carol approved, then hidden.
    moderate(&app, &token, a_id, "approve").await;
    moderate(&app, &token, c_id, "approve").await;
    moderate(&app, &token, c_id, "hide").await;
    let page = app.story_page().await;
    assert!(page.contains("a says") && !page.contains("b says") && !page.contains("c says"));
    let (a, b) = (json!(a), json!(b));
    assert_eq!(
        items(&app, CONTEXT).await,
        (vec![story.clone(), a.clone()], 2)
    );
    let replies = "/stories/welcome/replies";
    assert_eq!(items(&app, replies).await, (vec![a.clone()], 1));
    let answers_to_a = format!("/replies/{a_id}/replies");
    assert_eq!(items(&app, &answers_to_a).await, (vec![], 0));

    // Approving Bob lists him everywhere the page shows him.
    moderate(&app, &token, b_id, "approve").await;
    assert!(app.story_page().await.contains("b says"));
    let whole = vec![story, a.clone(), b.clone()];
    assert_eq!(items(&app, CONTEXT).await, (whole, 3));
    assert_eq!(items(&app, &answers_to_a).await, (vec![b.clone()], 1));
    assert_eq!(items(&app, replies).await, (vec![a, b], 2));
}

#[tokio::test]
async fn blocked_and_deleted_replies_leave_every_collection() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let a = answer(&app, &peer, "alice", "a", &story).await;
    let b = answer(&app, &peer, "bob", "b", &a).await;
    let c = answer(&app, &peer, "carol", "c", &story).await;
    app.inbox_jobs_drained().await;
    let (a_id, c_id) = (row_id(&app, &a).await, row_id(&app, &c).await);
    assert_eq!(items(&app, CONTEXT).await.1, 4);

    // Alice is blocked (her reply stays as a placeholder over Bob's); Carol's is deleted.
    let block = json!({"kind": "actor", "value": peer.actor("alice")});
    let blocked = app.api(Method::POST, "/blocks", &token).await.json(&block);
    assert_eq!(blocked.send().await.unwrap().status(), 201);
    let path = format!("/replies/{c_id}");
    let deleted = app.api(Method::DELETE, &path, &token).await.send().await;
    assert!(deleted.unwrap().status().is_success());
    let page = app.story_page().await;
    assert!(!page.contains("a says") && page.contains("b says") && !page.contains("c says"));
    let b = json!(b);
    assert_eq!(
        items(&app, CONTEXT).await,
        (vec![json!(story), b.clone()], 2)
    );
    let replies = "/stories/welcome/replies";
    assert_eq!(items(&app, replies).await, (vec![b.clone()], 1));
    let answers_to_a = format!("/replies/{a_id}/replies");
    assert_eq!(items(&app, &answers_to_a).await, (vec![b], 1));
}

#[tokio::test]
async fn backfill_reads_a_remote_context_collection_by_the_origin_rules() {
    let app = spawn_app_with(|s| s.replies.crawl_interval_secs = 1).await;
    let (peer, elsewhere) = (Peer::start().await, Peer::start().await);
    let context = format!("{}/contexts/t1", peer.base);
    let mut a = peer.note("alice", "a", &app.url(STORY), "<p>Delivered</p>");
    a["context"] = json!(context);
    peer.host("/notes/a", a.clone());
    let a_id = a["id"].as_str().unwrap();
    // Bob's answer is in no replies collection, only in the conversation Alice's server keeps.
    let b = peer.note("bob", "b", a_id, "<p>Only in the context</p>");
    // Planted: an object of another origin embedded (and never served there), and one whose
    // author is on another origin (and which its own id does not serve).
    let mut forged = elsewhere.note("mallory", "m", a_id, "<p>Planted elsewhere</p>");
    elsewhere.host("/notes/m", json!({}));
    let mut borrowed = b.clone();
    borrowed["id"] = json!(format!("{}/notes/borrowed", peer.base));
    borrowed["attributedTo"] = json!(elsewhere.actor("mallory"));
    borrowed["content"] = json!("<p>Planted by a stranger</p>");
    forged["to"] = b["to"].clone();
    let page = json!({
        "id": format!("{context}?page=1"), "type": "OrderedCollectionPage", "partOf": context,
        "orderedItems": [a_id, forged, borrowed, b],
    });
    let collection = json!({"id": context, "type": "OrderedCollection", "first": page});
    peer.host("/contexts/t1", collection);
    let sent = peer
        .send("alice", &app.url("/inbox"), &peer.create(&a))
        .await;
    assert_eq!(sent.status(), 202);

    let shown = app.page_until(|p| p.contains("Only in the context")).await;
    assert!(!shown.contains("Planted"), "{shown}");
    let db = app.db().await;
    let stored = crate::helpers::count(&db, "SELECT COUNT(*) FROM replies").await;
    assert_eq!(stored, 2);
}

#[tokio::test]
async fn a_context_on_another_server_than_the_reply_is_not_kept() {
    let app = spawn_app().await;
    let (peer, elsewhere) = (Peer::start().await, Peer::start().await);
    let mut x = peer.note("alice", "x", &app.url(STORY), "<p>Elsewhere's context</p>");
    x["context"] = json!(format!("{}/contexts/t1", elsewhere.base));
    let mut y = peer.note("alice", "y", &app.url(STORY), "<p>Its own context</p>");
    y["context"] = json!(format!("{}/contexts/t2", peer.base));
    for note in [x, y] {
        let sent = peer
            .send("alice", &app.url("/inbox"), &peer.create(&note))
            .await;
        assert_eq!(sent.status(), 202);
    }
    app.inbox_jobs_drained().await;
    let db = app.db().await;
    let kept = "SELECT COUNT(*) FROM replies WHERE context_url IS NOT NULL";
    assert_eq!(crate::helpers::count(&db, kept).await, 1);
    assert_eq!(
        crate::helpers::count(&db, "SELECT COUNT(*) FROM replies").await,
        2
    );
}
