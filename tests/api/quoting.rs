//! The newsroom quoting a reader (FEP-044f, the quoting side): an editor's answer quotes the
//! reader's post, their server is asked for a stamp, and the page and the wire follow its
//! answer. Stamps are believed only from the quoted author and only when they say the right
//! thing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, WAIT, spawn_app},
    peer::{Delivery, Peer},
    quotes::to_inbox,
};

/// The reader's reply, published, and its row id here.
async fn published_reply(app: &TestApp, peer: &Peer, who: &str, name: &str) -> (String, i64) {
    let sent = app
        .reply_from(peer, who, name, &format!("{name} says hello"))
        .await;
    assert_eq!(sent.status(), 202);
    let ap_id = format!("{}/notes/{name}", peer.base);
    let db = app.db().await;
    let id = broadsheet::domain::reply::find(&db, &ap_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    (ap_id, id)
}

async fn answer(app: &TestApp, token: &str, id: i64, quote: bool) -> reqwest::Response {
    app.api(Method::POST, &format!("/replies/{id}/answer"), token)
        .await
        .json(&json!({ "content": "Thank you, we looked into it.", "quote": quote }))
        .send()
        .await
        .unwrap()
}

async fn quote_request_for(peer: &Peer, quoted: &str) -> Delivery {
    let quoted = json!(quoted);
    peer.wait_for(WAIT, |d| {
        d.body["type"] == "QuoteRequest" && d.body["object"] == quoted
    })
    .await
}

/// A stamp `who` issues for `note` quoting `target`, served by the peer.
fn stamp(peer: &Peer, who: &str, name: &str, note: &str, target: &str) -> String {
    let id = format!("{}/stamps/{name}", peer.actor(who));
    peer.host(
        &format!("/users/{who}/stamps/{name}"),
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id, "type": "QuoteAuthorization", "attributedTo": peer.actor(who),
            "interactingObject": note, "interactionTarget": target,
        }),
    );
    id
}

fn answer_activity(
    peer: &Peer,
    who: &str,
    kind: &str,
    request: &Value,
    result: Option<&str>,
) -> Value {
    let mut activity = json!({
        "id": format!("{}/answers/{}", peer.actor(who), uuid::Uuid::new_v4().simple()),
        "type": kind, "actor": peer.actor(who), "object": request,
    });
    if let Some(result) = result {
        activity["result"] = json!(result);
    }
    activity
}

async fn note_json(app: &TestApp, note: &str) -> Value {
    app.get_ap_json(note).await
}

#[tokio::test]
async fn an_answer_quoting_a_reader_is_pending_until_their_stamp_then_stands_until_withdrawn() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let (quoted, id) = published_reply(&app, &peer, "reader", "tip").await;

    let created = answer(&app, &token, id, true).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["quote"]["state"], "pending");
    assert_eq!(created["quote"]["of"], quoted.as_str());
    let note = created["ap_id"].as_str().unwrap().to_string();

    // Their server is asked, at the reader's own inbox, with our Note embedded.
    let request = quote_request_for(&peer, &quoted).await;
    assert_eq!(request.path, "/users/reader/inbox");
    assert_eq!(request.body["actor"], app.url("/@news"));
    assert_eq!(request.body["instrument"]["id"], note.as_str());
    assert_eq!(request.body["instrument"]["quote"], quoted.as_str());
    // Servers without quotes still see what is quoted.
    let content = request.body["instrument"]["content"].as_str().unwrap();
    assert!(
        content.contains("RE: ") && content.contains(&quoted),
        "{content}"
    );
    let wire = note_json(&app, &note).await;
    assert_eq!(wire["quote"], quoted.as_str());
    assert_eq!(wire["_misskey_quote"], quoted.as_str());
    assert!(wire.get("quoteAuthorization").is_none());
    let page = app
        .page_until(|p| p.contains("pending approval from their server"))
        .await;
    assert!(page.contains("@reader@"), "the quoted author is named");

    let stamp_id = stamp(&peer, "reader", "1", &note, &quoted);
    let accept = answer_activity(&peer, "reader", "Accept", &request.body, Some(&stamp_id));
    assert_eq!(to_inbox(&peer, "reader", &app, &accept).await, 202);

    // Everyone who got the Note hears that the quote stands; the page shows the quoted post.
    let stamp_json = json!(stamp_id);
    let update = peer
        .wait_for(WAIT, |d| {
            d.body["type"] == "Update" && d.body["object"]["quoteAuthorization"] == stamp_json
        })
        .await;
    assert_eq!(update.body["object"]["id"], note.as_str());
    assert_eq!(
        note_json(&app, &note).await["quoteAuthorization"],
        stamp_id.as_str()
    );
    let page = app
        .page_until(|p| p.contains("class=\"quoted-post\""))
        .await;
    assert!(!page.contains("pending approval"));
    assert!(page.contains("tip says hello"));

    // The reader changes their mind: the stamp is deleted, and our quote falls.
    let delete = json!({
        "id": format!("{stamp_id}#delete"), "type": "Delete",
        "actor": peer.actor("reader"), "object": stamp_id,
    });
    assert_eq!(to_inbox(&peer, "reader", &app, &delete).await, 202);
    let page = app
        .page_until(|p| p.contains("withdrew their approval"))
        .await;
    assert!(!page.contains("class=\"quoted-post\""));
    assert!(
        note_json(&app, &note)
            .await
            .get("quoteAuthorization")
            .is_none()
    );
    // The withdrawal is sent on: an Update of the Note without the stamp.
    peer.wait_for(WAIT, |d| {
        d.body["type"] == "Update"
            && d.body["object"]["id"] == note.as_str()
            && d.body["object"].get("quoteAuthorization").is_none()
    })
    .await;
}

