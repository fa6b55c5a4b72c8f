//! The newsroom in the conversation: closing stories to replies, reply counts in listings.

use reqwest::Method;
use serde_json::json;

use crate::{
    helpers::{STORY, TestApp, WAIT, spawn_app, spawn_app_with},
    peer::Peer,
};

#[tokio::test]
async fn a_closed_story_refuses_replies_and_reopening_accepts_them() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    assert_eq!(
        app.reply_from(&peer, "reader", "first", "before closing")
            .await
            .status(),
        202
    );

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
    assert_eq!(
        app.reply_from(&peer, "reader", "second", "after closing")
            .await
            .status(),
        403
    );
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
    assert_eq!(
        app.reply_from(&peer, "reader", "third", "after reopening")
            .await
            .status(),
        202
    );
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
        app.reply_from(&peer, "reader", "fresh", "a fresh story takes replies")
            .await
            .status(),
        202
    );
    // Age the story by two days, directly in its row.
    let db = app.db().await;
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
    // The inbox keeps the stories replies answer in memory for up to 2 s; a change made
    // behind the server's back (this SQL) shows once that copy has expired.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        app.reply_from(&peer, "reader", "late", "too late")
            .await
            .status(),
        403
    );
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
        app.reply_from(&peer, "reader", &format!("r{n}"), &format!("reply {n}"))
            .await;
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

