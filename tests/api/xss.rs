//! Links from other servers: a `javascript:` URL in a reply's `url`, an actor's `url` or `icon`,
//! or a `Flag`'s objects is never stored nor shown as a link, rows stored before that rule are
//! checked again when shown, and every page carries a Content-Security-Policy.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

use crate::{
    admin::login,
    helpers::{STORY, TestApp, count, html, spawn_app, spawn_app_with},
    peer::Peer,
};

const HOSTILE: &str = "javascript:alert(document.cookie)//";

fn assert_no_script_url(what: &str, text: &str) {
    let lower = text.to_ascii_lowercase();
    assert!(
        !lower.contains("javascript:") && !lower.contains("javascript&#"),
        "{what} holds a javascript: URL:\n{text}"
    );
}

/// No link, image, form or frame on the page points at anything but http(s) or this site.
fn assert_no_script_link(what: &str, page: &str) {
    let doc = html(page);
    let all = scraper::Selector::parse("*").unwrap();
    for element in doc.select(&all) {
        for (name, value) in element.value().attrs() {
            if matches!(
                name,
                "href" | "src" | "action" | "formaction" | "srcset" | "poster"
            ) {
                let value = value.trim().to_ascii_lowercase();
                assert!(
                    value.starts_with("http://")
                        || value.starts_with("https://")
                        || value.starts_with('/')
                        || value.starts_with('#'),
                    "{what}: {name}=\"{value}\" in {}",
                    element.html()
                );
            }
        }
    }
}

/// The `attr` of every element matching `selector`.
fn attrs(page: &str, selector: &str, attr: &str) -> Vec<String> {
    let doc = html(page);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(String::from))
        .collect()
}

/// Stored URLs (replies, actors, reports) that are not http(s).
async fn hostile_rows(db: &DatabaseConnection) -> i64 {
    let sql = "SELECT \
        (SELECT COUNT(*) FROM replies WHERE LOWER(url) LIKE '%javascript%' OR LOWER(ap_id) LIKE '%javascript%') + \
        (SELECT COUNT(*) FROM actors WHERE LOWER(url) LIKE '%javascript%' OR LOWER(icon_url) LIKE '%javascript%') + \
        (SELECT COUNT(*) FROM reports WHERE LOWER(objects) LIKE '%javascript%') AS n";
    count(db, sql).await
}

async fn reports(app: &TestApp, token: &str) -> Vec<Value> {
    let body: Value = app
        .api(reqwest::Method::GET, "/reports", token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn javascript_links_from_other_servers_are_neither_stored_nor_shown() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");

    // An actor whose profile link and avatar are scripts, replying with a script as its link.
    peer.set_profile(
        "mallory",
        json!({ "url": HOSTILE, "icon": { "type": "Image", "url": "javascript:alert(2)" } }),
    );
    let mut note = peer.note(
        "mallory",
        "xss",
        &app.url(STORY),
        "<p>A reply with a hostile link</p>",
    );
    note["url"] = json!(HOSTILE);
    let response = peer.send("mallory", &inbox, &peer.create(&note)).await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());

    // A report naming only a script is refused and keeps nothing...
    let flag = json!({
        "id": format!("{}/flags/bad", peer.actor("mod")), "type": "Flag",
        "actor": peer.actor("mod"), "object": [HOSTILE], "content": "look",
    });
    let response = peer.send("mod", &inbox, &flag).await;
    assert_eq!(response.status(), 422);
    let reason = response.text().await.unwrap();
    assert!(reason.contains("http"), "{reason}");
    // ...and one naming a script beside the story keeps the story only.
    let flag = json!({
        "id": format!("{}/flags/mixed", peer.actor("mod")), "type": "Flag",
        "actor": peer.actor("mod"), "object": [app.url(STORY), HOSTILE], "content": "spam",
    });
    assert_eq!(peer.send("mod", &inbox, &flag).await.status(), 202);

    // The reply is shown, without the hostile links: its time links to its id, its author's
    // name to the actor, and the avatar falls back to the initial.
    let page = app
        .page_until(|p| p.contains("A reply with a hostile link"))
        .await;
    assert_no_script_url("the story page", &page);
    assert_no_script_link("the story page", &page);
    assert_eq!(
        attrs(&page, "section.conversation a.u-url", "href"),
        vec![note["id"].as_str().unwrap().to_string()]
    );
    assert_eq!(
        attrs(&page, "section.conversation a.author", "href"),
        vec![peer.actor("mallory")]
    );
    assert!(attrs(&page, "section.conversation img.avatar", "src").is_empty());

    // Nothing hostile is stored, and the API and the admin pages show none of it.
    assert_eq!(hostile_rows(&app.db().await).await, 0);
    let listed = reports(&app, &token).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["objects"], json!([app.url(STORY)]));
    let editor = login(&app).await;
    for path in [
        "/admin/reports",
        "/admin/moderation",
        "/admin/followers",
        "/admin/stories/welcome/thread",
    ] {
        let response = editor.get(&app, path).await;
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.unwrap();
        assert_no_script_url(path, &body);
        assert_no_script_link(path, &body);
        if path == "/admin/reports" {
            assert!(body.contains(&app.url(STORY)), "{body}");
        }
    }
}

