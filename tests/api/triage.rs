//! The desk's triage: signals beside every held and reported reply (the account's age and
//! record, its server's record, NodeInfo and policy, the reply's links, mentions and language),
//! per-server policies (trusted, held) that the moderation verdict applies, and bulk decisions.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    admin::login,
    helpers::{STORY, TestApp, WAIT, spawn_app, spawn_app_with},
    peer::Peer,
};

async fn api(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> Value {
    let response = app
        .api(method, path, token)
        .await
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn queue(app: &TestApp, token: &str) -> Vec<Value> {
    let queue = api(app, token, Method::GET, "/moderation/queue", Value::Null).await;
    queue["items"].as_array().unwrap().clone()
}

/// A peer that says in NodeInfo it runs Mastodon 4.5.0 with 42 users.
fn serve_nodeinfo(peer: &Peer) {
    let href = format!("{}/nodeinfo/2.1", peer.base);
    peer.host(
        "/.well-known/nodeinfo",
        json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href}]}),
    );
    peer.host(
        "/nodeinfo/2.1",
        json!({"version": "2.1", "software": {"name": "mastodon", "version": "4.5.0"},
               "usage": {"users": {"total": 42}}}),
    );
}

async fn hold_all(app: &TestApp, token: &str) {
    api(
        app,
        token,
        Method::PUT,
        "/moderation/mode",
        json!({"mode": "hold-all"}),
    )
    .await;
}

