//! The newsroom's numbers: what a peer sends (follows and an unfollow, replies, likes, boosts,
//! a quote) is what `GET /api/v1/stats` counts and what the dashboard's charts draw.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    admin::login,
    helpers::{STORY, TestApp, html, spawn_app},
    peer::Peer,
    quotes::{quote_request, quoting_post, to_inbox},
};

/// A `Like` or `Announce` of the sample story by `from`.
fn reaction(peer: &Peer, app: &TestApp, kind: &str, from: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/{kind}/{}", peer.actor(from), uuid::Uuid::new_v4().simple()),
        "type": kind, "actor": peer.actor(from), "object": app.url(STORY),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    })
}

/// Three follows of the publication (one undone), three replies, two likes, a boost, a quote.
async fn a_day_of_conversation(app: &TestApp, peer: &Peer) {
    let publication = app.url("/@news");
    let inbox = app.url("/inbox");
    let mut follows = Vec::new();
    for who in ["ann", "ben", "cy"] {
        let (id, response) = peer.follow(who, &publication, &inbox).await;
        assert!(response.status().is_success());
        follows.push(id);
    }
    let undone = peer.unfollow("cy", &follows[2], &publication, &inbox).await;
    assert!(undone.status().is_success());
    for (who, name) in [("ann", "r1"), ("ben", "r2"), ("cy", "r3")] {
        let response = app.reply_from(peer, who, name, "A reply").await;
        assert!(response.status().is_success());
    }
    for (kind, who) in [("Like", "ann"), ("Like", "ben"), ("Announce", "cy")] {
        assert_eq!(
            to_inbox(peer, who, app, &reaction(peer, app, kind, who)).await,
            202
        );
    }
    let post = quoting_post(peer, "dee", "q1", "quote", &app.url(STORY));
    to_inbox(
        peer,
        "dee",
        app,
        &quote_request(peer, "dee", &app.url(STORY), &post),
    )
    .await;
}

fn last(series: &Value) -> i64 {
    let points = series.as_array().unwrap();
    assert_eq!(points.len(), 30, "thirty days, today last");
    assert_eq!(points[29]["day"], today());
    points[29]["count"].as_i64().unwrap()
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn the_dashboard_counts_what_was_sent() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    a_day_of_conversation(&app, &peer).await;

    let stats: Value = app
        .api(Method::GET, "/stats", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(last(&stats["replies"]), 3);
    assert_eq!(last(&stats["likes"]), 2);
    assert_eq!(last(&stats["boosts"]), 1);
    assert_eq!(last(&stats["quotes"]), 1);
    assert_eq!(last(&stats["followers"]), 2, "three followed, one left");
    assert_eq!(stats["followers_now"], 2);
    // Nobody followed a month ago; every earlier day counts nothing.
    assert_eq!(stats["followers"][0]["count"], 0);
    assert_eq!(stats["replies"][28]["count"], 0);
    assert_eq!(stats["top_stories"][0]["slug"], "welcome");
    assert_eq!(stats["top_stories"][0]["replies"], 3);
    assert_eq!(stats["top_stories"][0]["url"], app.url(STORY));
    for field in ["pending", "delivered", "failed", "expired", "dead_hosts"] {
        assert!(stats["deliveries"][field].is_number(), "{field}: {stats}");
    }

    let browser = login(&app).await;
    let page = browser.get(&app, "/admin").await.text().await.unwrap();
    let doc = html(&page);
    for (chart, figure) in [("replies", 3), ("likes", 2), ("boosts", 1), ("quotes", 1)] {
        let bars =
            scraper::Selector::parse(&format!("svg[aria-labelledby='{chart}-title'] rect.bar"))
                .unwrap();
        let drawn: Vec<_> = doc.select(&bars).collect();
        assert_eq!(drawn.len(), 30, "{chart}");
        let label: String = drawn[29].text().collect();
        assert_eq!(label, format!("{}: {figure}", today()), "{chart}");
    }
    let points =
        scraper::Selector::parse("svg[aria-labelledby='followers-title'] circle.point").unwrap();
    let drawn: Vec<_> = doc.select(&points).collect();
    assert_eq!(drawn.len(), 30);
    assert_eq!(
        drawn[29].text().collect::<String>(),
        format!("{}: 2", today())
    );
    assert!(
        page.contains("href=\"/admin/stories/welcome/thread\""),
        "{page}"
    );
    assert!(page.contains("3 replies"));
    assert!(!page.contains("style="), "no inline style under the CSP");
}

#[tokio::test]
async fn the_figures_need_a_token_and_start_at_zero() {
    let app = spawn_app().await;
    let anonymous = app
        .client
        .get(app.url("/api/v1/stats"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let token = app.token();
    let stats: Value = app
        .api(Method::GET, "/stats", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for series in ["replies", "likes", "boosts", "quotes", "followers"] {
        assert_eq!(last(&stats[series]), 0, "{series}");
    }
    assert_eq!(stats["top_stories"], json!([]));
    let browser = login(&app).await;
    let page = browser.get(&app, "/admin").await.text().await.unwrap();
    assert!(page.contains("No replies this week yet."));
}
