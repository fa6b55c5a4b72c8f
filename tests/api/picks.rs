//! Editor picks: a featured reply is shown first on its story's page and marked in its thread,
//! the publication boosts it to its followers (and its author) and takes the boost back when it
//! is unfeatured, hidden or deleted; only a published reply can be featured. Replies by the
//! story's own author carry an "Author" badge.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, WAIT, count, count_reaches, html, spawn_app_with},
    peer::Peer,
};

pub(crate) async fn open_app() -> TestApp {
    spawn_app_with(|settings| {
        settings.moderation.mode = broadsheet::config::ModerationMode::Open;
    })
    .await
}

/// The row id of the reply `ap_id`, once the inbox has stored it.
pub(crate) async fn reply_id(app: &TestApp, ap_id: &str) -> i64 {
    let db = app.db().await;
    let ap_id = ap_id.replace('\'', "''");
    count_reaches(
        &db,
        &format!("SELECT COUNT(*) FROM replies WHERE ap_id = '{ap_id}'"),
        1,
    )
    .await;
    let id = count(
        &db,
        &format!("SELECT id FROM replies WHERE ap_id = '{ap_id}'"),
    )
    .await;
    db.close().await.ok();
    id
}

/// `who` on `peer` answers the sample story; the stored reply's row id and ap_id.
pub(crate) async fn answered(
    app: &TestApp,
    peer: &Peer,
    who: &str,
    name: &str,
    text: &str,
) -> (i64, String) {
    assert_eq!(app.reply_from(peer, who, name, text).await.status(), 202);
    let ap_id = format!("{}/notes/{name}", peer.base);
    (reply_id(app, &ap_id).await, ap_id)
}

async fn post(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.api(Method::POST, path, token)
        .await
        .send()
        .await
        .unwrap()
}

/// A peer whose `follower` follows the publication, the follow accepted.
async fn follower_of_news(app: &TestApp) -> Peer {
    let peer = Peer::start().await;
    let (_, response) = peer
        .follow("follower", &app.url("/@news"), &app.url("/inbox"))
        .await;
    assert_eq!(response.status(), 202);
    peer.wait_for(WAIT, |d| d.body["type"] == "Accept").await;
    peer
}

fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[tokio::test]
async fn a_featured_reply_is_shown_first_and_boosted_to_followers_then_undone() {
    let app = open_app().await;
    let token = app.token();
    let follower = follower_of_news(&app).await;
    let readers = Peer::start().await;
    let (_, _) = answered(&app, &readers, "early", "early", "Posted first, not picked").await;
    let (picked, picked_ap_id) = answered(
        &app,
        &readers,
        "sharp",
        "sharp",
        "The sharpest point in the thread",
    )
    .await;

    let response = post(&app, &token, &format!("/replies/{picked}/feature")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // The publication boosts the reply to its followers…
    let boost = follower
        .wait_for(WAIT, |d| {
            d.body["type"] == "Announce" && d.body["object"] == picked_ap_id
        })
        .await;
    assert_eq!(boost.body["actor"], app.url("/@news"));
    assert!(
        boost.body["to"].to_string().contains("#Public"),
        "{}",
        boost.body
    );
    assert!(
        boost.body["cc"]
            .to_string()
            .contains(&app.url("/@news/followers")),
        "{}",
        boost.body
    );
    // …and its author's server hears of it.
    readers
        .wait_for(WAIT, |d| {
            d.body["type"] == "Announce" && d.body["object"] == picked_ap_id
        })
        .await;

    // On the page: first, in the Featured part above the conversation, and marked in its thread.
    let page = app.story_page().await;
    let doc = html(&page);
    let picks = texts(&doc, "section.conversation section.featured li.pick");
    assert_eq!(picks.len(), 1, "{picks:?}");
    assert!(picks[0].contains("The sharpest point"), "{picks:?}");
    let featured_at = page.find("class=\"featured\"").unwrap();
    let first_in_thread = page.find("Posted first, not picked").unwrap();
    assert!(
        featured_at < first_in_thread,
        "the Featured part comes first"
    );
    let marked = texts(
        &doc,
        &format!("li#reply-{picked} > article .badge.featured"),
    );
    assert_eq!(marked, ["Featured"], "marked in its thread too");
    // Featuring twice changes nothing and sends nothing more.
    assert_eq!(
        post(&app, &token, &format!("/replies/{picked}/feature"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let response = post(&app, &token, &format!("/replies/{picked}/unfeature")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let undo = follower.wait_for(WAIT, |d| d.body["type"] == "Undo").await;
    assert_eq!(undo.body["object"]["type"], "Announce");
    assert_eq!(
        undo.body["object"]["id"], boost.body["id"],
        "the same boost is undone"
    );
    assert_eq!(undo.body["object"]["object"], picked_ap_id);
    assert_eq!(follower.received_of("Announce").len(), 1, "one boost only");
    let page = app.story_page().await;
    assert!(!page.contains("class=\"featured\""), "{page}");
    assert!(
        page.contains("The sharpest point"),
        "still in the conversation"
    );
}

#[tokio::test]
async fn only_a_published_reply_can_be_featured() {
    let app = open_app().await;
    let token = app.token();
    let follower = follower_of_news(&app).await;
    let readers = Peer::start().await;
    let (id, _) = answered(&app, &readers, "gone", "hidden", "Hidden by an editor").await;
    assert_eq!(
        post(&app, &token, &format!("/replies/{id}/hide"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let response = post(&app, &token, &format!("/replies/{id}/feature")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(
        body.to_string().contains("only a published reply"),
        "{body}"
    );
    let missing = post(&app, &token, "/replies/999999/feature").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Nothing stored, nothing queued.
    let db = app.db().await;
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM replies WHERE featured_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM outgoing_activities WHERE payload LIKE '%#feature-%'"
        )
        .await,
        0
    );
    assert!(follower.received_of("Announce").is_empty());
}

#[tokio::test]
async fn hiding_or_deleting_a_featured_reply_unfeatures_it_and_undoes_the_boost() {
    let app = open_app().await;
    let token = app.token();
    let follower = follower_of_news(&app).await;
    let readers = Peer::start().await;
    for (name, action) in [
        ("to-hide", "hide"),
        ("to-delete", "delete"),
        ("withdrawn", "remote"),
    ] {
        let (id, ap_id) = answered(
            &app,
            &readers,
            "reader",
            name,
            &format!("Featured, then {action}"),
        )
        .await;
        assert_eq!(
            post(&app, &token, &format!("/replies/{id}/feature"))
                .await
                .status(),
            StatusCode::NO_CONTENT
        );
        follower
            .wait_for(WAIT, |d| {
                d.body["type"] == "Announce" && d.body["object"] == ap_id
            })
            .await;
        let done = if action == "hide" {
            post(&app, &token, &format!("/replies/{id}/hide")).await
        } else if action == "remote" {
            // Its author deletes it on their server.
            let delete = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{ap_id}#delete"), "type": "Delete",
                "actor": readers.actor("reader"), "object": ap_id,
            });
            let sent = readers.send("reader", &app.url("/inbox"), &delete).await;
            assert_eq!(sent.status(), StatusCode::ACCEPTED);
            sent
        } else {
            app.api(Method::DELETE, &format!("/replies/{id}"), &token)
                .await
                .send()
                .await
                .unwrap()
        };
        assert!(done.status().is_success(), "{action}: {}", done.status());
        follower
            .wait_for(WAIT, |d| {
                d.body["type"] == "Undo" && d.body["object"]["object"] == ap_id
            })
            .await;
    }
    let page = app.story_page().await;
    assert!(!page.contains("class=\"featured\""), "{page}");
    let listed: Value = app
        .api(Method::GET, "/replies?featured=true", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]), "{listed}");
}

#[tokio::test]
async fn the_storys_own_author_answering_is_marked_author() {
    let app = open_app().await;
    let token = app.token();
    let readers = Peer::start().await;
    let (id, _) = answered(&app, &readers, "asker", "question", "Who wrote this?").await;
    // The sample story is by Broadsheet Desk.
    for (speaker, text) in [
        ("broadsheet_desk", "I did, thanks for reading."),
        ("news", "The desk answers too."),
    ] {
        let response = app
            .api(Method::POST, &format!("/replies/{id}/answer"), &token)
            .await
            .json(&json!({ "content": text, "as": speaker }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
    }
    let page = app
        .page_until(|p| p.contains("The desk answers too."))
        .await;
    let doc = html(&page);
    let badges = |text: &str| -> Vec<String> {
        let item = scraper::Selector::parse("li.reply").unwrap();
        let badge = scraper::Selector::parse(":scope > article header .badge").unwrap();
        doc.select(&item)
            .find(|li| {
                li.select(&scraper::Selector::parse(":scope > article").unwrap())
                    .any(|a| a.text().collect::<String>().contains(text))
            })
            .map(|li| li.select(&badge).map(|b| b.text().collect()).collect())
            .unwrap_or_default()
    };
    assert_eq!(badges("I did, thanks"), ["Newsroom", "Author"]);
    assert_eq!(badges("The desk answers too."), ["Newsroom"]);
    assert!(badges("Who wrote this?").is_empty());
    let _ = STORY;
}

#[tokio::test]
async fn featuring_and_unfeaturing_are_in_the_moderation_log_with_who_did_it() {
    let app = open_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let (id, _) = answered(&app, &peer, "reader", "logged", "<p>a pick</p>").await;
    assert_eq!(
        post(&app, &token, &format!("/replies/{id}/feature"))
            .await
            .status(),
        204
    );
    assert_eq!(
        post(&app, &token, &format!("/replies/{id}/unfeature"))
            .await
            .status(),
        204
    );
    // Unfeaturing what is not featured changes nothing, and logs nothing.
    assert_eq!(
        post(&app, &token, &format!("/replies/{id}/unfeature"))
            .await
            .status(),
        204
    );

    let log: serde_json::Value = app
        .api(Method::GET, "/moderation/log", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let target = id.to_string();
    let mut actions: Vec<(String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == target.as_str())
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["editor"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            ("feature".to_string(), "tests".to_string()),
            ("unfeature".to_string(), "tests".to_string())
        ],
        "{log}"
    );
}