#[tokio::test]
async fn triage_signals_are_shown_for_a_held_reply() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    serve_nodeinfo(&peer);
    peer.set_profile("alice", json!({"published": "2020-01-01T00:00:00Z"}));
    // Alice was seen before: one reply published, then one hidden.
    app.reply_from(&peer, "alice", "old", "an earlier reply")
        .await;
    app.reply_from(&peer, "alice", "hid", "a hidden one").await;
    let stored = crate::where_reply::where_json(&app, &format!("{}/notes/hid", peer.base)).await;
    let hidden_id = stored.1["reply_id"].as_i64().unwrap();
    app.api(Method::POST, &format!("/replies/{hidden_id}/hide"), &token)
        .await
        .send()
        .await
        .unwrap();
    hold_all(&app, &token).await;
    let mention = peer.actor("bob");
    let mut note = peer.note(
        "alice",
        "held",
        &app.url(STORY),
        &format!(r#"<p><a href="{mention}" class="u-url mention">@bob</a> buy at <a href="https://shop.example/deal">this shop</a></p>"#),
    );
    note["tag"] = json!([{"type": "Mention", "href": mention, "name": "@bob@elsewhere"}]);
    note["contentMap"] = json!({"de": note["content"]});
    peer.send("alice", &app.url("/inbox"), &peer.create(&note))
        .await;
    // Someone reports it.
    let flag = json!({"id": format!("{}/flags/1", peer.actor("mod")), "type": "Flag",
        "actor": peer.actor("mod"), "object": [note["id"]], "content": "spam"});
    peer.send("mod", &app.url("/inbox"), &flag).await;

    let items = queue(&app, &token).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let signals = &items[0]["signals"];
    assert!(
        signals["account_age_days"].as_i64().unwrap() > 365 * 5,
        "{signals}"
    );
    assert_eq!(signals["seen_before"], true);
    assert_eq!(
        signals["account_replies"],
        json!({"published": 1, "held": 1, "hidden": 1})
    );
    assert_eq!(signals["instance_replies"]["hidden"], 1);
    assert_eq!(signals["instance_reports"], 1);
    assert_eq!(signals["account_reports"], 1);
    assert_eq!(signals["links"], json!(["https://shop.example/deal"]));
    assert_eq!(signals["mentions"], json!(["@bob@elsewhere"]));
    assert_eq!(signals["language"], "de");

    // NodeInfo is read in the background; the page shows it once read.
    let browser = login(&app).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let page = loop {
        let page = browser
            .get(&app, "/admin/moderation")
            .await
            .text()
            .await
            .unwrap();
        if page.contains("42 users") {
            break page;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no NodeInfo on the page:\n{page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(page.contains("mastodon 4.5.0"), "{page}");
    assert!(
        page.contains("days ago") && page.contains("seen before"),
        "{page}"
    );
    assert!(page.contains("1 published, 1 held, 1 hidden"), "{page}");
    assert!(
        page.contains("https://shop.example/deal") && page.contains("language: de"),
        "{page}"
    );
    let items = queue(&app, &token).await;
    assert_eq!(items[0]["signals"]["server"]["software"], "mastodon");
    assert_eq!(items[0]["signals"]["server"]["users"], 42);

    // The report shows the same signals.
    let reports = browser
        .get(&app, "/admin/reports")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        reports.contains("42 users") && reports.contains("1 links"),
        "{reports}"
    );
    let api_reports = api(&app, &token, Method::GET, "/reports", Value::Null).await;
    let id = note["id"].as_str().unwrap();
    assert_eq!(api_reports["items"][0]["signals"][id]["account_reports"], 1);
}

#[tokio::test]
async fn a_dead_server_leaves_the_queue_fast_and_says_so() {
    let app =
        spawn_app_with(|s| s.moderation.mode = broadsheet::config::ModerationMode::HoldAll).await;
    let token = app.token();
    let peer = Peer::start().await;
    app.reply_from(&peer, "alice", "a", "no nodeinfo here")
        .await;
    let started = std::time::Instant::now();
    let items = queue(&app, &token).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        items[0]["signals"]["server"].is_null()
            || items[0]["signals"]["server"]["error"].is_string()
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let items = queue(&app, &token).await;
        if items[0]["signals"]["server"]["error"].is_string() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{items:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn trusted_and_held_server_policies_act() {
    let app =
        spawn_app_with(|s| s.moderation.mode = broadsheet::config::ModerationMode::FirstTime).await;
    let token = app.token();
    let (trusted, held) = (Peer::start().await, Peer::start().await);
    let trusted_domain = format!("127.0.0.1:{}", trusted.port);
    let held_domain = format!("127.0.0.1:{}", held.port);

    // First-time: a newcomer waits, unless their server is trusted.
    app.reply_from(&trusted, "new", "n1", "before trust").await;
    assert_eq!(queue(&app, &token).await.len(), 1);
    let set = api(
        &app,
        &token,
        Method::PUT,
        &format!("/instances/{trusted_domain}/policy"),
        json!({"policy": "trusted", "reason": "a newsroom partner"}),
    )
    .await;
    assert_eq!(set, json!({"domain": trusted_domain, "policy": "trusted"}));
    app.reply_from(&trusted, "other", "n2", "trusted server words")
        .await;
    assert!(app.story_page().await.contains("trusted server words"));
    assert_eq!(queue(&app, &token).await.len(), 1);

    // Held: always queued, even in open mode and for an account approved before. Set in the admin.
    api(
        &app,
        &token,
        Method::PUT,
        "/moderation/mode",
        json!({"mode": "open"}),
    )
    .await;
    app.reply_from(&held, "carol", "c1", "shown while open")
        .await;
    assert!(app.story_page().await.contains("shown while open"));
    let browser = login(&app).await;
    let response = browser
        .post(
            &app,
            "/admin/instances/policy",
            &[("domain", &held_domain), ("policy", "held"), ("reason", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let blocks = browser
        .get(&app, "/admin/blocks")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        blocks.contains(&held_domain) && blocks.contains("<td>held</td>"),
        "{blocks}"
    );
    app.reply_from(&held, "carol", "c2", "held server words")
        .await;
    assert!(!app.story_page().await.contains("held server words"));
    let got = api(
        &app,
        &token,
        Method::GET,
        &format!("/instances/{held_domain}/policy"),
        Value::Null,
    )
    .await;
    assert_eq!(got["policy"], "held");
    let queued = queue(&app, &token).await;
    assert!(
        queued
            .iter()
            .any(|i| i["signals"]["instance_policy"] == "held"),
        "{queued:?}"
    );

    // Cleared, the mode decides again; a nonsense policy is refused.
    api(
        &app,
        &token,
        Method::PUT,
        &format!("/instances/{held_domain}/policy"),
        json!({"policy": null}),
    )
    .await;
    app.reply_from(&held, "carol", "c3", "open again").await;
    assert!(app.story_page().await.contains("open again"));
    let bad = app
        .api(
            Method::PUT,
            &format!("/instances/{held_domain}/policy"),
            &token,
        )
        .await
        .json(&json!({"policy": "blocked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn everything_held_from_an_account_or_a_server_is_decided_at_once() {
    let app =
        spawn_app_with(|s| s.moderation.mode = broadsheet::config::ModerationMode::HoldAll).await;
    let token = app.token();
    let (one, two) = (Peer::start().await, Peer::start().await);
    for n in 0..3 {
        app.reply_from(&one, "alice", &format!("a{n}"), &format!("alice says {n}"))
            .await;
    }
    app.reply_from(&one, "bob", "b0", "bob says hi").await;
    app.reply_from(&two, "carol", "c0", "carol stays").await;
    assert_eq!(queue(&app, &token).await.len(), 5);

    let done = api(
        &app,
        &token,
        Method::POST,
        "/moderation/bulk",
        json!({"action": "approve", "account": one.actor("alice")}),
    )
    .await;
    assert_eq!(done["replies"], 3);
    let page = app.story_page().await;
    assert!(
        (0..3).all(|n| page.contains(&format!("alice says {n}"))) && !page.contains("bob says hi")
    );

    // From the admin: hide everything held from the first server.
    let browser = login(&app).await;
    let domain = format!("127.0.0.1:{}", one.port);
    let response = browser
        .post(
            &app,
            "/admin/moderation/bulk",
            &[("action", "hide"), ("instance", &domain)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let left = queue(&app, &token).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["author"], two.actor("carol"));
    assert!(!app.story_page().await.contains("bob says hi"));

    // Both or neither, or another action: refused, nothing changes.
    let bad = app
        .api(Method::POST, "/moderation/bulk", &token)
        .await
        .json(&json!({"action": "delete", "instance": domain}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let bad = app
        .api(Method::POST, "/moderation/bulk", &token)
        .await
        .json(&json!({"action": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(queue(&app, &token).await.len(), 1);
}
