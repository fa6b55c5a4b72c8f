//! Replies from other servers, threaded under stories: delivered, fetched, backfilled; edited,
//! deleted, liked; and refused when they prove nothing.

use serde_json::{Value, json};

use crate::{
    helpers::{STORY, html, spawn_app, spawn_app_with},
    peer::Peer,
};

/// Texts of the replies at each nesting level, outermost first.
fn nesting(page: &str, depth: usize) -> Vec<String> {
    let selector = format!("section.conversation {}", vec!["li.reply"; depth].join(" "));
    let doc = html(page);
    let sel = scraper::Selector::parse(&format!("{selector} > article .e-content")).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[tokio::test]
async fn replies_at_every_depth_thread_under_the_story_even_with_a_missing_middle() {
    let app = spawn_app().await;
    let (one, two) = (Peer::start().await, Peer::start().await);
    let story = app.url(STORY);

    let a = one.note("alice", "a", &story, "<p>First reply</p>");
    assert_eq!(
        one.send("alice", &app.url("/inbox"), &one.create(&a))
            .await
            .status(),
        202
    );
    let b = two.note("bob", "b", a["id"].as_str().unwrap(), "<p>Second level</p>");
    assert_eq!(
        two.send("bob", &app.url("/inbox"), &two.create(&b))
            .await
            .status(),
        202
    );
    // Bob answers himself; that note is never delivered to us (it is only on his server).
    let b2 = two.note(
        "bob",
        "b2",
        b["id"].as_str().unwrap(),
        "<p>Third level, never delivered</p>",
    );
    // Carol answers it: her reply arrives, and its parent must be fetched.
    let c = one.note(
        "carol",
        "c",
        b2["id"].as_str().unwrap(),
        "<p>Fourth level</p>",
    );
    assert_eq!(
        one.send("carol", &app.url("/inbox"), &one.create(&c))
            .await
            .status(),
        202
    );

    let page = app.page_until(|p| p.contains("Fourth level")).await;
    assert_eq!(nesting(&page, 1)[0], "First reply");
    assert!(nesting(&page, 2).contains(&"Second level".to_string()));
    assert!(nesting(&page, 3).contains(&"Third level, never delivered".to_string()));
    assert!(
        nesting(&page, 4).contains(&"Fourth level".to_string()),
        "{page}"
    );
    assert!(page.contains(&format!("@alice@127.0.0.1:{}", one.port)));
    assert!(page.contains("Reader alice"));

    // The story's replies collection lists the whole thread, in order.
    let collection = app.get_ap_json("/stories/welcome/replies").await;
    assert_eq!(collection["totalItems"], 4);
    let items =
        app.get_ap_json(collection["first"].as_str().unwrap()).await["orderedItems"].clone();
    assert_eq!(items, json!([a["id"], b["id"], b2["id"], c["id"]]));
    let article = app.get_ap_json(STORY).await;
    assert_eq!(article["replies"]["totalItems"], 4);
}

#[tokio::test]
async fn backfill_finds_replies_that_were_never_delivered() {
    let app = spawn_app_with(|s| s.replies.crawl_interval_secs = 1).await;
    let peer = Peer::start().await;
    let a = peer.note("alice", "a", &app.url(STORY), "<p>Delivered</p>");
    // Bob's answer to Alice reached only Alice's server; her note's replies collection lists it.
    let b = peer.note(
        "bob",
        "b",
        a["id"].as_str().unwrap(),
        "<p>Only in the collection</p>",
    );
    peer.set_replies("a", &[b["id"].as_str().unwrap()]);
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &peer.create(&a))
            .await
            .status(),
        202
    );

    let page = app
        .page_until(|p| p.contains("Only in the collection"))
        .await;
    assert!(nesting(&page, 2).contains(&"Only in the collection".to_string()));
}

