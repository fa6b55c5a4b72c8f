//! Hostile and broken peers: forged keys, giant bodies, endless and looping chains, hostile
//! names, servers that hang. Each gets a clear answer, bounded work, and nothing stored.

use serde_json::json;
use tokio::net::TcpListener;

use crate::{
    helpers::{STORY, spawn_app, spawn_app_with},
    peer::Peer,
};

#[tokio::test]
async fn a_reply_signed_with_someone_elses_key_is_refused() {
    let app = spawn_app().await;
    let (alice_host, forger) = (Peer::start().await, Peer::start().await);
    let note = alice_host.note("alice", "n", &app.url(STORY), "<p>not really alice</p>");
    // Forger signs with its own key but names Alice's key (and Alice as the actor).
    let response = forger
        .send_claiming_key(
            &alice_host.actor("alice"),
            &app.url("/inbox"),
            &alice_host.create(&note),
        )
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.stored_replies().await, 0);
}

#[tokio::test]
async fn a_ten_megabyte_body_is_refused_before_anything_else() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let huge = format!("{{\"content\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let response = peer
        .send_raw("alice", &app.url("/inbox"), huge.into_bytes(), |_| {})
        .await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn a_thousand_deep_chain_and_a_loop_cost_bounded_fetches_and_store_nothing() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    // n0 answers the story; n1 answers n0; … n999. Only n999 is delivered.
    let mut parent = app.url(STORY);
    for i in 0..1000 {
        let note = peer.note(
            "deep",
            &format!("n{i}"),
            &parent,
            &format!("<p>level {i}</p>"),
        );
        parent = note["id"].as_str().unwrap().to_string();
    }
    let last = peer.note("deep", "last", &parent, "<p>the bottom</p>");
    assert_eq!(
        peer.send("deep", &inbox, &peer.create(&last))
            .await
            .status(),
        202
    );

    // x and y answer each other; z answers x.
    let x_id = format!("{}/notes/x", peer.base);
    let y = peer.note("loop", "y", &x_id, "<p>y</p>");
    peer.note("loop", "x", y["id"].as_str().unwrap(), "<p>x</p>");
    let z = peer.note("loop", "z", &x_id, "<p>z</p>");
    assert_eq!(
        peer.send("loop", &inbox, &peer.create(&z)).await.status(),
        202
    );

    app.inbox_jobs_drained().await;
    assert_eq!(app.stored_replies().await, 0);
    let budget = 24 * 2; // the default fetch budget, for each of the two activities
    assert!(
        peer.document_gets() <= budget,
        "{} fetches",
        peer.document_gets()
    );
    assert!(
        !app.get_html(STORY)
            .await
            .text()
            .await
            .unwrap()
            .contains("the bottom")
    );
}

#[tokio::test]
async fn hostile_names_are_shown_as_text() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    peer.rename(
        "mallory",
        "<script>alert('name')</script><img src=x onerror=alert(1)>Mallory",
    );
    let note = peer.note("mallory", "m", &app.url(STORY), "<p>hello</p>");
    let mut note = note;
    note["summary"] = json!("<b>cw</b><script>alert(3)</script>");
    assert_eq!(
        peer.send("mallory", &app.url("/inbox"), &peer.create(&note))
            .await
            .status(),
        202
    );
    let page = app.get_html(STORY).await.text().await.unwrap();
    assert!(
        page.contains(
            "&lt;script&gt;alert('name')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;Mallory"
        ),
        "{page}"
    );
    assert!(!page.contains("<script>alert"));
    assert!(
        page.contains("<summary>cwalert(3)</summary>") || page.contains("<summary>cw</summary>"),
        "content warning as text"
    );
}

/// A server that accepts connections and never answers.
async fn hanging_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_server_that_hangs_delays_nobody_and_stores_nothing() {
    let app = spawn_app_with(|s| {
        s.delivery.timeout_secs = 1;
        s.delivery.connect_timeout_secs = 1;
    })
    .await;
    let peer = Peer::start().await;
    let hang = hanging_server().await;
    // A reply whose parent lives on the hanging server: queued at once, never stored.
    let note = peer.note(
        "alice",
        "a",
        &format!("{hang}/notes/1"),
        "<p>answering a hung server</p>",
    );
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &peer.create(&note))
            .await
            .status(),
        202
    );
    // An actor on the hanging server: its key cannot be fetched, so its request is refused.
    let signer = Peer::start().await;
    let forged = json!({"id": format!("{hang}/activities/1"), "type": "Like", "actor": format!("{hang}/users/x"), "object": app.url(STORY)});
    let response = signer
        .send_raw(
            "x",
            &app.url("/inbox"),
            forged.to_string().into_bytes(),
            |h| {
                let sig = h["signature"]
                    .to_str()
                    .unwrap()
                    .replace(&signer.actor("x"), &format!("{hang}/users/x"));
                h.insert("signature", sig.parse().unwrap());
            },
        )
        .await;
    assert_eq!(response.status(), 401);
    // Meanwhile a good reply is stored as usual.
    let good = peer.note("bob", "b", &app.url(STORY), "<p>still flowing</p>");
    assert_eq!(
        peer.send("bob", &app.url("/inbox"), &peer.create(&good))
            .await
            .status(),
        202
    );
    app.inbox_jobs_tried().await;
    let page = app.story_page().await;
    assert!(page.contains("still flowing"));
    assert!(!page.contains("answering a hung server"));
}

#[tokio::test]
async fn a_reply_that_failed_on_our_side_is_stored_when_it_is_sent_again() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let db = app.db().await;
    use sea_orm::ConnectionTrait;
    let note = peer.note("alice", "retry", &app.url(STORY), "<p>worth the retry</p>");
    let create = peer.create(&note);

    // Break storage: the reply cannot be stored, and the answer says it is our fault.
    db.execute_unprepared("ALTER TABLE replies RENAME TO replies_away")
        .await
        .unwrap();
    let failed = peer.send("alice", &app.url("/inbox"), &create).await;
    assert_eq!(failed.status(), 500);
    db.execute_unprepared("ALTER TABLE replies_away RENAME TO replies")
        .await
        .unwrap();

    // The sender retries the same activity: it is processed, not taken for a duplicate.
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &create)
            .await
            .status(),
        202
    );
    assert!(
        app.get_html(STORY)
            .await
            .text()
            .await
            .unwrap()
            .contains("worth the retry")
    );
    assert_eq!(app.stored_replies().await, 1);
}