#[tokio::test]
async fn links_stored_by_older_versions_are_checked_again_when_shown() {
    // The rows are rewritten behind the server's back below, as no running server would: the
    // page it kept of them would hide what is checked here.
    let app = spawn_app_with(|s| s.web.page_cache = false).await;
    let peer = Peer::start().await;
    let note = peer.note("alice", "old", &app.url(STORY), "<p>Stored long ago</p>");
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &peer.create(&note))
            .await
            .status(),
        202
    );
    let flag = json!({
        "id": format!("{}/flags/old", peer.actor("alice")), "type": "Flag",
        "actor": peer.actor("alice"), "object": [app.url(STORY)], "content": "old report",
    });
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &flag).await.status(),
        202
    );
    app.page_until(|p| p.contains("Stored long ago")).await;

    // What an older version may have written.
    let db = app.db().await;
    let objects = json!([HOSTILE, "data:text/html,<script>alert(1)</script>"]).to_string();
    for sql in [
        format!("UPDATE replies SET url = '{HOSTILE}'"),
        format!(
            "UPDATE actors SET url = '{HOSTILE}', icon_url = 'javascript:alert(2)' WHERE local = false"
        ),
        format!(
            "UPDATE reports SET objects = '{}'",
            objects.replace('\'', "''")
        ),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    assert!(hostile_rows(&db).await > 0);

    let page = app.story_page().await;
    assert!(page.contains("Stored long ago"), "{page}");
    assert_no_script_url("the story page", &page);
    assert_no_script_link("the story page", &page);
    assert!(!page.contains("data:text/html"));
    assert_eq!(
        attrs(&page, "section.conversation a.u-url", "href"),
        vec![note["id"].as_str().unwrap().to_string()]
    );
    let editor = login(&app).await;
    let body = editor
        .get(&app, "/admin/reports")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("old report"), "{body}");
    assert_no_script_link("/admin/reports", &body);
    // The entries are still listed, as text rather than links.
    assert!(
        attrs(&body, ".reported a", "href").is_empty(),
        "a hostile object is a link:\n{body}"
    );
    let listed: Vec<String> = {
        let doc = html(&body);
        let sel = scraper::Selector::parse(".reported code").unwrap();
        doc.select(&sel).map(|e| e.text().collect()).collect()
    };
    assert_eq!(
        listed,
        [HOSTILE, "data:text/html,<script>alert(1)</script>"]
    );
    assert!(!body.contains("<script>alert(1)"), "{body}");
}

/// The directives of a Content-Security-Policy, by name.
fn directives(policy: &str) -> std::collections::HashMap<String, String> {
    policy
        .split(';')
        .filter_map(|d| {
            let d = d.trim();
            let (name, value) = d.split_once(' ').unwrap_or((d, ""));
            (!name.is_empty()).then(|| (name.to_string(), value.trim().to_string()))
        })
        .collect()
}

