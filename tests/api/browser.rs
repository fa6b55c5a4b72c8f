//! The admin in a real browser: headless Chromium, driven by `tests/browser/admin.mjs`
//! (playwright-core), logs in through the form and publishes, approves and blocks as an editor
//! would, with the CSRF tokens and cookies a browser really sends.
//!
//! Every scenario also watches for Content-Security-Policy violations on every page it opens, and
//! fails on any (see `policy_held`).
//!
//! They need Debian's Chromium at `/usr/bin/chromium` and the script's packages
//! (`npm ci --prefix tests/browser`). Without them the tests say they were skipped;
//! `BROADSHEET_REQUIRE_BROWSER=1` (set by CI) makes that a failure instead.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, WAIT, spawn_app_with},
    peer::Peer,
};

mod dashboard;
mod desk;
mod embed;
mod media;
mod where_page;

const CHROMIUM: &str = "/usr/bin/chromium";
const EDITOR: &str = "desk";
const PASSWORD: &str = "a long passphrase for the desk";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether Chromium and the script's packages are installed. When they are not, says so and
/// answers false, or panics when `BROADSHEET_REQUIRE_BROWSER=1`.
fn browser_installed() -> bool {
    let mut missing = Vec::new();
    if !browser_dir()
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        missing.push("the script's packages (npm ci --prefix tests/browser)");
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push("Chromium at /usr/bin/chromium (apt-get install chromium)");
    }
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(" and ");
    assert!(
        std::env::var("BROADSHEET_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "BROADSHEET_REQUIRE_BROWSER=1, but these are missing: {missing}"
    );
    eprintln!("skipped: the browser tests need {missing}");
    false
}

/// A server whose replies appear at once unless an editor chooses otherwise, with an editor
/// account made by the CLI.
async fn app_with_editor() -> TestApp {
    let app = spawn_app_with(|settings| {
        settings.moderation.mode = broadsheet::config::ModerationMode::Open
    })
    .await;
    app.create_editor(EDITOR, PASSWORD).await;
    app
}

/// Runs one scenario of `admin.mjs` against the app as the editor, and fails the test with the
/// script's report unless every step passed. Returns the steps it printed.
async fn scenario(app: &TestApp, name: &str, extra: &[(&str, &str)]) -> Vec<Value> {
    let mut command = Command::new("node");
    command
        .current_dir(browser_dir())
        .arg("admin.mjs")
        .args([
            "--url",
            &app.address,
            "--user",
            EDITOR,
            "--password",
            PASSWORD,
        ])
        .args(["--scenario", name])
        .stdin(Stdio::null());
    for (option, value) in extra {
        command.arg(format!("--{option}")).arg(value);
    }
    // The script gives up by itself after two minutes, so this wait ends.
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("browser task")
        .unwrap_or_else(|e| {
            panic!("cannot start `node` for the browser tests (is it on PATH?): {e}")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser scenario `{name}` failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    println!("{stdout}");
    let steps: Vec<Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    policy_held(&steps);
    steps
}

/// The script's last check passed: no page broke the Content-Security-Policy.
fn policy_held(steps: &[Value]) {
    assert!(
        steps
            .iter()
            .any(|s| s["step"] == "content security policy" && s["ok"] == true),
        "the Content-Security-Policy check did not pass: {steps:?}"
    );
}

#[tokio::test]
async fn an_editor_logs_in_previews_and_publishes_a_story() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let before = app.story_count().await;
    let title = "Night buses return to the river line";

    let steps = scenario(&app, "publish", &[("title", title)]).await;

    // The server agrees with what the browser saw: one more story, its body rendered.
    assert_eq!(app.story_count().await, before + 1);
    let published = steps
        .iter()
        .find(|s| s["step"] == "publish")
        .and_then(|s| s["story"].as_str())
        .expect("the publish step names the story's URL");
    let path = published
        .strip_prefix(&app.address)
        .expect("the story is on this site");
    let page = app.get_html(path).await.text().await.unwrap();
    assert!(page.contains(title), "{page}");
    assert!(page.contains("<em>midnight</em>"), "{page}");
}

#[tokio::test]
async fn an_editor_approves_a_held_reply() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let token = app.token();
    let response = app
        .api(reqwest::Method::PUT, "/moderation/mode", &token)
        .await
        .json(&json!({ "mode": "hold-all" }))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap_or_default()
    );
    let peer = Peer::start().await;
    let text = "Waiting for an editor before anyone sees this";
    assert_eq!(
        app.reply_from(&peer, "reader", "held", text).await.status(),
        202
    );
    // Held: in the queue, and not on the public page.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let queue: Value = app
            .api(reqwest::Method::GET, "/moderation/queue", &token)
            .await
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if queue.to_string().contains(text) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reply never reached the queue: {queue}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = app.story_page().await;
    assert!(!page.contains(text), "a held reply is shown:\n{page}");

    scenario(&app, "approve", &[("text", text), ("story", STORY)]).await;

    app.page_until(|p| p.contains(text)).await;
}

