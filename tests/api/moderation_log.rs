//! The moderation log: every editor action, from the admin and from the API, recorded with who
//! took it, when, on what and why; read in the admin and at `GET /api/v1/moderation/log`,
//! filtered by story, editor and account, and paged.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    admin::{Browser, login},
    helpers::{STORY, TestApp, spawn_app},
    peer::Peer,
    quotes::{quote_request, quoting_post, to_inbox},
};

async fn api(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> Value {
    let mut request = app.api(method, path, token).await;
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn admin(app: &TestApp, browser: &Browser, path: &str, fields: &[(&str, &str)]) {
    let response = browser.post(app, path, fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
}

/// The id of the stored reply `name` of `peer`.
async fn reply_id(app: &TestApp, peer: &Peer, name: &str) -> i64 {
    let (_, found) =
        crate::where_reply::where_json(app, &format!("{}/notes/{name}", peer.base)).await;
    found["reply_id"].as_i64().unwrap()
}

/// A quote of the sample story held for an editor; its id.
async fn held_quote(app: &TestApp, token: &str, peer: &Peer, name: &str) -> i64 {
    let story = app.url(STORY);
    let post = quoting_post(peer, "quoter", name, "quote", &story);
    assert_eq!(
        to_inbox(
            peer,
            "quoter",
            app,
            &quote_request(peer, "quoter", &story, &post)
        )
        .await,
        202
    );
    let held = api(app, token, Method::GET, "/quotes?state=held", Value::Null).await;
    held["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["ap_id"] == post["id"])
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn log(app: &TestApp, token: &str, query: &str) -> Value {
    api(
        app,
        token,
        Method::GET,
        &format!("/moderation/log{query}"),
        Value::Null,
    )
    .await
}

fn actions_by(log: &Value, editor: &str) -> Vec<String> {
    let mut actions: Vec<String> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["editor"] == editor)
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap(),
                e["target_kind"].as_str().unwrap()
            )
        })
        .collect();
    actions.sort();
    actions
}

#[tokio::test]
async fn every_editor_action_appears_in_the_log() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    for name in ["r1", "r2", "r3", "r4", "r5", "r6"] {
        app.reply_from(&peer, "alice", name, &format!("reply {name}"))
            .await;
    }
    let ids = {
        let mut ids = Vec::new();
        for name in ["r1", "r2", "r3", "r4", "r5", "r6"] {
            ids.push(reply_id(&app, &peer, name).await);
        }
        ids
    };
    let reason = json!({"reason": "off topic"});

    // Through the API, with the token named "tests".
    api(
        &app,
        &token,
        Method::PUT,
        "/stories/welcome/quote-policy",
        json!({"policy": "editor"}),
    )
    .await;
    let q1 = held_quote(&app, &token, &peer, "q1").await;
    let q2 = held_quote(&app, &token, &peer, "q2").await;
    api(
        &app,
        &token,
        Method::POST,
        &format!("/quotes/{q1}/approve"),
        Value::Null,
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        &format!("/quotes/{q2}/hide"),
        reason.clone(),
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        &format!("/replies/{}/hide", ids[0]),
        reason.clone(),
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        &format!("/replies/{}/approve", ids[0]),
        Value::Null,
    )
    .await;
    api(
        &app,
        &token,
        Method::DELETE,
        &format!("/replies/{}", ids[1]),
        Value::Null,
    )
    .await;
    api(
        &app,
        &token,
        Method::PUT,
        "/moderation/mode",
        json!({"mode": "hold-all", "reason": "a busy night"}),
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        "/stories/welcome/close",
        Value::Null,
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        "/stories/welcome/reopen",
        Value::Null,
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        "/blocks",
        json!({"kind": "domain", "value": "spam.example", "reason": "spam"}),
    )
    .await;
    let blocks = api(&app, &token, Method::GET, "/blocks", Value::Null).await;
    let block = blocks["items"][0]["id"].as_i64().unwrap();
    api(
        &app,
        &token,
        Method::DELETE,
        &format!("/blocks/{block}"),
        Value::Null,
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        "/blocklists/import",
        json!({"csv": "a.example\nb.example\n"}),
    )
    .await;
    api(
        &app,
        &token,
        Method::POST,
        "/blocklists/subscriptions",
        json!({"url": format!("{}/blocklist.csv", peer.base)}),
    )
    .await;
    api(
        &app,
        &token,
        Method::PUT,
        "/instances/partner.example/policy",
        json!({"policy": "trusted"}),
    )
    .await;
    // Held now (hold-all): a bulk approval logs each reply it approves.
    app.reply_from(&peer, "alice", "r7", "reply r7").await;
    let bulk = api(
        &app,
        &token,
        Method::POST,
        "/moderation/bulk",
        json!({"action": "approve", "account": peer.actor("alice")}),
    )
    .await;
    assert_eq!(bulk["replies"], 1);

    // Through the admin, as the editor "editor".
    let browser = login(&app).await;
    admin(
        &app,
        &browser,
        &format!("/admin/replies/{}/hide", ids[2]),
        &[("reason", "rude")],
    )
    .await;
    admin(
        &app,
        &browser,
        &format!("/admin/replies/{}/approve", ids[2]),
        &[],
    )
    .await;
    admin(
        &app,
        &browser,
        &format!("/admin/replies/{}/delete", ids[3]),
        &[],
    )
    .await;
    admin(
        &app,
        &browser,
        "/admin/moderation/mode",
        &[("mode", "open")],
    )
    .await;
    admin(&app, &browser, "/admin/stories/welcome/close", &[]).await;
    admin(&app, &browser, "/admin/stories/welcome/reopen", &[]).await;
    admin(
        &app,
        &browser,
        "/admin/blocks",
        &[
            ("kind", "actor"),
            ("value", &peer.actor("troll")),
            ("reason", "trolling"),
        ],
    )
    .await;
    let blocks = api(&app, &token, Method::GET, "/blocks", Value::Null).await;
    let troll = blocks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "actor")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    admin(
        &app,
        &browser,
        &format!("/admin/blocks/{troll}/delete"),
        &[],
    )
    .await;
    admin(
        &app,
        &browser,
        "/admin/instances/policy",
        &[("domain", "partner.example"), ("policy", "held")],
    )
    .await;
    let q3 = held_quote(&app, &token, &peer, "q3").await;
    let q4 = held_quote(&app, &token, &peer, "q4").await;
    admin(&app, &browser, &format!("/admin/quotes/{q3}/approve"), &[]).await;
    admin(&app, &browser, &format!("/admin/quotes/{q4}/hide"), &[]).await;
    admin(
        &app,
        &browser,
        "/admin/moderation/bulk",
        &[("action", "approve"), ("instance", "partner.example")],
    )
    .await;
    admin(
        &app,
        &browser,
        "/admin/blocks/import",
        &[("csv", "c.example")],
    )
    .await;

    // Actions that fail change nothing and record nothing.
    for (method, path, body) in [
        (Method::POST, "/replies/99999/approve", Value::Null),
        (Method::PUT, "/moderation/mode", json!({"mode": "anything"})),
        (
            Method::PUT,
            "/instances/not%20a%20domain/policy",
            json!({"policy": "trusted"}),
        ),
        (
            Method::POST,
            "/blocks",
            json!({"kind": "domain", "value": "no spaces allowed"}),
        ),
    ] {
        let mut request = app.api(method, path, &token).await;
        if !body.is_null() {
            request = request.json(&body);
        }
        let status = request.send().await.unwrap().status();
        assert!(status.is_client_error(), "{path}: {status}");
    }

    let all = log(&app, &token, "").await;
    assert_eq!(all["total_items"], 27, "{all}");
    assert_eq!(
        actions_by(&all, "tests"),
        [
            "approve quote",
            "approve reply",
            "approve reply",
            "block blocklist",
            "block domain",
            "close story",
            "delete reply",
            "hide quote",
            "hide reply",
            "mode site",
            "policy:trusted instance",
            "quote-policy:editor story",
            "reopen story",
            "subscribe blocklist",
            "unblock domain",
        ]
    );
    assert_eq!(
        actions_by(&all, "editor"),
        [
            "approve quote",
            "approve reply",
            "block actor",
            "block blocklist",
            "close story",
            "delete reply",
            "hide quote",
            "hide reply",
            "mode site",
            "policy:held instance",
            "reopen story",
            "unblock actor",
        ]
    );
    let first = &all["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(first["action"], "quote-policy:editor");
    assert_eq!(first["via"], "api");
    let hidden = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reason"] == "rude")
        .unwrap();
    assert_eq!(hidden["via"], "admin");
    assert_eq!(hidden["target"], ids[2].to_string());
    assert_eq!(hidden["account"], peer.actor("alice"));
    assert!(hidden["story_id"].is_number() && hidden["at"].is_string());
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["reason"] == "a busy night")
    );
    // Blocks went through too (the log is not all that changed).
    let blocks = api(&app, &token, Method::GET, "/blocks", Value::Null).await;
    assert!(
        blocks["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["value"] == "c.example")
    );

    // Filters: by editor, account and story; paged.
    let mine = log(&app, &token, "?editor=editor").await;
    assert_eq!(mine["total_items"], 12);
    let alice = log(&app, &token, &format!("?account={}", peer.actor("alice"))).await;
    assert_eq!(alice["total_items"], 7, "{alice}");
    let story = log(&app, &token, "?story=welcome").await;
    assert_eq!(story["total_items"], 16, "{story}");
    let none = log(&app, &token, "?story=no-such-story").await;
    assert_eq!(none["total_items"], 0);
    let page2 = log(&app, &token, "?page=2").await;
    assert_eq!(page2["page"], 2);
    assert_eq!(page2["total_pages"], 1);
    assert!(page2["items"].as_array().unwrap().is_empty());

    // The admin's page, filtered the same way.
    let page = browser
        .get(&app, "/admin/moderation/log?editor=editor&story=")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("12 entries") && page.contains("rude") && !page.contains("a busy night"),
        "{page}"
    );
}
