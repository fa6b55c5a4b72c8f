//! Quotes of our stories (FEP-044f): requests answered with a stamp or a refusal by the story's
//! policy, stamps that dereference and are withdrawn when an editor hides the quote, and quoting
//! posts shown under "Quoted by".

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, WAIT, spawn_app},
    peer::{Delivery, Peer},
};

/// A public post by `from` quoting `target` through `field`, served by the peer.
pub fn quoting_post(peer: &Peer, from: &str, name: &str, field: &str, target: &str) -> Value {
    let id = format!("{}/notes/{name}", peer.base);
    let mut note = json!({
        "id": id, "type": "Note", "attributedTo": peer.actor(from),
        "content": format!("<p>Worth reading ({name})</p><script>x</script>"),
        "published": chrono::Utc::now().to_rfc3339(), "url": id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [format!("{}/followers", peer.actor(from))],
    });
    note[field] = json!(target);
    peer.host(&format!("/notes/{name}"), note.clone());
    note
}

/// A `QuoteRequest` for `target` with `post` as the instrument; each call has a fresh id.
pub fn quote_request(peer: &Peer, from: &str, target: &str, post: &Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", {"QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest"}],
        "id": format!("{}/quote-requests/{}", peer.actor(from), uuid::Uuid::new_v4().simple()),
        "type": "QuoteRequest", "actor": peer.actor(from), "object": target, "instrument": post,
    })
}

/// Delivers `activity` to the app's shared inbox, signed as `from`; the status it got.
pub async fn to_inbox(peer: &Peer, from: &str, app: &TestApp, activity: &Value) -> u16 {
    peer.send(from, &app.url("/inbox"), activity)
        .await
        .status()
        .as_u16()
}

pub async fn answer_to(peer: &Peer, request: &Value) -> Delivery {
    let id = request["id"].clone();
    peer.wait_for(WAIT, |d| {
        matches!(d.body["type"].as_str(), Some("Accept" | "Reject")) && d.body["object"]["id"] == id
    })
    .await
}

pub async fn set_policy(app: &TestApp, token: &str, policy: &str) {
    let response = app
        .api(Method::PUT, "/stories/welcome/quote-policy", token)
        .await
        .json(&json!({ "policy": policy }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn api_post(app: &TestApp, token: &str, path: &str) {
    let response = app
        .api(Method::POST, path, token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "POST {path}");
}

#[tokio::test]
async fn a_quote_request_gets_a_stamp_that_names_the_quote_and_the_story_and_a_repeat_the_same() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let post = quoting_post(&peer, "alice", "q1", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    assert_eq!(to_inbox(&peer, "alice", &app, &request).await, 202);

    let accept = answer_to(&peer, &request).await.body;
    assert_eq!(accept["type"], "Accept");
    assert_eq!(accept["actor"], app.url("/@news"));
    assert_eq!(accept["object"]["instrument"], post["id"]);
    let stamp_url = accept["result"].as_str().unwrap().to_string();
    assert!(stamp_url.starts_with(&app.url("/quotes/")), "{stamp_url}");

    let stamp = app.get_ap_json(&stamp_url).await;
    assert_eq!(stamp["type"], "QuoteAuthorization");
    assert_eq!(stamp["id"], stamp_url.as_str());
    assert_eq!(stamp["attributedTo"], app.url("/@news"));
    assert_eq!(stamp["interactingObject"], post["id"]);
    assert_eq!(stamp["interactionTarget"], story.as_str());
    // Anyone may check it, whatever they ask for.
    let plain = app.client.get(&stamp_url).send().await.unwrap();
    assert_eq!(plain.status(), 200);

    let again = quote_request(&peer, "alice", &story, &post);
    assert_eq!(to_inbox(&peer, "alice", &app, &again).await, 202);
    let second = answer_to(&peer, &again).await.body;
    assert_eq!(second["type"], "Accept");
    assert_eq!(second["result"], stamp_url.as_str());

    // The quote itself is shown, cleaned, and counted.
    let page = app.page_until(|p| p.contains("class=\"quote\"")).await;
    assert!(page.contains("Worth reading (q1)") && !page.contains("<script>x"));
    assert!(page.contains("(1)"));
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
}

#[tokio::test]
async fn a_blocked_account_and_a_nobody_policy_get_a_reject() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = app.url(STORY);
    // Mallory quoted the story before the block: the block withdraws that stamp.
    let first = quoting_post(&peer, "mallory", "m0", "quote", &story);
    let request = quote_request(&peer, "mallory", &story, &first);
    peer.send("mallory", &app.url("/inbox"), &request).await;
    let stamp_url = answer_to(&peer, &request).await.body["result"].clone();
    let blocked = app
        .api(Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "actor", "value": peer.actor("mallory")}))
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), 201);
    peer.wait_for(WAIT, |d| {
        d.body["type"] == "Delete" && d.body["object"] == stamp_url
    })
    .await;
    assert_eq!(app.get_ap(stamp_url.as_str().unwrap()).await.status(), 410);

    let post = quoting_post(&peer, "mallory", "m1", "quote", &story);
    let request = quote_request(&peer, "mallory", &story, &post);
    assert_eq!(to_inbox(&peer, "mallory", &app, &request).await, 403);
    assert_eq!(answer_to(&peer, &request).await.body["type"], "Reject");

    set_policy(&app, &token, "nobody").await;
    let resource: Value = app
        .api(Method::GET, "/stories/welcome", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resource["quote_policy"], "nobody");
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!([app.url("/@news")])
    );
    let post = quoting_post(&peer, "alice", "a1", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    assert_eq!(to_inbox(&peer, "alice", &app, &request).await, 202);
    assert_eq!(answer_to(&peer, &request).await.body["type"], "Reject");
    assert!(!app.story_page().await.contains("class=\"quote\""));
}

