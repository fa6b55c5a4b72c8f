//! The admin: no route open without a session or token, CSRF on every form, rate-limited
//! logins, moderation modes, blocks (also of what is already stored), blocklists, and the
//! outbound guard outside development mode.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, spawn_app, spawn_app_with},
    peer::Peer,
};

const PASSWORD: &str = "correct horse battery";

/// An editor's browser: the session cookie and the CSRF token of its pages.
pub(crate) struct Browser {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
}

fn hidden_csrf(page: &str) -> String {
    let doc = crate::helpers::html(page);
    let sel = scraper::Selector::parse("input[name=csrf]").unwrap();
    doc.select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string()
}

async fn try_login(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    let form = app
        .client
        .get(app.url("/admin/login"))
        .send()
        .await
        .unwrap();
    let login_cookie = set_cookie(&form, "broadsheet_login_csrf").unwrap();
    let token = hidden_csrf(&form.text().await.unwrap());
    app.client
        .post(app.url("/admin/login"))
        .header("cookie", login_cookie)
        .form(&[
            ("name", name),
            ("password", password),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

/// Makes the editor `editor` with the CLI and logs in through the form.
pub(crate) async fn login(app: &TestApp) -> Browser {
    app.create_editor("editor", PASSWORD).await;
    let response = try_login(app, "editor", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&response, "broadsheet_session").unwrap();
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    let dashboard = app
        .client
        .get(app.url("/admin"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), 200);
    let csrf = hidden_csrf(&dashboard.text().await.unwrap());
    Browser { cookie, csrf }
}

impl Browser {
    pub(crate) async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        app.client
            .get(app.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }
    pub(crate) async fn post(
        &self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &self.csrf));
        app.client
            .post(app.url(path))
            .header("cookie", &self.cookie)
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/stories"),
    ("POST", "/admin/stories"),
    ("GET", "/admin/stories/new"),
    ("GET", "/admin/stories/welcome/edit"),
    ("POST", "/admin/stories/welcome"),
    ("POST", "/admin/stories/welcome/delete"),
    ("GET", "/admin/stories/welcome/thread"),
    ("GET", "/admin/moderation"),
    ("POST", "/admin/moderation/mode"),
    ("POST", "/admin/moderation/bulk"),
    ("GET", "/admin/moderation/log"),
    ("POST", "/admin/instances/policy"),
    ("POST", "/admin/replies/1/approve"),
    ("POST", "/admin/replies/1/hide"),
    ("POST", "/admin/replies/1/delete"),
    ("GET", "/admin/reports"),
    ("GET", "/admin/quotes"),
    ("POST", "/admin/quotes/1/approve"),
    ("POST", "/admin/quotes/1/hide"),
    ("POST", "/admin/stories/welcome/quote-policy"),
    ("GET", "/admin/blocks"),
    ("POST", "/admin/blocks"),
    ("POST", "/admin/blocks/1/delete"),
    ("POST", "/admin/blocks/import"),
    ("POST", "/admin/blocks/subscriptions"),
    ("GET", "/admin/followers"),
    ("POST", "/admin/followers/remove"),
    ("GET", "/admin/deliveries"),
    ("GET", "/admin/webhooks"),
    ("POST", "/admin/webhooks"),
    ("POST", "/admin/webhooks/1/delete"),
    ("POST", "/admin/logout"),
];

#[tokio::test]
async fn no_admin_page_is_open_and_forms_need_their_csrf_token() {
    let app = spawn_app().await;
    for (method, path) in ADMIN_ROUTES {
        let response = app
            .client
            .request(method.parse().unwrap(), app.url(path))
            .form(&[("csrf", "x"), ("mode", "hold-all")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{method} {path}");
        assert_eq!(
            response.headers()["location"],
            "/admin/login",
            "{method} {path}"
        );
    }
    assert_eq!(app.story_count().await, 1, "nothing was deleted");

    let browser = login(&app).await;
    let forged = app
        .client
        .post(app.url("/admin/stories/welcome/delete"))
        .header("cookie", &browser.cookie)
        .form(&[("csrf", "not-the-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let missing = app
        .client
        .post(app.url("/admin/moderation/mode"))
        .header("cookie", &browser.cookie)
        .form(&[("mode", "hold-all")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.story_count().await, 1);
    // The login form itself refuses a post without its cookie token.
    let response = app
        .client
        .post(app.url("/admin/login"))
        .form(&[
            ("name", "editor"),
            ("password", PASSWORD),
            ("csrf", "guess"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Logging out ends the session.
    assert_eq!(
        browser.post(&app, "/admin/logout", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        browser.get(&app, "/admin").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn logins_are_checked_and_rate_limited() {
    let app = spawn_app_with(|s| s.moderation.login_attempts = 3).await;
    app.create_editor("editor", PASSWORD).await;
    for _ in 0..3 {
        let refused = try_login(&app, "editor", "wrong password!").await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let page = refused.text().await.unwrap();
        assert!(
            page.contains("Wrong name or password.") && page.contains("value=\"editor\""),
            "the name typed is kept"
        );
    }

    assert_eq!(
        try_login(&app, "editor", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(
        try_login(&app, "someone-else", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the address's attempts are used up, whatever name it tries"
    );
}

#[tokio::test]
async fn editors_publish_edit_and_delete_from_the_admin() {
    let app = spawn_app().await;
    let browser = login(&app).await;
    let preview = browser
        .post(
            &app,
            "/admin/stories",
            &[
                ("title", "Desk story"),
                ("body", "Written *at the desk*."),
                ("preview", "1"),
            ],
        )
        .await;
    assert_eq!(preview.status(), 200);
    assert!(
        preview
            .text()
            .await
            .unwrap()
            .contains("<em>at the desk</em>")
    );
    assert_eq!(app.story_count().await, 1, "a preview stores nothing");

    let published = browser
        .post(
            &app,
            "/admin/stories",
            &[
                ("title", "Desk story"),
                ("body", "Written *at the desk*."),
                ("authors", "Ana Ruiz, Bo Li"),
                ("tags", "Desk"),
            ],
        )
        .await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        published.headers()["location"],
        app.url("/stories/desk-story")
    );
    let page = app
        .get_html("/stories/desk-story")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<em>at the desk</em>")
            && page.contains("Ana Ruiz")
            && page.contains("Bo Li")
    );

    let invalid = browser
        .post(
            &app,
            "/admin/stories/desk-story",
            &[("title", ""), ("body", "x")],
        )
        .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.text().await.unwrap().contains("title: is required"));
    browser
        .post(
            &app,
            "/admin/stories/desk-story",
            &[("title", "Desk story, updated"), ("body", "Rewritten.")],
        )
        .await;
    assert!(
        app.get_html("/stories/desk-story")
            .await
            .text()
            .await
            .unwrap()
            .contains("Desk story, updated")
    );
    browser
        .post(&app, "/admin/stories/desk-story/delete", &[])
        .await;
    assert_eq!(
        app.get_html("/stories/desk-story").await.status(),
        StatusCode::GONE
    );
}

async fn held_ids(app: &TestApp, token: &str) -> Vec<i64> {
    let queue: Value = app
        .api(Method::GET, "/moderation/queue", token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn hold_all_and_first_time_modes_wait_for_an_editor() {
    let app =
        spawn_app_with(|s| s.moderation.mode = broadsheet::config::ModerationMode::HoldAll).await;
    let token = app.token();
    let peer = Peer::start().await;
    app.reply_from(&peer, "alice", "a1", "held for review")
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!app.story_page().await.contains("held for review"));
    let browser = login(&app).await;
    let queue = browser
        .get(&app, "/admin/moderation")
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains("held for review"));
    let id = held_ids(&app, &token).await[0];
    assert_eq!(
        browser
            .post(&app, &format!("/admin/replies/{id}/approve"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(app.story_page().await.contains("held for review"));

    // First-time: Alice is approved now and goes straight through; Bob waits.
    let response = app
        .api(Method::PUT, "/moderation/mode", &token)
        .await
        .json(&json!({"mode": "first-time"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.reply_from(&peer, "alice", "a2", "trusted now").await;
    app.reply_from(&peer, "bob", "b1", "newcomer words").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let shown = app.story_page().await;
    assert!(shown.contains("trusted now") && !shown.contains("newcomer words"));
    let id = held_ids(&app, &token).await[0];
    assert_eq!(
        app.api(Method::POST, &format!("/replies/{id}/hide"), &token)
            .await
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(held_ids(&app, &token).await.is_empty());

    // Open: everything shows; an editor can still hide after the fact.
    app.api(Method::PUT, "/moderation/mode", &token)
        .await
        .json(&json!({"mode": "open"}))
        .send()
        .await
        .unwrap();
    app.reply_from(&peer, "carol", "c1", "open words").await;
    assert!(app.story_page().await.contains("open words"));
    let bad = app
        .api(Method::PUT, "/moderation/mode", &token)
        .await
        .json(&json!({"mode": "anything"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn blocks_hide_what_is_stored_and_refuse_what_comes() {
    let app = spawn_app().await;
    let token = app.token();
    let (spam, good) = (Peer::start().await, Peer::start().await);
    app.reply_from(&spam, "spammer", "s1", "buy things").await;
    app.reply_from(&good, "reader", "g1", "a good point").await;
    assert!(app.story_page().await.contains("buy things"));

    // A block that arrives after the replies were stored.
    let spam_actor = spam.actor("spammer");
    let response = app
        .api(Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "actor", "value": spam_actor}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let shown = app.story_page().await;
    assert!(!shown.contains("buy things") && shown.contains("a good point"));
    assert_eq!(
        app.reply_from(&spam, "spammer", "s2", "more things")
            .await
            .status(),
        403
    );

    // Keyword rules hold matching replies.
    app.api(Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "keyword", "value": "Casino"}))
        .send()
        .await
        .unwrap();
    app.reply_from(&good, "reader", "g2", "visit our casino tonight")
        .await;
    assert!(!app.story_page().await.contains("casino tonight"));
    assert_eq!(held_ids(&app, &token).await.len(), 1);

    let invalid = app
        .api(Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "actor", "value": "not a url"}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    // Unblocking shows the stored reply again.
    let blocks: Value = app
        .api(Method::GET, "/blocks", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = blocks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "actor")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.api(Method::DELETE, &format!("/blocks/{id}"), &token)
            .await
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(app.story_page().await.contains("buy things"));
}

#[tokio::test]
async fn csv_blocklists_import_and_subscriptions_refresh() {
    let app = spawn_app_with(|s| s.moderation.blocklist_refresh_secs = 1).await;
    let token = app.token();
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\nspam.example,suspend,true,true,,false\nnoise.example,silence,false,false,,false\nfine.example,noop,false,false,,false\n";
    let imported: Value = app
        .api(Method::POST, "/blocklists/import", &token)
        .await
        .json(&json!({"csv": csv}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(imported["domains"], 2);

    // A subscribed list, published by a peer, changes between fetches.
    let list = Peer::start().await;
    list.host("/blocklist.csv", json!("ignored"));
    let served = std::sync::Arc::new(std::sync::Mutex::new(
        "one.example\ntwo.example\n".to_string(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/blocklist.csv", listener.local_addr().unwrap());
    let text = served.clone();
    tokio::spawn(async move {
        let app = axum::Router::new().route(
            "/blocklist.csv",
            axum::routing::get(move || {
                let text = text.clone();
                async move { text.lock().unwrap().clone() }
            }),
        );
        axum::serve(listener, app).await.ok();
    });
    let response = app
        .api(Method::POST, "/blocklists/subscriptions", &token)
        .await
        .json(&json!({"url": url}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let values = || async {
        let blocks: Value = app
            .api(Method::GET, "/blocks", &token)
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        blocks["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["value"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !values().await.contains(&"two.example".to_string()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the subscription was never applied"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    *served.lock().unwrap() = "one.example\n".to_string();
    while values().await.contains(&"two.example".to_string()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the refreshed list was never applied"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let now = values().await;
    assert!(now.contains(&"one.example".to_string()) && now.contains(&"spam.example".to_string()));
}

#[tokio::test]
async fn outside_development_mode_nothing_internal_is_fetched() {
    let app = spawn_app_with(|s| s.dev = false).await;
    let peer = Peer::start().await;
    // A loopback peer's signed reply: its key would have to be fetched from 127.0.0.1, which is
    // refused for good (422, so the sender does not retry).
    assert_eq!(
        app.reply_from(&peer, "alice", "a", "from loopback")
            .await
            .status(),
        422
    );
    assert!(!app.story_page().await.contains("from loopback"));
    // Reply-from-your-instance to a loopback or private server.
    for handle in [
        format!("reader@127.0.0.1:{}", peer.port),
        "reader@10.1.2.3".into(),
        "reader@169.254.169.254".into(),
        "reader@[::1]".into(),
    ] {
        let response = app
            .client
            .get(app.url("/interact"))
            .query(&[
                ("uri", app.url(STORY).as_str()),
                ("handle", handle.as_str()),
            ])
            .send()
            .await
            .unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        assert!(
            response.status() == 400
                || location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("https://")),
            "{handle}: {:?}",
            response.status()
        );
    }
    assert_eq!(
        peer.document_gets(),
        0,
        "no request reached the loopback peer"
    );
}

#[tokio::test]
async fn one_host_flooding_the_inbox_is_told_to_slow_down() {
    // Three a minute, however many of its accounts are active.
    let app = spawn_app_with(|s| {
        s.moderation.inbox_per_host_per_minute = 3;
        s.moderation.inbox_per_active_actor_per_minute = 0;
        s.moderation.inbox_per_host_max_per_minute = 3;
    })
    .await;
    let peer = Peer::start().await;
    let mut statuses = Vec::new();
    let mut retry_after = Vec::new();
    for i in 0..5 {
        let like = json!({"id": format!("{}/likes/{i}", peer.actor("a")), "type": "Like", "actor": peer.actor("a"), "object": app.url(STORY)});
        let response = peer.send("a", &app.url("/inbox"), &like).await;
        statuses.push(response.status().as_u16());
        retry_after.extend(response.headers().get("retry-after").cloned());
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429]);
    // One more is earned every 20 seconds.
    assert_eq!(retry_after.len(), 2);
    assert!(retry_after.iter().all(|v| {
        let seconds: u64 = v.to_str().unwrap().parse().unwrap();
        (1..=20).contains(&seconds)
    }));
}
