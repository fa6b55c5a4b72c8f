//! The newsroom in the conversation: closing stories to replies, reply counts in listings.

use reqwest::Method;
use serde_json::json;

use crate::{
    helpers::{TestApp, spawn_app, spawn_app_with},
    peer::Peer,
};

const STORY: &str = "/stories/welcome";

async fn reply(app: &TestApp, peer: &Peer, name: &str, text: &str) -> u16 {
    let note = peer.note("reader", name, &app.url(STORY), &format!("<p>{text}</p>"));
    peer.send("reader", &app.url("/inbox"), &peer.create(&note))
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_closed_story_refuses_replies_and_reopening_accepts_them() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    assert_eq!(reply(&app, &peer, "first", "before closing").await, 202);

    let closed = app
        .api(Method::POST, "/stories/welcome/close", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 200);
    assert_eq!(
        closed.json::<serde_json::Value>().await.unwrap()["replies_closed"],
        true
    );
    assert_eq!(reply(&app, &peer, "second", "after closing").await, 403);
    // Answers to an existing reply are refused as well.
    let first_id = format!("{}/notes/first", peer.base);
    let nested = peer.note("reader", "nested", &first_id, "<p>nested after closing</p>");
    assert_eq!(
        peer.send("reader", &app.url("/inbox"), &peer.create(&nested))
            .await
            .status(),
        403
    );

    let page = app.get_html(STORY).await.text().await.unwrap();
    assert!(page.contains("Replies to this story are closed."));
    assert!(
        page.contains("before closing")
            && !page.contains("after closing")
            && !page.contains("nested after closing")
    );
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canReply"]["automaticApproval"],
        json!([app.url("/@news")])
    );

    app.api(Method::POST, "/stories/welcome/reopen", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(reply(&app, &peer, "third", "after reopening").await, 202);
    assert!(
        app.get_html(STORY)
            .await
            .text()
            .await
            .unwrap()
            .contains("after reopening")
    );
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canReply"]["automaticApproval"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
}

#[tokio::test]
async fn stories_older_than_the_configured_age_are_closed() {
    let app = spawn_app_with(|s| s.replies.close_after_days = 1).await;
    let peer = Peer::start().await;
    assert_eq!(
        reply(&app, &peer, "fresh", "a fresh story takes replies").await,
        202
    );
    // Age the story by two days, directly in its row.
    let db = broadsheet::storage::connect(&app.database_url, 1)
        .await
        .unwrap();
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    let two_days_ago = chrono::Utc::now() - chrono::Duration::days(2);
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "UPDATE stories SET published_at = $1 WHERE slug = 'welcome'"
        }
        _ => "UPDATE stories SET published_at = ? WHERE slug = 'welcome'",
    };
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [two_days_ago.into()],
    ))
    .await
    .unwrap();
    assert_eq!(reply(&app, &peer, "late", "too late").await, 403);
    assert!(
        app.get_html(STORY)
            .await
            .text()
            .await
            .unwrap()
            .contains("Replies to this story are closed.")
    );
}

#[tokio::test]
async fn listings_show_reply_counts() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    for n in 0..3 {
        reply(&app, &peer, &format!("r{n}"), &format!("reply {n}")).await;
    }
    let front = app.get_html("/").await.text().await.unwrap();
    assert!(front.contains("3 replies"), "{front}");
    let author = app
        .get_html("/@broadsheet_desk")
        .await
        .text()
        .await
        .unwrap();
    assert!(author.contains("3 replies"));
}