#[tokio::test]
async fn a_stamp_counts_only_from_the_quoted_author_and_only_for_this_quote() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let elsewhere = Peer::start().await;
    let (quoted, id) = published_reply(&app, &peer, "reader", "claim").await;
    let created: Value = answer(&app, &token, id, true).await.json().await.unwrap();
    let note = created["ap_id"].as_str().unwrap().to_string();
    let request = quote_request_for(&peer, &quoted).await.body;

    // Someone else on the same server cannot approve it.
    let forged = stamp(&peer, "mallory", "1", &note, &quoted);
    let by_mallory = answer_activity(&peer, "mallory", "Accept", &request, Some(&forged));
    assert_eq!(to_inbox(&peer, "mallory", &app, &by_mallory).await, 403);
    // A stamp for another post, or one served by another server, is refused.
    let wrong = stamp(&peer, "reader", "wrong", &format!("{note}-other"), &quoted);
    let for_other = answer_activity(&peer, "reader", "Accept", &request, Some(&wrong));
    assert_eq!(to_inbox(&peer, "reader", &app, &for_other).await, 422);
    let foreign = stamp(&elsewhere, "reader", "1", &note, &quoted);
    let off_host = answer_activity(&peer, "reader", "Accept", &request, Some(&foreign));
    assert_eq!(to_inbox(&peer, "reader", &app, &off_host).await, 422);
    // A stamp that does not answer is not taken either.
    let missing = format!("{}/stamps/missing", peer.actor("reader"));
    let gone = answer_activity(&peer, "reader", "Accept", &request, Some(&missing));
    assert!(to_inbox(&peer, "reader", &app, &gone).await >= 400);

    assert!(
        note_json(&app, &note)
            .await
            .get("quoteAuthorization")
            .is_none()
    );
    assert!(
        peer.received_of("Update").is_empty(),
        "nothing changed, nothing sent"
    );
    let page = app.get_html(STORY).await.text().await.unwrap();
    assert!(page.contains("pending approval from their server"));

    // The reader says no: the page says so, and nothing stands.
    let reject = answer_activity(&peer, "reader", "Reject", &request, None);
    assert_eq!(to_inbox(&peer, "reader", &app, &reject).await, 202);
    app.page_until(|p| p.contains("declined to be quoted"))
        .await;
    assert!(
        note_json(&app, &note)
            .await
            .get("quoteAuthorization")
            .is_none()
    );
}

#[tokio::test]
async fn only_a_readers_published_reply_can_be_quoted() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let (_, id) = published_reply(&app, &peer, "reader", "plain").await;
    // An answer without a quote asks nobody.
    let plain: Value = answer(&app, &token, id, false).await.json().await.unwrap();
    assert!(plain["quote"].is_null());
    // Our own answer cannot be quoted by us, and a hidden reply cannot be quoted at all.
    let ours = plain["id"].as_i64().unwrap();
    assert_eq!(answer(&app, &token, ours, true).await.status(), 422);
    let hidden = app
        .api(Method::POST, &format!("/replies/{id}/hide"), &token)
        .await
        .send()
        .await
        .unwrap();
    assert!(hidden.status().is_success());
    assert_eq!(answer(&app, &token, id, true).await.status(), 422);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(peer.received_of("QuoteRequest").is_empty());
}

#[tokio::test]
async fn an_editor_quotes_a_reader_from_the_admin_thread() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let (quoted, id) = published_reply(&app, &peer, "reader", "desk").await;
    let editor = crate::admin::login(&app).await;
    let thread = editor
        .get(&app, "/admin/stories/welcome/thread")
        .await
        .text()
        .await
        .unwrap();
    assert!(thread.contains("name=\"quote\""), "{thread}");
    let sent = editor
        .post(
            &app,
            &format!("/admin/replies/{id}/answer"),
            &[("content", "Quoted at the desk."), ("quote", "1")],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let request = quote_request_for(&peer, &quoted).await;
    assert_eq!(request.body["instrument"]["quote"], quoted.as_str());
    app.page_until(|p| p.contains("pending approval from their server"))
        .await;
}