fn check_headers(path: &str, response: &reqwest::Response, frame_ancestors: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{path} has no {name}"))
    };
    let csp = directives(&header("content-security-policy"));
    for (name, value) in [
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("connect-src", "'self'"),
        // Remote media come through the media proxy, so the page loads none from elsewhere.
        ("img-src", "'self' data:"),
        ("media-src", "'self'"),
        ("frame-ancestors", frame_ancestors),
    ] {
        assert_eq!(
            csp.get(name).map(String::as_str),
            Some(value),
            "{path}: {name} in {csp:?}"
        );
    }
    assert!(
        !csp.values()
            .any(|v| v.contains("unsafe-inline") || v.contains("unsafe-eval")),
        "{path}: {csp:?}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    assert_eq!(
        header("referrer-policy"),
        "strict-origin-when-cross-origin",
        "{path}"
    );
}

/// Inline scripts and styles, which the policy would block.
fn assert_nothing_inline(path: &str, page: &str) {
    let doc = html(page);
    let scripts = scraper::Selector::parse("script").unwrap();
    for script in doc.select(&scripts) {
        assert!(
            script.value().attr("src").is_some() && script.text().all(|t| t.trim().is_empty()),
            "{path} has an inline script: {}",
            script.html()
        );
    }
    let styled = scraper::Selector::parse("style, [style]").unwrap();
    assert!(
        doc.select(&styled).next().is_none(),
        "{path} has inline style"
    );
    let handlers = scraper::Selector::parse("*").unwrap();
    for element in doc.select(&handlers) {
        assert!(
            !element
                .value()
                .attrs()
                .any(|(name, _)| name.starts_with("on")),
            "{path} has an event handler attribute: {}",
            element.html()
        );
    }
}

#[tokio::test]
async fn every_page_carries_the_content_security_policy() {
    let embedder = "https://partner.example";
    let app = spawn_app_with(|s| s.web.frame_ancestors = embedder.into()).await;
    let peer = Peer::start().await;
    let note = peer.note("alice", "csp", &app.url(STORY), "<p>A reply</p>");
    peer.send("alice", &app.url("/inbox"), &peer.create(&note))
        .await;
    let story = app.page_until(|p| p.contains("A reply")).await;
    let author = attrs(&story, "a[rel=author]", "href");
    let tag = attrs(&story, "a[rel=tag]", "href");
    let mut public = vec![
        "/".to_string(),
        STORY.to_string(),
        "/interact".to_string(),
        "/admin/login".to_string(),
        "/no/such/page".to_string(),
    ];
    for href in author.first().into_iter().chain(tag.first()) {
        public.push(href.strip_prefix(&app.address).unwrap().to_string());
    }
    assert_eq!(public.len(), 7, "an author and a tag link: {public:?}");
    for path in &public {
        let response = app.get_html(path).await;
        check_headers(path, &response, embedder);
        let body = response.text().await.unwrap();
        assert_nothing_inline(path, &body);
    }

    let editor = login(&app).await;
    for path in [
        "/admin",
        "/admin/stories",
        "/admin/stories/new",
        "/admin/stories/welcome/edit",
        "/admin/stories/welcome/thread",
        "/admin/moderation",
        "/admin/reports",
        "/admin/blocks",
        "/admin/followers",
        "/admin/deliveries",
    ] {
        let response = editor.get(&app, path).await;
        assert_eq!(response.status(), 200, "{path}");
        check_headers(path, &response, embedder);
        assert_nothing_inline(path, &response.text().await.unwrap());
    }

    // Other responses are not sniffed into HTML either.
    for path in ["/static/live.js", "/static/style.css", STORY] {
        let response = app.get_ap(path).await;
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
}

#[tokio::test]
async fn frames_are_refused_unless_settings_allow_them() {
    let app = spawn_app().await;
    let response = app.get_html(STORY).await;
    check_headers(STORY, &response, "'none'");
}
