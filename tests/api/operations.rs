//! Running it: health, metrics, request ids, and replicas sharing one PostgreSQL.

use std::{
    collections::{BTreeMap, HashSet},
    time::Duration,
};

use serde_json::json;

use crate::{
    helpers::spawn_app,
    peer::Peer,
    process::{Replica, free_port},
};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn healthz_answers_and_the_container_check_agrees() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["database"],
        "ok"
    );
    let out = app.cli_async(&["health"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let id = app
        .client
        .get(app.url("/"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(id.headers()["x-request-id"], "trace-me-42");
    let fresh = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        fresh.headers()["x-request-id"].len(),
        36,
        "a UUID is made when the proxy sent none"
    );
}

/// Parses Prometheus text: `# HELP`/`# TYPE` lines, samples `name{labels} value`, `# EOF`.
fn samples(text: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let mut typed = HashSet::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            typed.insert(parts.next().unwrap().to_string());
            assert!(
                matches!(parts.next(), Some("counter" | "gauge" | "histogram")),
                "{line}"
            );
            continue;
        }
        if line.starts_with("# HELP ") || line == "# EOF" {
            continue;
        }
        let (name, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let family = name.split('{').next().unwrap();
        let base = ["_total", "_bucket", "_sum", "_count", "_created"]
            .iter()
            .find_map(|s| family.strip_suffix(s))
            .unwrap_or(family);
        assert!(
            typed.contains(base) || typed.contains(family),
            "sample before its TYPE: {line}"
        );
        if name.contains('{') {
            assert!(
                name.ends_with('}') && name.contains("=\""),
                "bad labels: {line}"
            );
        }
        out.insert(name.to_string(), value);
    }
    assert!(text.trim_end().ends_with("# EOF"));
    out
}

#[tokio::test]
async fn metrics_parse_and_move_as_the_server_works() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let scrape = || async {
        samples(
            &app.client
                .get(app.url("/metrics"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        )
    };
    let before = scrape().await;
    assert_eq!(before["broadsheet_delivery_queue_depth"], 0.0);

    let (_, response) = peer
        .follow("a", &app.url("/@news"), &app.url("/inbox"))
        .await;
    assert_eq!(response.status(), 202);
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    app.get_html("/stories/welcome").await;
    let unsigned = app
        .client
        .post(app.url("/inbox"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);

    let after = scrape().await;
    assert_eq!(
        after["broadsheet_inbox_requests_total{outcome=\"processed\"}"],
        1.0
    );
    assert_eq!(
        after["broadsheet_inbox_requests_total{outcome=\"refused\"}"],
        1.0
    );
    assert_eq!(
        after["broadsheet_deliveries_total{outcome=\"delivered\"}"],
        1.0
    );
    assert!(after["broadsheet_remote_fetches_total{outcome=\"ok\"}"] >= 1.0);
    assert_eq!(after["broadsheet_story_page_seconds_count"], 1.0);
    assert!(after.contains_key("broadsheet_dead_hosts"));
    assert!(after.contains_key("broadsheet_delivery_oldest_due_seconds"));
}

#[tokio::test]
async fn two_replicas_on_one_postgresql_deliver_and_store_everything_exactly_once() {
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        eprintln!("skipped: replicas share a PostgreSQL database (set TEST_DATABASE_URL)");
        return;
    }
    // The first app prepares the database (migrations, actors), then steps aside for two replicas.
    let app = spawn_app().await;
    let token = app.token();
    let public = app.address.clone();
    let database = app.database_url.clone();
    let (_dir, _) = app.stop().await;
    let (port_a, port_b) = (free_port(), free_port());
    let mut a = Replica::start(&database, &public, port_a, &[]);
    let mut b = Replica::start(&database, &public, port_b, &[]);
    let inbox_a = format!("http://127.0.0.1:{port_a}/inbox");
    let inbox_b = format!("http://127.0.0.1:{port_b}/inbox");
    let news = format!("{public}/@news");
    // Other servers see one public address; the balancer sends each request to a replica.
    let public_inbox = format!("{public}/inbox");

    // Twelve servers follow, through either replica.
    let mut peers = Vec::new();
    for i in 0..12 {
        let peer = Peer::start().await;
        let backend = if i % 2 == 0 { &inbox_a } else { &inbox_b };
        let follow = peer.follow_activity("reader", &news);
        assert_eq!(
            peer.send_via("reader", &public_inbox, backend, &follow)
                .await
                .status(),
            202
        );
        peers.push(peer);
    }
    for peer in &peers {
        peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
        // Slow answers keep the fan-out in flight when a replica is stopped.
        peer.answer_after(Duration::from_millis(1500));
    }

    let client = reqwest::Client::new();
    let created = client
        .post(format!("http://127.0.0.1:{port_a}/api/v1/stories"))
        .bearer_auth(&token)
        .json(&json!({"title": "Both replicas", "body": "Sent once."}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let story = created.json::<serde_json::Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();

    // Replies reach both replicas, each one twice.
    for (i, peer) in peers.iter().take(4).enumerate() {
        let note = peer.note(
            "reader",
            &format!("r{i}"),
            &story,
            &format!("<p>reply {i}</p>"),
        );
        for backend in [&inbox_a, &inbox_b] {
            assert_eq!(
                peer.send_via("reader", &public_inbox, backend, &peer.create(&note))
                    .await
                    .status(),
                202
            );
        }
    }
    // Every inbox takes 1.5 s to answer: B is stopped with deliveries in flight, which it
    // finishes (or hands back) before exiting.
    let stopping = tokio::task::spawn_blocking(move || b.terminate());
    assert!(
        stopping.await.unwrap().success(),
        "replica B stops cleanly mid-fan-out"
    );

    for peer in &peers {
        peer.wait_for(WAIT, |d| {
            d.body["type"] == "Create" && d.body["object"]["id"] == story.as_str()
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    for peer in &peers {
        let creates = peer
            .received()
            .iter()
            .filter(|d| d.body["type"] == "Create" && d.body["object"]["id"] == story.as_str())
            .count();
        assert_eq!(
            creates, 1,
            "{} received the story {creates} times",
            peer.base
        );
        assert_eq!(peer.received_of("Accept").len(), 1);
    }
    let replies: serde_json::Value = client
        .get(format!(
            "http://127.0.0.1:{port_a}/stories/both-replicas/replies"
        ))
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(replies["totalItems"], 4, "each reply stored once");
    assert!(a.terminate().success());
}
