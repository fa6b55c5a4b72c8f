//! A server that has not answered a delivery lately (a new one, or one failing) is tried with
//! care: a couple of deliveries at a time, so servers that are gone cannot take many slots; one
//! that answers gets its full share.

use std::time::Duration;

use serde_json::json;

use crate::{
    helpers::{TestApp, WAIT, count_reaches, spawn_app_with},
    peer::Peer,
};

/// Readers of one server, each with an inbox of its own, so a story is one delivery each.
const READERS: usize = 12;

/// Sends a story to `READERS` inboxes of one slow server; returns how many it was answering
/// at once at most.
async fn most_at_once(app: &TestApp) -> usize {
    let peer = Peer::start().await;
    peer.without_shared_inbox();
    let (news, inbox) = (app.url("/@news"), app.url("/inbox"));
    for n in 0..READERS {
        let (_, response) = peer.follow(&format!("r{n}"), &news, &inbox).await;
        assert_eq!(response.status(), 202);
    }
    // The Accepts arrived, and their outcomes (which prove the server) are written.
    let db = app.db().await;
    let delivered = "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'";
    count_reaches(&db, delivered, READERS as i64).await;
    db.close().await.ok();
    let deadline = tokio::time::Instant::now() + WAIT;
    peer.answer_after(Duration::from_millis(300));
    app.publish(
        &app.token(),
        json!({"title": "Harbour expands", "body": "Two new berths."}),
    )
    .await;
    while peer.received_of("Create").len() < READERS {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the story did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Counted for this server's key only: another test's server may still be delivering to
    // an earlier peer that had this port.
    peer.most_at_once_from(&app.url(""))
}

#[tokio::test]
async fn a_server_that_has_not_answered_lately_gets_few_deliveries_at_once() {
    // No answer counts as recent here: every server stays unproven. An attempt slower than
    // `slow_after_ms` hands its slot on (another rule, tested in `delivery`); on a busy
    // machine a 300 ms answer can take that long, so it is set out of reach.
    let careful = spawn_app_with(|s| {
        s.delivery.proven_within_secs = 0;
        s.delivery.slow_after_ms = 60_000;
    })
    .await;
    let most = most_at_once(&careful).await;
    assert!(most <= 2, "{most} at once");
    // By default, the server proved itself with the Accepts.
    let app = spawn_app_with(|s| s.delivery.slow_after_ms = 60_000).await;
    let most = most_at_once(&app).await;
    assert!(most > 2, "only {most} at once for a server that answers");
}