#[tokio::test]
async fn the_editor_policy_queues_the_request_and_approval_sends_the_accept() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = app.url(STORY);
    set_policy(&app, &token, "editor").await;
    let article = app.get_ap_json(STORY).await;
    assert_eq!(
        article["interactionPolicy"]["canQuote"]["manualApproval"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    let post = quoting_post(&peer, "alice", "held", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    assert_eq!(to_inbox(&peer, "alice", &app, &request).await, 202);

    let queue: Value = app
        .api(Method::GET, "/quotes", &token)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["ap_id"], post["id"]);
    assert!(peer.received_of("Accept").is_empty());
    assert!(!app.story_page().await.contains("class=\"quote\""));

    api_post(&app, &token, &format!("/quotes/{}/approve", items[0]["id"])).await;
    let accept = answer_to(&peer, &request).await.body;
    assert_eq!(accept["type"], "Accept");
    assert_eq!(
        app.get_ap_json(accept["result"].as_str().unwrap()).await["interactingObject"],
        post["id"]
    );
    app.page_until(|p| p.contains("Worth reading (held)")).await;
}

#[tokio::test]
async fn hiding_a_quote_deletes_its_stamp_and_the_stamp_answers_410() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let post = quoting_post(&peer, "alice", "gone", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    peer.send("alice", &app.url("/inbox"), &request).await;
    let stamp_url = answer_to(&peer, &request).await.body["result"]
        .as_str()
        .unwrap()
        .to_string();
    let id = stamp_url.rsplit('/').next().unwrap().to_string();

    api_post(&app, &token, &format!("/quotes/{id}/hide")).await;
    let delete = peer
        .wait_for(WAIT, |d| {
            d.body["type"] == "Delete" && d.body["object"] == stamp_url.as_str()
        })
        .await;
    assert_eq!(delete.body["actor"], app.url("/@news"));
    let gone = app.get_ap(&stamp_url).await;
    assert_eq!(gone.status(), 410);
    assert_eq!(gone.json::<Value>().await.unwrap()["type"], "Tombstone");
    assert!(!app.story_page().await.contains("Worth reading (gone)"));
}

#[tokio::test]
async fn quotes_named_by_quote_url_and_misskey_quote_are_shown_and_counted() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    for (who, name, field) in [
        ("alice", "fedibird", "quoteUrl"),
        ("bob", "misskey", "_misskey_quote"),
    ] {
        let post = quoting_post(&peer, who, name, field, &story);
        assert_eq!(
            peer.send(who, &app.url("/inbox"), &peer.create(&post))
                .await
                .status(),
            202
        );
    }
    let page = app
        .page_until(|p| {
            p.contains("Worth reading (fedibird)") && p.contains("Worth reading (misskey)")
        })
        .await;
    let doc = crate::helpers::html(&page);
    let heading = scraper::Selector::parse("#quoted-by").unwrap();
    let text: String = doc.select(&heading).next().unwrap().text().collect();
    assert_eq!(text, "Quoted by (2)");
    // A quote is not a reply: the conversation is still empty.
    assert_eq!(app.stored_replies().await, 0);
}

