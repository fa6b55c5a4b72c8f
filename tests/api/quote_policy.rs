//! Quote policies beyond the default, and quotes that their authors edit and delete.

use serde_json::json;

use crate::{
    helpers::{STORY, spawn_app},
    peer::Peer,
    quotes::{answer_to, quote_request, quoting_post, set_policy, to_inbox},
};

#[tokio::test]
async fn the_followers_policy_approves_followers_only() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let invalid = app
        .api(
            reqwest::Method::PUT,
            "/stories/welcome/quote-policy",
            &token,
        )
        .await
        .json(&json!({ "policy": "everyone" }))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    set_policy(&app, &token, "followers").await;
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!([app.url("/@news/followers")])
    );
    let (_, followed) = peer
        .follow("fan", &app.url("/@news"), &app.url("/@news/inbox"))
        .await;
    assert_eq!(followed.status(), 202);

    for (who, expected) in [("stranger", "Reject"), ("fan", "Accept")] {
        let post = quoting_post(&peer, who, &format!("by-{who}"), "quote", &story);
        let request = quote_request(&peer, who, &story, &post);
        peer.send(who, &app.url("/inbox"), &request).await;
        assert_eq!(
            answer_to(&peer, &request).await.body["type"],
            expected,
            "{who}"
        );
    }
}

#[tokio::test]
async fn the_quoting_post_arriving_after_its_request_fills_in_and_its_deletion_removes_it() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    // Mastodon asks first, with the post embedded, then sends the post itself.
    let mut post = quoting_post(&peer, "alice", "later", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    peer.send("alice", &app.url("/inbox"), &request).await;
    let stamp = answer_to(&peer, &request).await.body["result"].clone();
    post["content"] = json!("<p>Edited before it was sent</p>");
    post["quoteAuthorization"] = stamp.clone();
    let create = peer.create(&post);
    assert_eq!(to_inbox(&peer, "alice", &app, &create).await, 202);
    app.page_until(|p| p.contains("Edited before it was sent"))
        .await;

    let delete = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#delete", post["id"].as_str().unwrap()), "type": "Delete",
        "actor": peer.actor("alice"), "object": post["id"],
    });
    assert_eq!(to_inbox(&peer, "alice", &app, &delete).await, 202);
    app.page_until(|p| !p.contains("class=\"quote\"")).await;
    assert_eq!(app.get_ap(stamp.as_str().unwrap()).await.status(), 410);
}

#[tokio::test]
async fn a_request_for_a_quote_already_shown_gets_its_stamp() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let post = quoting_post(&peer, "alice", "first", "quoteUri", &story);
    let create = peer.create(&post);
    assert_eq!(to_inbox(&peer, "alice", &app, &create).await, 202);
    app.page_until(|p| p.contains("Worth reading (first)"))
        .await;

    let request = quote_request(&peer, "alice", &story, &post);
    peer.send("alice", &app.url("/inbox"), &request).await;
    let accept = answer_to(&peer, &request).await.body;
    assert_eq!(accept["type"], "Accept");
    let stamp = app.get_ap_json(accept["result"].as_str().unwrap()).await;
    assert_eq!(stamp["interactingObject"], post["id"]);
}

#[tokio::test]
async fn an_editor_sets_a_storys_quote_policy_in_the_admin() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let editor = crate::admin::login(&app).await;
    let page = editor
        .get(&app, "/admin/quotes")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("action=\"/admin/stories/welcome/quote-policy\""),
        "every story has its own policy form: {page}"
    );

    let saved = editor
        .post(
            &app,
            "/admin/stories/welcome/quote-policy",
            &[("policy", "nobody")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!([app.url("/@news")])
    );
    let post = quoting_post(&peer, "alice", "refused", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    peer.send("alice", &app.url("/inbox"), &request).await;
    assert_eq!(answer_to(&peer, &request).await.body["type"], "Reject");
    let page = editor
        .get(&app, "/admin/quotes")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<option value=\"nobody\" selected>"),
        "{page}"
    );

    // An unknown policy changes nothing; an empty one returns to the site's default.
    let wrong = editor
        .post(
            &app,
            "/admin/stories/welcome/quote-policy",
            &[("policy", "everyone")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(
        app.get_ap_json(STORY).await["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!([app.url("/@news")])
    );
    editor
        .post(
            &app,
            "/admin/stories/welcome/quote-policy",
            &[("policy", "")],
        )
        .await;
    assert_eq!(
        app.get_ap_json(STORY).await["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
}