#[tokio::test]
async fn an_editor_blocks_a_domain_and_its_replies_disappear() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let peer = Peer::start().await;
    let text = "A reply from a server about to be blocked";
    assert_eq!(
        app.reply_from(&peer, "reader", "before", text)
            .await
            .status(),
        202
    );
    app.page_until(|p| p.contains(text)).await;

    // Every peer is on 127.0.0.1, so this blocks all of them; this test has only one.
    scenario(
        &app,
        "block",
        &[("domain", "127.0.0.1"), ("text", text), ("story", STORY)],
    )
    .await;

    let page = app.story_page().await;
    assert!(
        !page.contains(text),
        "a blocked domain's reply is shown:\n{page}"
    );
    // And the domain's next delivery is refused.
    assert_eq!(
        app.reply_from(&peer, "reader", "after", "Sent after the block")
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn a_reader_sees_a_new_reply_appear_without_reloading() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let peer = Peer::start().await;
    let ready = tempfile::tempdir().unwrap();
    let ready_file = ready.path().join("ready");
    let ready_path = ready_file.to_str().unwrap().to_string();
    let text = "Arrived while you were reading";
    // Its author's profile and its own link are scripts: the live item must not link to them.
    let hostile = "javascript:alert(document.cookie)//";
    peer.set_profile(
        "reader",
        json!({ "url": hostile, "icon": { "type": "Image", "url": hostile } }),
    );

    // Where "reply from your instance" sends the reader (Mastodon's address for it).
    peer.host("/authorize_interaction", json!({ "reader's server": true }));
    let handle = format!("reader@127.0.0.1:{}", peer.port);
    let quoted = "Worth reading (live)";
    let options = [
        ("text", text),
        ("story", STORY),
        ("ready-file", ready_path.as_str()),
        ("handle", handle.as_str()),
        ("quote-text", quoted),
    ];
    let browser = scenario(&app, "live", &options);
    let sender = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !ready_file.exists() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the page never connected its live stream"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut note = peer.note("reader", "live", &app.url(STORY), &format!("<p>{text}</p>"));
        note["url"] = json!(hostile);
        let status = peer
            .send("reader", &app.url("/inbox"), &peer.create(&note))
            .await
            .status();
        assert_eq!(status, 202);
        // And someone quotes the story: "Quoted by" appears, with it, on the open page.
        let story = app.url(STORY);
        let post = crate::quotes::quoting_post(&peer, "quoter", "live", "quote", &story);
        let request = crate::quotes::quote_request(&peer, "quoter", &story, &post);
        assert_eq!(
            crate::quotes::to_inbox(&peer, "quoter", &app, &request).await,
            202
        );
    };
    let (steps, ()) = tokio::join!(browser, sender);
    let appeared = steps
        .iter()
        .find(|s| s["step"] == "reply appears live" && s["ok"] == true)
        .expect("the reply appeared live");
    let links: Vec<&str> = appeared["links"]
        .as_array()
        .expect("the links of the live reply")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        links.contains(&peer.actor("reader").as_str())
            && links.contains(&format!("{}/notes/live", peer.base).as_str()),
        "the live reply links to its author and itself: {links:?}"
    );
    assert!(
        !links
            .iter()
            .any(|l| l.to_ascii_lowercase().starts_with("javascript:")),
        "{links:?}"
    );
    for step in [
        "quote appears live",
        "inline script refused",
        "reply from your instance",
    ] {
        assert!(
            steps.iter().any(|s| s["step"] == step && s["ok"] == true),
            "{step}: {steps:?}"
        );
    }
}
