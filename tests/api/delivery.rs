//! Fan-out through the persistent queue: who receives what, retries, final failures, dead hosts.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{spawn_app, spawn_app_with, spawn_on},
    peer::Peer,
};

const WAIT: Duration = Duration::from_secs(15);

async fn follow(peer: &Peer, who: &str, target: &str, app_inbox: &str) {
    let (_, response) = peer.follow(who, target, app_inbox).await;
    assert_eq!(response.status(), 202);
}

#[tokio::test]
async fn a_story_reaches_every_follower_once_per_inbox_as_mastodon_expects() {
    let app = spawn_app().await;
    let token = app.token();
    let news = app.url("/@news");
    let inbox = app.url("/inbox");
    let (one, two, three) = (
        Peer::start().await,
        Peer::start().await,
        Peer::start().await,
    );
    // Host one: two readers of the publication share one server, hence one shared inbox.
    follow(&one, "a", &news, &inbox).await;
    follow(&one, "b", &news, &inbox).await;
    // Author actors exist once a story names them.
    app.publish(
        &token,
        json!({"title": "Intro", "body": "Hello.", "authors": ["Ana Ruiz"]}),
    )
    .await;
    let ana = app.url("/@ana_ruiz");
    // Host two follows both the publication and the author; host three only the author.
    follow(&two, "c", &news, &inbox).await;
    follow(&two, "c", &ana, &inbox).await;
    follow(&three, "d", &ana, &inbox).await;
    for peer in [&one, &two, &three] {
        peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    }

    let story = app
        .publish(
            &token,
            json!({"title": "Tram line opens", "body": "Trams run.", "authors": ["Ana Ruiz"]}),
        )
        .await;
    let url = story["url"].as_str().unwrap();

    let create = one
        .wait_for(WAIT, |d| {
            d.body["type"] == "Create" && d.body["object"]["id"] == url
        })
        .await;
    assert_eq!(create.path, "/inbox");
    assert_eq!(create.body["actor"], news);
    assert_eq!(create.body["object"]["type"], "Article");
    assert_eq!(create.body["object"]["attributedTo"], news);
    assert_eq!(
        create.body["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert!(
        create.headers["signature"]
            .to_str()
            .unwrap()
            .contains(&format!("{news}#main-key"))
    );
    two.wait_for(WAIT, |d| {
        d.body["type"] == "Create" && d.body["object"]["id"] == url
    })
    .await;
    let announce = three
        .wait_for(WAIT, |d| {
            d.body["type"] == "Announce" && d.body["object"] == url
        })
        .await;
    assert_eq!(announce.body["actor"], ana);
    assert!(
        announce.headers["signature"]
            .to_str()
            .unwrap()
            .contains(&format!("{ana}#main-key"))
    );
    two.wait_for(WAIT, |d| {
        d.body["type"] == "Announce" && d.body["object"] == url
    })
    .await;

    tokio::time::sleep(Duration::from_millis(500)).await;
    let creates = |p: &Peer| {
        p.received_of("Create")
            .into_iter()
            .filter(|d| d.body["object"]["id"] == url)
            .count()
    };
    assert_eq!(creates(&one), 1, "one request per shared inbox");
    assert_eq!(creates(&two), 1);
    assert_eq!(
        creates(&three),
        0,
        "a Create goes only to the publication's followers"
    );
    assert_eq!(three.received_of("Announce").len(), 1);
}

#[tokio::test]
async fn an_edit_and_a_delete_follow_the_story() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    follow(&peer, "a", &app.url("/@news"), &app.url("/inbox")).await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    let story = app
        .publish(
            &token,
            json!({"title": "Pool closes", "body": "For repairs."}),
        )
        .await;
    let url = story["url"].as_str().unwrap().to_string();
    let create = peer.wait_for(WAIT, |d| d.body["type"] == "Create").await;

    let response = app
        .api(Method::PUT, "/stories/pool-closes", &token)
        .await
        .json(&json!({"title": "Pool closes until May", "body": "For repairs, until May."}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let update = peer.wait_for(WAIT, |d| d.body["type"] == "Update").await;
    assert_eq!(update.body["object"]["id"], url);
    assert_eq!(update.body["object"]["name"], "Pool closes until May");
    let published = create.body["object"]["published"].as_str().unwrap();
    let updated = update.body["object"]["updated"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(updated).unwrap()
            > chrono::DateTime::parse_from_rfc3339(published).unwrap()
    );

    app.api(Method::DELETE, "/stories/pool-closes", &token)
        .await
        .send()
        .await
        .unwrap();
    let delete = peer.wait_for(WAIT, |d| d.body["type"] == "Delete").await;
    assert_eq!(delete.body["object"]["type"], "Tombstone");
    assert_eq!(delete.body["object"]["id"], url);
    assert_eq!(delete.body["actor"], app.url("/@news"));
}

#[tokio::test]
async fn a_host_that_is_down_gets_the_story_when_it_comes_back() {
    let app = spawn_app_with(|s| s.delivery.retry_base_ms = 200).await;
    let token = app.token();
    let mut peer = Peer::start().await;
    follow(&peer, "a", &app.url("/@news"), &app.url("/inbox")).await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;

    peer.go_down().await;
    app.publish(&token, json!({"title": "Ferry delayed", "body": "Fog."}))
        .await;
    // Long enough for several refused attempts.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = app.cli(&["deliveries"]);
    let report = String::from_utf8_lossy(&status.stdout);
    assert!(
        report.contains("pending") && report.contains("failing"),
        "{report}"
    );

    peer.come_back().await;
    let create = peer.wait_for(WAIT, |d| d.body["type"] == "Create").await;
    assert_eq!(create.body["object"]["name"], "Ferry delayed");
}

#[tokio::test]
async fn a_final_4xx_is_not_retried() {
    let app = spawn_app_with(|s| s.delivery.retry_base_ms = 100).await;
    let token = app.token();
    let peer = Peer::start().await;
    follow(&peer, "a", &app.url("/@news"), &app.url("/inbox")).await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;

    peer.answer_with(403);
    app.publish(&token, json!({"title": "Market day", "body": "Stalls."}))
        .await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Create").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(peer.received_of("Create").len(), 1, "403 is final");
    let report = String::from_utf8_lossy(&app.cli(&["deliveries"]).stdout).to_string();
    assert!(report.contains("failed"), "{report}");

    // 429 is not final: it is retried until it succeeds.
    peer.answer_with(429);
    app.publish(
        &token,
        json!({"title": "Market week", "body": "More stalls."}),
    )
    .await;
    peer.wait_for(WAIT, |d| d.body["object"]["name"] == "Market week")
        .await;
    peer.answer_with(202);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let attempts = peer
        .received()
        .iter()
        .filter(|d| d.body["object"]["name"] == "Market week")
        .count();
    assert!(attempts >= 2, "429 was retried ({attempts} attempts)");
}

#[tokio::test]
async fn a_dead_host_is_skipped_until_it_writes_to_us() {
    let app = spawn_app_with(|s| {
        s.delivery.retry_base_ms = 100;
        s.delivery.dead_after_secs = 1;
    })
    .await;
    let token = app.token();
    let mut peer = Peer::start().await;
    follow(&peer, "a", &app.url("/@news"), &app.url("/inbox")).await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;

    peer.go_down().await;
    app.publish(&token, json!({"title": "Storm", "body": "Wind."}))
        .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let report = String::from_utf8_lossy(&app.cli(&["deliveries"]).stdout).to_string();
    assert!(report.contains("dead"), "{report}");

    // Back up, but dead: nothing is sent to it.
    peer.come_back().await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        peer.received_of("Create").is_empty(),
        "a dead host is skipped"
    );

    // It writes to us (any signed activity), and what waited is delivered.
    let like = json!({"id": format!("{}/likes/1", peer.actor("a")), "type": "Like", "actor": peer.actor("a"), "object": app.url("/stories/welcome")});
    assert_eq!(
        peer.send("a", &app.url("/inbox"), &like).await.status(),
        202
    );
    let create = peer.wait_for(WAIT, |d| d.body["type"] == "Create").await;
    assert_eq!(create.body["object"]["name"], "Storm");
}

#[tokio::test]
async fn a_story_published_while_the_server_is_stopped_is_delivered_at_start() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    follow(&peer, "a", &app.url("/@news"), &app.url("/inbox")).await;
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    let address = app.address.clone();
    let (dir, database) = app.stop().await;

    // The CLI queues the deliveries in the database; no server is running.
    let story = tempfile::tempdir().unwrap();
    let path = crate::helpers::story_file(
        &story,
        "s.md",
        "---\ntitle: Night edition\n---\nLate news.\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .args(["publish", &path])
        .env("DATABASE_URL", &database)
        .env("BROADSHEET_PUBLIC_URL", &address)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(peer.received_of("Create").is_empty());

    let port: u16 = address.rsplit(':').next().unwrap().parse().unwrap();
    let _app = spawn_on(dir, database, |s| {
        s.public_url = address.parse().unwrap();
        s.bind = format!("127.0.0.1:{port}").parse().unwrap();
    })
    .await;
    let create: Value = peer
        .wait_for(WAIT, |d| d.body["type"] == "Create")
        .await
        .body;
    assert_eq!(create["object"]["name"], "Night edition");
}

#[tokio::test]
async fn a_crash_mid_fan_out_loses_no_delivery() {
    use crate::process::{Replica, free_port};
    // Prepare the database, then serve it from a real process that can be killed.
    let app = spawn_app().await;
    let token = app.token();
    let (public, database) = (app.address.clone(), app.database_url.clone());
    let (dir, _) = app.stop().await;
    let config = dir.path().join("crash.toml");
    std::fs::write(
        &config,
        "[delivery]\nlease_secs = 2\nretry_base_ms = 200\npoll_ms = 100\n",
    )
    .unwrap();
    let env = [("BROADSHEET_CONFIG", config.to_str().unwrap())];
    let port = free_port();
    let mut server = Replica::start(&database, &public, port, &env);
    let backend = format!("http://127.0.0.1:{port}/inbox");
    let public_inbox = format!("{public}/inbox");
    let news = format!("{public}/@news");

    // 200 followers on 10 servers, each with an inbox of their own.
    let mut peers = Vec::new();
    for _ in 0..10 {
        let peer = Peer::start().await;
        peer.without_shared_inbox();
        for n in 0..20 {
            let follow = peer.follow_activity(&format!("r{n}"), &news);
            assert_eq!(
                peer.send_via(&format!("r{n}"), &public_inbox, &backend, &follow)
                    .await
                    .status(),
                202
            );
        }
        peers.push(peer);
    }
    for peer in &peers {
        let deadline = tokio::time::Instant::now() + WAIT;
        while peer.received_of("Accept").len() < 20 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "Accepts missing at {}",
                peer.base
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // Some servers are slow, some failing, when the story goes out.
    for peer in &peers[..3] {
        peer.answer_after(Duration::from_millis(800));
    }
    for peer in &peers[3..5] {
        peer.answer_with(503);
    }
    let created = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/stories"))
        .bearer_auth(&token)
        .json(&json!({"title": "Crash edition", "body": "Sent through a crash."}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill();

    for peer in &peers[3..5] {
        peer.answer_with(202);
    }
    let _restarted = Replica::start(&database, &public, free_port(), &env);
    for peer in &peers {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let reached: std::collections::HashSet<String> = peer
                .received()
                .into_iter()
                .filter(|d| {
                    d.body["type"] == "Create" && d.body["object"]["name"] == "Crash edition"
                })
                .map(|d| d.path)
                .collect();
            if reached.len() == 20 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} of 20 inboxes at {} got the story",
                reached.len(),
                peer.base
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test]
async fn servers_that_accept_and_never_answer_do_not_hold_the_slots_live_servers_need() {
    // One slot, and attempts that outlast the whole wait: without giving the slot back, the
    // live server would wait behind each hanging one.
    let app = spawn_app_with(|s| {
        s.delivery.concurrency = 1;
        s.delivery.timeout_secs = 60;
        s.delivery.slow_after_ms = 200;
    })
    .await;
    let token = app.token();
    let (news, inbox) = (app.url("/@news"), app.url("/inbox"));
    let mut hanging = Vec::new();
    for _ in 0..3 {
        let peer = Peer::start().await;
        follow(&peer, "stuck", &news, &inbox).await;
        peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
        peer.answer_after(Duration::from_secs(120));
        hanging.push(peer);
    }
    let live = Peer::start().await;
    follow(&live, "reader", &news, &inbox).await;
    live.wait_for(WAIT, |d| d.body["type"] == "Accept").await;

    let story = app
        .publish(
            &token,
            json!({"title": "Bridge reopens", "body": "Traffic flows."}),
        )
        .await;
    let url = json!(story["url"]);
    live.wait_for(WAIT, |d| {
        d.body["type"] == "Create" && d.body["object"]["id"] == url
    })
    .await;
    for peer in &hanging {
        peer.wait_for(WAIT, |d| d.body["type"] == "Create").await;
    }
}