#[tokio::test]
async fn an_editor_answers_a_reader_and_the_answer_federates_edits_and_goes() {
    let app = spawn_app().await;
    let token = app.token();
    let (reader_host, follower_host) = (Peer::start().await, Peer::start().await);
    let (_, response) = follower_host
        .follow("fan", &app.url("/@news"), &app.url("/inbox"))
        .await;
    assert_eq!(response.status(), 202);
    follower_host
        .wait_for(WAIT, |d| d.body["type"] == "Accept")
        .await;
    assert_eq!(
        app.reply_from(&reader_host, "reader", "question", "When does it open?")
            .await
            .status(),
        202
    );
    let queue_id = reply_id(&app, &format!("{}/notes/question", reader_host.base)).await;

    let answered = app
        .api(Method::POST, &format!("/replies/{queue_id}/answer"), &token)
        .await
        .json(&json!({"content": "It opens on *Monday*."}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);
    let ours: serde_json::Value = answered.json().await.unwrap();
    let note_id = ours["ap_id"].as_str().unwrap().to_string();

    // The reader's own inbox gets it, mentioning and addressing them.
    let create = reader_host
        .wait_for(WAIT, |d| {
            d.body["type"] == "Create" && d.body["object"]["id"] == note_id.as_str()
        })
        .await;
    assert_eq!(create.path, "/users/reader/inbox");
    let note = &create.body["object"];
    assert_eq!(
        note["inReplyTo"],
        format!("{}/notes/question", reader_host.base)
    );
    assert_eq!(note["attributedTo"], app.url("/@news"));
    assert_eq!(
        note["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert!(
        note["cc"]
            .as_array()
            .unwrap()
            .contains(&json!(reader_host.actor("reader")))
    );
    assert!(
        note["cc"]
            .as_array()
            .unwrap()
            .contains(&json!(app.url("/@news/followers")))
    );
    assert_eq!(note["tag"][0]["type"], "Mention");
    assert_eq!(note["tag"][0]["href"], reader_host.actor("reader"));
    assert!(
        note["content"]
            .as_str()
            .unwrap()
            .contains("class=\"u-url mention\"")
    );
    assert!(
        note["content"]
            .as_str()
            .unwrap()
            .contains("<em>Monday</em>")
    );
    assert!(
        create.headers["signature"]
            .to_str()
            .unwrap()
            .contains(&format!("{}#main-key", app.url("/@news")))
    );
    // The publication's followers get it too.
    follower_host
        .wait_for(WAIT, |d| {
            d.body["type"] == "Create" && d.body["object"]["id"] == note_id.as_str()
        })
        .await;

    // It lives at its id, in the thread (marked as the newsroom's) and in the collections.
    let fetched = app.get_ap_json(&note_id).await;
    assert_eq!(fetched["id"], note_id);
    assert_eq!(fetched["type"], "Note");
    let browser = app
        .client
        .get(&note_id)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 303);
    let page = app.get_html(STORY).await.text().await.unwrap();
    assert!(page.contains("Newsroom") && page.contains("<em>Monday</em>"));
    let thread = app.get_ap_json("/stories/welcome/replies?page=1").await;
    assert!(
        thread["orderedItems"]
            .as_array()
            .unwrap()
            .contains(&json!(note_id))
    );
    let under_question = app
        .get_ap_json(&format!("/replies/{queue_id}/replies?page=1"))
        .await;
    assert_eq!(under_question["orderedItems"], json!([note_id]));

    let ours_id = ours["id"].as_i64().unwrap();
    let edited = app
        .api(Method::PUT, &format!("/replies/{ours_id}"), &token)
        .await
        .json(&json!({"content": "It opens on *Tuesday*."}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let update = reader_host
        .wait_for(WAIT, |d| d.body["type"] == "Update")
        .await;
    assert!(
        update.body["object"]["content"]
            .as_str()
            .unwrap()
            .contains("Tuesday")
    );
    assert!(update.body["object"]["updated"].is_string());

    let deleted = app
        .api(Method::DELETE, &format!("/replies/{ours_id}"), &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let delete = reader_host
        .wait_for(WAIT, |d| d.body["type"] == "Delete")
        .await;
    assert_eq!(delete.body["object"]["id"], note_id);
    assert_eq!(app.get_ap(&note_id).await.status(), 410);
    assert!(
        !app.get_html(STORY)
            .await
            .text()
            .await
            .unwrap()
            .contains("Tuesday")
    );
}

/// Our row id of a reply, found through the story's thread view in the JSON API.
async fn reply_id(app: &TestApp, ap_id: &str) -> i64 {
    let db = app.db().await;
    broadsheet::domain::reply::find(&db, ap_id)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn the_live_stream_carries_new_replies_edits_and_removals() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let mut stream = app
        .client
        .get(app.url("/stories/welcome/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );

    let note = peer.note("reader", "live", &app.url(STORY), "<p>streamed words</p>");
    assert_eq!(
        peer.send("reader", &app.url("/inbox"), &peer.create(&note))
            .await
            .status(),
        202
    );
    let delete = json!({"id": format!("{}/delete-live", peer.actor("reader")), "type": "Delete", "actor": peer.actor("reader"), "object": note["id"]});
    assert_eq!(
        peer.send("reader", &app.url("/inbox"), &delete)
            .await
            .status(),
        202
    );

    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !(received.contains("event: reply") && received.contains("event: remove")) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("events arrive")
            .unwrap()
            .unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.contains("streamed words"), "{received}");
    assert!(
        received.contains("class=\\\"reply\\\""),
        "the event carries the rendered reply: {received}"
    );
    assert_eq!(
        app.client
            .get(app.url("/stories/nothing/live"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn one_client_may_hold_only_so_many_live_streams() {
    let app = crate::helpers::spawn_app_with(|s| s.web.live_streams_per_client = 3).await;
    let open = || async {
        app.client
            .get(app.url("/stories/welcome/live"))
            .send()
            .await
            .unwrap()
    };
    let mut streams = Vec::new();
    for _ in 0..3 {
        let stream = open().await;
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    let refused = open().await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));

    // A reader closing a page frees its slot.
    drop(streams.pop());
    let deadline = tokio::time::Instant::now() + WAIT;
    let reopened = loop {
        let response = open().await;
        if response.status() == 200 || tokio::time::Instant::now() > deadline {
            break response;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(reopened.status(), 200, "the slot came back");
    assert_eq!(open().await.status(), 429, "and the cap still holds");
    drop(streams);
}