#[tokio::test]
async fn edits_deletions_and_placeholders() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let a = peer.note("alice", "a", &app.url(STORY), "<p>Original words</p>");
    peer.send("alice", &inbox, &peer.create(&a)).await;
    let b = peer.note("bob", "b", a["id"].as_str().unwrap(), "<p>An answer</p>");
    peer.send("bob", &inbox, &peer.create(&b)).await;
    let lone = peer.note("alice", "lone", &app.url(STORY), "<p>A lone reply</p>");
    peer.send("alice", &inbox, &peer.create(&lone)).await;
    app.page_until(|p| p.contains("An answer") && p.contains("A lone reply"))
        .await;

    let mut edited = a.clone();
    edited["content"] = json!("<p>Corrected words</p>");
    edited["updated"] = json!(chrono::Utc::now().to_rfc3339());
    let update = json!({"id": format!("{}/edit", a["id"].as_str().unwrap()), "type": "Update", "actor": peer.actor("alice"), "object": edited});
    assert_eq!(peer.send("alice", &inbox, &update).await.status(), 202);
    let page = app.page_until(|p| p.contains("Corrected words")).await;
    assert!(!page.contains("Original words"));
    assert!(page.contains("edited"));

    // Bob may not edit or delete Alice's reply.
    let forged = json!({"id": format!("{}/forged", peer.actor("bob")), "type": "Delete", "actor": peer.actor("bob"), "object": a["id"]});
    assert_eq!(peer.send("bob", &inbox, &forged).await.status(), 422);

    let delete = |id: &Value, n: &str| json!({"id": format!("{}/delete-{n}", peer.actor("alice")), "type": "Delete", "actor": peer.actor("alice"), "object": {"id": id, "type": "Tombstone"}});
    assert_eq!(
        peer.send("alice", &inbox, &delete(&lone["id"], "1"))
            .await
            .status(),
        202
    );
    assert_eq!(
        peer.send("alice", &inbox, &delete(&a["id"], "2"))
            .await
            .status(),
        202
    );
    let page = app
        .page_until(|p| !p.contains("A lone reply") && !p.contains("Corrected words"))
        .await;
    assert!(
        page.contains("This reply was removed."),
        "a placeholder keeps Bob's answer in place"
    );
    assert!(nesting(&page, 2).contains(&"An answer".to_string()));

    // Bob's account is deleted: everything he wrote goes, and with it the placeholder.
    let gone = json!({"id": format!("{}#delete", peer.actor("bob")), "type": "Delete", "actor": peer.actor("bob"), "object": peer.actor("bob")});
    assert_eq!(peer.send("bob", &inbox, &gone).await.status(), 202);
    let page = app.page_until(|p| !p.contains("An answer")).await;
    assert!(!page.contains("This reply was removed."));
    assert_eq!(
        app.get_ap_json("/stories/welcome/replies").await["totalItems"],
        0
    );
}

#[tokio::test]
async fn likes_and_boosts_are_counted_and_undone() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let a = peer.note("alice", "a", &app.url(STORY), "<p>Liked reply</p>");
    peer.send("alice", &inbox, &peer.create(&a)).await;
    app.page_until(|p| p.contains("Liked reply")).await;

    let like = |who: &str, object: &Value| json!({"id": format!("{}/likes/{}", peer.actor(who), object.as_str().unwrap().len()), "type": "Like", "actor": peer.actor(who), "object": object});
    for who in ["bob", "carol"] {
        assert_eq!(
            peer.send(who, &inbox, &like(who, &a["id"])).await.status(),
            202
        );
    }
    let boost = json!({"id": format!("{}/boosts/1", peer.actor("bob")), "type": "Announce", "actor": peer.actor("bob"), "object": a["id"]});
    peer.send("bob", &inbox, &boost).await;
    peer.send("bob", &inbox, &like("bob", &json!(app.url(STORY))))
        .await;
    let page = app.page_until(|p| p.contains("2 likes")).await;
    assert!(page.contains("1 boost"));
    assert!(page.contains("1 like"), "the story's own like: {page}");

    let undo = json!({"id": format!("{}/undo-like", peer.actor("carol")), "type": "Undo", "actor": peer.actor("carol"), "object": like("carol", &a["id"])});
    assert_eq!(peer.send("carol", &inbox, &undo).await.status(), 202);
    app.page_until(|p| !p.contains("2 likes")).await;
}

#[tokio::test]
async fn reports_reach_the_moderators() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let flag = json!({"id": format!("{}/flags/1", peer.actor("mod")), "type": "Flag", "actor": peer.actor("mod"), "object": [app.url(STORY)], "content": "Spam <b>here</b>"});
    assert_eq!(
        peer.send("mod", &app.url("/inbox"), &flag).await.status(),
        202
    );
    let out = app.cli(&["reports"]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains(&peer.actor("mod"))
            && listing.contains("Spam here")
            && listing.contains(&app.url(STORY)),
        "{listing}"
    );
}

