//! Outgoing webhooks: an event reaches a receiver on a loopback port, signed with the secret the
//! API showed once, and is retried when the receiver fails; every event kind is sent when it
//! happens and never twice; hostile or internal URLs are refused and nothing is stored.

mod receiver;

use std::time::Duration;

use axum::http::StatusCode;
use reqwest::Method;
use serde_json::{Value, json};

use self::receiver::{Received, receiver};
use crate::{
    admin::login,
    helpers::{STORY, TestApp, count, count_reaches, spawn_app, spawn_app_with},
    peer::Peer,
    quotes::{quote_request, quoting_post, to_inbox},
};

/// Subscribes `url` to `events` through the API; the answer (with the secret).
async fn subscribe(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Value {
    let response = app
        .api(Method::POST, "/webhooks", token)
        .await
        .json(&json!({ "url": url, "events": events }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// What a receiver does: the HMAC-SHA256 of the body under the secret, against the header.
fn verify(secret: &str, got: &Received) {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let header = got.header("x-broadsheet-signature");
    let hex = header.strip_prefix("sha256=").expect("sha256=<hex>");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    ring::hmac::verify(&key, &got.body, &bytes).expect("the signature matches the body");
    let timestamp: i64 = got.header("x-broadsheet-timestamp").parse().unwrap();
    assert_eq!(
        got.json()["timestamp"],
        timestamp,
        "the signed body carries the timestamp"
    );
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);
}

#[tokio::test]
async fn a_published_reply_is_signed_and_retried_until_the_receiver_takes_it() {
    let app = spawn_app().await;
    let token = app.token();
    let (url, hook) = receiver(&[500]).await;
    let created = subscribe(&app, &token, &url, &["reply.published"]).await;
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );

    let peer = Peer::start().await;
    assert_eq!(
        app.reply_from(&peer, "alice", "r1", "Hello, desk")
            .await
            .status(),
        202
    );
    let got = hook.until(2).await;

    // The first attempt got a 500; the retry is the same delivery, signed afresh.
    for attempt in &got {
        verify(secret, attempt);
        assert_eq!(attempt.header("x-broadsheet-event"), "reply.published");
        assert_eq!(attempt.header("content-type"), "application/json");
    }
    assert_eq!(
        got[0].header("x-broadsheet-delivery"),
        got[1].header("x-broadsheet-delivery")
    );
    let body = got[1].json();
    assert_eq!(body["event"], "reply.published");
    assert_eq!(body["story"]["slug"], "welcome");
    assert_eq!(body["story"]["url"], app.url(STORY));
    assert_eq!(
        body["author"]["handle"],
        format!("@alice@127.0.0.1:{}", peer.port)
    );
    assert_eq!(body["excerpt"], "Hello, desk");
    assert_eq!(body["reply"]["state"], "visible");
    assert!(body["reply"]["id"].is_i64());
    assert_eq!(body["admin_url"], app.url("/admin/stories/welcome/thread"));

    let db = app.db().await;
    count_reaches(
        &db,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered' AND attempts = 2",
        1,
    )
    .await;
    // Listed with how its deliveries stand, and never with the secret again.
    let listed: Value = app
        .api(Method::GET, "/webhooks", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["url"], url);
    assert_eq!(listed["items"][0]["deliveries"]["delivered"], 1);
    assert!(!listed.to_string().contains(secret));

    // The same reply delivered again is not a new event.
    app.reply_from(&peer, "alice", "r1", "Hello, desk").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hook.until(2).await.len(), 2);
}

#[tokio::test]
async fn held_replies_approvals_reports_and_quote_requests_each_alert_once() {
    let app =
        spawn_app_with(|s| s.moderation.mode = broadsheet::config::ModerationMode::HoldAll).await;
    let token = app.token();
    let (url, hook) = receiver(&[]).await;
    let all = [
        "reply.held",
        "reply.published",
        "report.created",
        "quote.requested",
    ];
    let secret = subscribe(&app, &token, &url, &all).await["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let (only_reports, reports_hook) = receiver(&[]).await;
    subscribe(&app, &token, &only_reports, &["report.created"]).await;
    let peer = Peer::start().await;

    app.reply_from(&peer, "bob", "held", "Wait for me").await;
    let held = hook.until(1).await[0].json();
    assert_eq!(held["event"], "reply.held");
    assert_eq!(held["admin_url"], app.url("/admin/moderation"));
    let id = held["reply"]["id"].as_i64().unwrap();

    let approved = app
        .api(Method::POST, &format!("/replies/{id}/approve"), &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 204);
    let published = hook.until(2).await[1].json();
    assert_eq!(
        (
            published["event"].as_str(),
            published["reply"]["id"].as_i64()
        ),
        (Some("reply.published"), Some(id))
    );

    let flag = json!({"id": format!("{}/flags/1", peer.actor("mod")), "type": "Flag",
        "actor": peer.actor("mod"), "object": [app.url(STORY)], "content": "Spam <b>here</b>"});
    assert_eq!(to_inbox(&peer, "mod", &app, &flag).await, 202);
    let report = hook.until(3).await[2].json();
    assert_eq!(report["event"], "report.created");
    assert_eq!(report["excerpt"], "Spam here");
    assert_eq!(report["story"]["slug"], "welcome");
    assert_eq!(report["admin_url"], app.url("/admin/reports"));
    // Only what a webhook asked for reaches it.
    let got = reports_hook.until(1).await;
    assert_eq!(got[0].json()["event"], "report.created");

    let post = quoting_post(&peer, "cat", "q1", "quote", &app.url(STORY));
    to_inbox(
        &peer,
        "cat",
        &app,
        &quote_request(&peer, "cat", &app.url(STORY), &post),
    )
    .await;
    let quote = hook.until(4).await[3].clone();
    verify(&secret, &quote);
    let quote = quote.json();
    assert_eq!(quote["event"], "quote.requested");
    assert_eq!(quote["quote"]["state"], "held");
    assert_eq!(
        quote["author"]["handle"],
        format!("@cat@127.0.0.1:{}", peer.port)
    );

    // A repeated Flag is no new report, so no new alert.
    to_inbox(&peer, "mod", &app, &flag).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hook.until(4).await.len(), 4);
    assert_eq!(reports_hook.until(1).await.len(), 1);
}

#[tokio::test]
async fn bad_webhooks_are_refused_and_nothing_is_stored() {
    let app = spawn_app_with(|s| s.dev = false).await;
    let token = app.token();
    for (body, field) in [
        (
            json!({"url": "ftp://chat.example/hook", "events": ["reply.held"]}),
            "url",
        ),
        (
            json!({"url": "https://chat.example/hook", "events": ["reply.deleted"]}),
            "events",
        ),
        (
            json!({"url": "https://chat.example/hook", "events": []}),
            "events",
        ),
        // Outside development mode an internal address is refused: it would be an SSRF.
        (
            json!({"url": "https://10.0.0.5/hook", "events": ["reply.held"]}),
            "url",
        ),
        (
            json!({"url": "https://[::1]/hook", "events": ["reply.held"]}),
            "url",
        ),
        (
            json!({"url": "https://localhost/hook", "events": ["reply.held"]}),
            "url",
        ),
        (
            json!({"url": "http://chat.example/hook", "events": ["reply.held"]}),
            "url",
        ),
    ] {
        let response = app
            .api(Method::POST, "/webhooks", &token)
            .await
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
        let answer: Value = response.json().await.unwrap();
        assert!(answer["fields"][field].is_array(), "{answer}");
    }
    let missing = app
        .api(Method::POST, "/webhooks", &token)
        .await
        .json(&json!({"url": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    let db = app.db().await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM webhooks").await, 0);
    assert_eq!(
        app.api(Method::DELETE, "/webhooks/99", &token)
            .await
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let anonymous = app
        .client
        .get(app.url("/api/v1/webhooks"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn editors_add_and_delete_webhooks_in_the_admin() {
    let app = spawn_app().await;
    let token = app.token();
    let browser = login(&app).await;
    let (url, _hook) = receiver(&[]).await;
    let page = browser
        .post(
            &app,
            "/admin/webhooks",
            &[
                ("url", &url),
                ("reply.held", "on"),
                ("report.created", "on"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let listed: Value = app
        .api(Method::GET, "/webhooks", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = &listed["items"][0];
    assert_eq!(item["events"], json!(["reply.held", "report.created"]));
    let db = app.db().await;
    let secret: String = {
        use sea_orm::ConnectionTrait;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT secret FROM webhooks",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    };
    // Shown once, on the page that answers the form; not on the list after.
    assert!(page.contains(&secret));
    let again = browser
        .get(&app, "/admin/webhooks")
        .await
        .text()
        .await
        .unwrap();
    assert!(again.contains(&url) && !again.contains(&secret));
    let id = item["id"].as_i64().unwrap();
    let deleted = browser
        .post(&app, &format!("/admin/webhooks/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM webhooks").await, 0);
    // And through the API.
    let created = subscribe(&app, &token, &url, &["reply.held"]).await;
    let path = format!("/webhooks/{}", created["id"]);
    assert_eq!(
        app.api(Method::DELETE, &path, &token)
            .await
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        app.api(Method::DELETE, &path, &token)
            .await
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_ends_the_delivery() {
    let app = spawn_app().await;
    let token = app.token();
    let (target, elsewhere) = receiver(&[]).await;
    let redirect = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let target = target.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [("location", target)]) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, redirect).await.ok() });
    subscribe(&app, &token, &url, &["reply.published"]).await;

    let peer = Peer::start().await;
    app.reply_from(&peer, "alice", "r1", "Redirected").await;
    let db = app.db().await;
    count_reaches(
        &db,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'failed' AND last_status = 307",
        1,
    )
    .await;
    assert!(
        elsewhere.received.lock().unwrap().is_empty(),
        "the redirect was followed"
    );
}