#[tokio::test]
async fn a_domain_block_or_an_imported_list_withdraws_the_servers_stamps() {
    let app = spawn_app().await;
    let token = app.token();
    let story = app.url(STORY);
    let (first, second) = (Peer::start().await, Peer::start().await);
    let mut stamps = Vec::new();
    for peer in [&first, &second] {
        let post = quoting_post(peer, "zoe", "z0", "quote", &story);
        let request = quote_request(peer, "zoe", &story, &post);
        peer.send("zoe", &app.url("/inbox"), &request).await;
        stamps.push(answer_to(peer, &request).await.body["result"].clone());
    }
    // The first server is blocked by domain, the second by an imported CSV list.
    let domain = first.base.trim_start_matches("http://").to_string();
    let blocked = app
        .api(Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "domain", "value": domain}))
        .send()
        .await
        .unwrap();
    assert!(blocked.status().is_success());
    let csv = format!(
        "#domain,#severity\n{},suspend\n",
        second.base.trim_start_matches("http://")
    );
    let imported = app
        .api(Method::POST, "/blocklists/import", &token)
        .await
        .json(&json!({ "csv": csv }))
        .send()
        .await
        .unwrap();
    assert!(imported.status().is_success());
    for (peer, stamp) in [(&first, &stamps[0]), (&second, &stamps[1])] {
        peer.wait_for(WAIT, |d| {
            d.body["type"] == "Delete" && d.body["object"] == *stamp
        })
        .await;
        assert_eq!(app.get_ap(stamp.as_str().unwrap()).await.status(), 410);
    }
}

#[tokio::test]
async fn a_shown_quote_counts_as_a_share_in_listings() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    let front = || async { app.get_html("/").await.text().await.unwrap() };
    assert!(!front().await.contains("share"));
    let post = quoting_post(&peer, "sam", "s0", "quote", &story);
    peer.send("sam", &app.url("/inbox"), &peer.create(&post))
        .await;
    let request = quote_request(&peer, "sam", &story, &post);
    peer.send("sam", &app.url("/inbox"), &request).await;
    assert_eq!(answer_to(&peer, &request).await.body["type"], "Accept");
    app.page_until(|p| p.contains("class=\"quote\"")).await;
    let listing = crate::helpers::html(&front().await);
    let shares = scraper::Selector::parse(".shares").unwrap();
    let text: Vec<String> = listing
        .select(&shares)
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(text, ["1 share"]);
}

#[tokio::test]
async fn an_open_story_page_sees_quotes_arrive_and_leave() {
    let app = spawn_app().await;
    let token = app.token();
    let peer = Peer::start().await;
    let story = app.url(STORY);
    // Before any quote the section is on the page, hidden, ready for one.
    let page = app.story_page().await;
    assert!(
        page.contains("aria-labelledby=\"quoted-by\" hidden"),
        "{page}"
    );
    let mut stream = app
        .client
        .get(app.url("/stories/welcome/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);

    let post = quoting_post(&peer, "alice", "live", "quote", &story);
    let request = quote_request(&peer, "alice", &story, &post);
    assert_eq!(to_inbox(&peer, "alice", &app, &request).await, 202);
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut next = async |received: &mut String, until: &str| {
        while !received.contains(until) {
            let chunk = tokio::time::timeout_at(deadline, stream.chunk())
                .await
                .expect("events arrive")
                .unwrap()
                .unwrap();
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    next(&mut received, "event: quote\n").await;
    assert!(received.contains("Worth reading (live)"), "{received}");
    assert!(!received.contains("<script>x"), "cleaned: {received}");
    assert!(received.contains("\"total\":1"), "{received}");

    let id = crate::helpers::count(&app.db().await, "SELECT MAX(id) FROM quotes").await;
    api_post(&app, &token, &format!("/quotes/{id}/hide")).await;
    next(&mut received, "event: quote-remove").await;
    assert!(received.contains("\"total\":0"), "{received}");
}