#[tokio::test]
async fn what_does_not_lead_to_our_stories_or_is_not_public_is_not_shown() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    // A reply to a post elsewhere whose chain never reaches us.
    let elsewhere = peer.note(
        "alice",
        "root",
        "https://unrelated.example/post/1",
        "<p>elsewhere root</p>",
    );
    let reply = peer.note(
        "bob",
        "r",
        elsewhere["id"].as_str().unwrap(),
        "<p>Not about our story</p>",
    );
    assert_eq!(
        peer.send("bob", &inbox, &peer.create(&reply))
            .await
            .status(),
        202
    );
    // A direct message that answers the story.
    let mut direct = peer.note("carol", "dm", &app.url(STORY), "<p>Private words</p>");
    direct["to"] = json!([app.url("/@news")]);
    direct["cc"] = json!([]);
    assert_eq!(
        peer.send("carol", &inbox, &peer.create(&direct))
            .await
            .status(),
        202
    );
    // The same reply twice is stored once.
    let twice = peer.note("dave", "twice", &app.url(STORY), "<p>Said twice</p>");
    for _ in 0..2 {
        assert_eq!(
            peer.send("dave", &inbox, &peer.create(&twice))
                .await
                .status(),
            202
        );
    }
    app.inbox_jobs_tried().await;
    let page = app.page_until(|p| p.contains("Said twice")).await;
    assert!(!page.contains("Not about our story") && !page.contains("elsewhere root"));
    assert!(!page.contains("Private words"));
    assert_eq!(page.matches("Said twice").count(), 1);
}

#[tokio::test]
async fn forged_and_malformed_activities_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let other = Peer::start().await;
    let inbox = app.url("/inbox");
    let story = app.url(STORY);

    // attributedTo someone else than the signer.
    let mut note = peer.note("alice", "x", &story, "<p>forged author</p>");
    note["attributedTo"] = json!(peer.actor("bob"));
    let create = json!({"id": format!("{}/c1", peer.actor("alice")), "type": "Create", "actor": peer.actor("alice"), "object": note});
    assert_eq!(peer.send("alice", &inbox, &create).await.status(), 422);
    // An object on another host than its actor.
    let foreign = other.note("alice", "y", &story, "<p>foreign object</p>");
    let mut foreign = foreign.clone();
    foreign["attributedTo"] = json!(peer.actor("alice"));
    let create = json!({"id": format!("{}/c2", peer.actor("alice")), "type": "Create", "actor": peer.actor("alice"), "object": foreign});
    assert_eq!(peer.send("alice", &inbox, &create).await.status(), 422);
    // Signed by one actor, claiming another.
    let note = peer.note("bob", "z", &story, "<p>impersonation</p>");
    assert_eq!(
        peer.send("alice", &inbox, &peer.create(&note))
            .await
            .status(),
        401
    );

    let good = peer.note("alice", "good", &story, "<p>tampered body</p>");
    let body = peer.create(&good).to_string().into_bytes();
    // The body changed after signing: the digest no longer matches.
    let response = peer
        .send_raw("alice", &inbox, body.clone(), |h| {
            h.insert(
                "digest",
                "SHA-256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
                    .parse()
                    .unwrap(),
            );
        })
        .await;
    assert_eq!(response.status(), 401);
    // A signature that does not verify.
    let response = peer
        .send_raw("alice", &inbox, body.clone(), |h| {
            let sig = h["signature"]
                .to_str()
                .unwrap()
                .replace("signature=\"", "signature=\"AAAA");
            h.insert("signature", sig.parse().unwrap());
        })
        .await;
    assert_eq!(response.status(), 401);
    // An old signature: replayed a day later.
    let response = peer
        .send_raw("alice", &inbox, body.clone(), |h| {
            let old = broadsheet::federation::signatures::cavage::http_date(
                chrono::Utc::now() - chrono::Duration::days(1),
            );
            h.insert("date", old.parse().unwrap());
        })
        .await;
    assert_eq!(response.status(), 401);
    // No signature at all.
    let response = app
        .client
        .post(&inbox)
        .header("content-type", "application/activity+json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Not JSON; and JSON that is no activity.
    let response = peer
        .send_raw("alice", &inbox, b"{not json".to_vec(), |_| {})
        .await;
    assert_eq!(response.status(), 400);
    let response = peer
        .send_raw("alice", &inbox, b"{\"type\": \"Create\"}".to_vec(), |_| {})
        .await;
    assert_eq!(response.status(), 400);
    // A body over the limit.
    let huge = vec![b' '; 600 * 1024];
    let response = peer.send_raw("alice", &inbox, huge, |_| {}).await;
    assert_eq!(response.status(), 413);

    app.inbox_jobs_drained().await;
    assert_eq!(
        app.get_ap_json("/stories/welcome/replies").await["totalItems"],
        0
    );
}

