//! Broadsheet against an independent implementation: the Fedify peer signs, verifies and parses
//! with its own code.

use std::time::Duration;

use serde_json::json;

use crate::{fedify::FedifyPeer, helpers::spawn_app};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn fedify_follows_and_receives_stories_edits_and_deletions() {
    let Some(fedify) = FedifyPeer::start_if_installed().await else {
        return;
    };
    let app = spawn_app().await;
    let token = app.token();
    let news = app.url("/@news");

    fedify.follow(&news).await;
    // Fedify verified our signature on the Accept, or it would not have recorded it.
    let accept = fedify.wait_for(WAIT, |a| a["type"] == "Accept").await;
    assert_eq!(accept["actor"], news);
    let followers = app.get_ap_json("/@news/followers?page=1").await;
    assert_eq!(followers["orderedItems"], json!([fedify.actor_url()]));

    let story = app
        .publish(&token, json!({"title": "Bridge reopens", "body": "Traffic *flows*.", "authors": ["Ana Ruiz"], "tags": ["Traffic"]}))
        .await;
    let url = story["url"].as_str().unwrap().to_string();
    let create = fedify.wait_for(WAIT, |a| a["type"] == "Create").await;
    assert_eq!(create["actor"], news);
    let article = &create["activity"]["object"];
    assert_eq!(article["id"], url);
    assert_eq!(article["type"], "Article");
    assert_eq!(article["name"], "Bridge reopens");

    app.api(reqwest::Method::DELETE, "/stories/bridge-reopens", &token)
        .await
        .send()
        .await
        .unwrap();
    let delete = fedify.wait_for(WAIT, |a| a["type"] == "Delete").await;
    assert_eq!(delete["actor"], news);

    fedify.unfollow(&news).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while app.get_ap_json("/@news/followers").await["totalItems"] != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Undo was not applied"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_fedify_reply_and_a_reply_to_it_thread_under_the_story() {
    let Some(fedify) = FedifyPeer::start_if_installed().await else {
        return;
    };
    let app = spawn_app().await;
    let story = app.url("/stories/welcome");
    let news = app.url("/@news");

    let first = fedify
        .reply(&story, "<p>Replying from Fedify</p>", &news)
        .await;
    let first_id = first["id"].as_str().unwrap().to_string();
    fedify
        .reply(&first_id, "<p>And answering myself</p>", &news)
        .await;

    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let page = app.get_html("/stories/welcome").await.text().await.unwrap();
        if page.contains("And answering myself") {
            let doc = crate::helpers::html(&page);
            let nested = scraper::Selector::parse("li.reply li.reply .e-content").unwrap();
            let inner: Vec<String> = doc.select(&nested).map(|e| e.text().collect()).collect();
            assert_eq!(
                inner,
                ["And answering myself"],
                "the second reply nests under the first"
            );
            assert!(page.contains("Replying from Fedify"));
            assert!(page.contains("Fedify Reader"));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Fedify's replies never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let collection = app.get_ap_json("/stories/welcome/replies").await;
    assert_eq!(collection["totalItems"], 2);
}

#[tokio::test]
async fn an_editors_answer_reaches_fedify_as_a_reply_to_its_note() {
    let Some(fedify) = FedifyPeer::start_if_installed().await else {
        return;
    };
    let app = spawn_app().await;
    let token = app.token();
    let question = fedify
        .reply(
            &app.url("/stories/welcome"),
            "<p>Is this open source?</p>",
            &app.url("/@news"),
        )
        .await;
    let question_id = question["id"].as_str().unwrap().to_string();
    let db = app.db().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let held = loop {
        if let Some(found) = broadsheet::domain::reply::find(&db, &question_id)
            .await
            .unwrap()
        {
            break found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Fedify's reply never arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let answered = app
        .api(
            reqwest::Method::POST,
            &format!("/replies/{}/answer", held.id),
            &token,
        )
        .await
        .json(&json!({"content": "Yes: AGPL."}))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 201);
    // Fedify verified our signature and parsed the Note as a reply to its own note.
    let create = fedify.wait_for(WAIT, |a| a["type"] == "Create").await;
    assert_eq!(create["activity"]["object"]["inReplyTo"], question_id);
    assert!(
        create["activity"]["object"]["content"]
            .as_str()
            .unwrap()
            .contains("AGPL")
    );
}