#[tokio::test]
async fn hostile_html_in_a_reply_is_cleaned() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let note = peer.note(
        "mallory",
        "evil",
        &app.url(STORY),
        r#"<p>Look <a href="javascript:alert(1)">here</a><script>alert(2)</script><img src="https://tracker.example/p.gif" onerror="x()"><iframe src="https://x.example"></iframe> <a href="https://ok.example/">fine link</a></p><style>body{display:none}</style>"#,
    );
    assert_eq!(
        peer.send("mallory", &app.url("/inbox"), &peer.create(&note))
            .await
            .status(),
        202
    );
    let page = app.page_until(|p| p.contains("fine link")).await;
    let doc = html(&page);
    let bad = scraper::Selector::parse("section.conversation script:not([src=\"/static/live.js\"]), section.conversation style, section.conversation iframe, .e-content img, [onerror]").unwrap();
    assert_eq!(doc.select(&bad).count(), 0);
    assert!(!page.contains("javascript:"));
    assert!(
        page.contains(r#"<a href="https://ok.example/" rel="nofollow noopener ugc">fine link</a>"#)
    );
}

#[tokio::test]
async fn reply_from_your_instance_sends_readers_to_their_server() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let story = app.url(STORY);
    peer.host(
        "/.well-known/webfinger",
        json!({"subject": "acct:reader@x", "links": [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": format!("{}/authorize_follow?acct={{uri}}", peer.base)}]}),
    );
    let handle = format!("@reader@127.0.0.1:{}", peer.port);
    let response = app
        .client
        .get(app.url("/interact"))
        .query(&[("uri", story.as_str()), ("handle", handle.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    let encoded: String = url::form_urlencoded::byte_serialize(story.as_bytes()).collect();
    assert_eq!(
        location,
        format!("{}/authorize_follow?acct={encoded}", peer.base)
    );

    // A server without a template: Mastodon's authorize_interaction.
    let plain = Peer::start().await;
    let handle = format!("reader@127.0.0.1:{}", plain.port);
    let response = app
        .client
        .get(app.url("/interact"))
        .query(&[("uri", story.as_str()), ("handle", handle.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("{}/authorize_interaction?uri={encoded}", plain.base)
    );

    let response = app
        .client
        .get(app.url("/interact"))
        .query(&[("uri", story.as_str()), ("handle", "not a handle")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("you@your.server"));
    let form = app
        .client
        .get(app.url("/interact"))
        .query(&[("uri", story.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
}

#[tokio::test]
async fn rfc_9421_signatures_are_accepted_and_checked() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let full = ["@method", "@target-uri", "content-digest"];

    let note = peer.note(
        "alice",
        "modern",
        &app.url(STORY),
        "<p>Signed the new way</p>",
    );
    assert_eq!(
        peer.send_rfc9421("alice", &inbox, &peer.create(&note), &full, None)
            .await
            .status(),
        202
    );
    app.page_until(|p| p.contains("Signed the new way")).await;

    let other = peer.note(
        "alice",
        "tampered",
        &app.url(STORY),
        "<p>Changed in transit</p>",
    );
    let swapped = peer
        .create(&peer.note("alice", "swapped", &app.url(STORY), "<p>Swapped body</p>"))
        .to_string();
    let response = peer
        .send_rfc9421("alice", &inbox, &peer.create(&other), &full, Some(&swapped))
        .await;
    assert_eq!(
        response.status(),
        401,
        "the body no longer matches its Content-Digest"
    );
    let response = peer
        .send_rfc9421(
            "alice",
            &inbox,
            &peer.create(&other),
            &["@method", "@target-uri"],
            None,
        )
        .await;
    assert_eq!(response.status(), 401, "a signature must cover the digest");
    let page = app.story_page().await;
    assert!(!page.contains("Changed in transit") && !page.contains("Swapped body"));
}
