//! Origin-based security, attacked as a hostile server would: nobody speaks for our host, a
//! document counts only from the origin it was finally served from, freshness must be signed,
//! limits count who really signed, and failures neither storm nor lose replies. Each test sends
//! the attack and then checks that nothing of ours changed and nothing hostile was stored.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, count, count_reaches, spawn_app, spawn_app_with},
    peer::Peer,
};

/// Everything a remote claim about our publication could change, as others see it.
async fn our_publication(app: &TestApp) -> (Value, Value) {
    (
        app.get_ap_json("/@news").await,
        app.get_ap_json("/actor").await,
    )
}

#[tokio::test]
async fn a_key_on_our_own_host_is_refused_without_fetching_ourselves() {
    let app = spawn_app().await;
    let attacker = Peer::start().await;
    let before = our_publication(&app).await;
    let note = attacker.note("mallory", "m1", &app.url(STORY), "<p>I am the newsroom</p>");
    let mut as_news = attacker.create(&note);
    as_news["id"] = json!(app.url("/activities/forged"));
    as_news["actor"] = json!(app.url("/@news"));
    as_news["object"]["attributedTo"] = json!(app.url("/@news"));
    for key in [
        app.url("/@news#main-key"),
        app.url("/actor#main-key"),
        // Our own remote-interaction page redirects wherever the attacker's WebFinger says.
        app.url(&format!(
            "/interact?uri={}&acct=mallory@{}",
            app.url(STORY),
            attacker.base.trim_start_matches("http://")
        )),
    ] {
        for _ in 0..3 {
            let response = attacker
                .send_signed_as(&app.url("/inbox"), &key, chrono::Utc::now(), "", &as_news)
                .await;
            assert_eq!(response.status(), 401, "keyId {key}");
        }
    }
    assert_eq!(our_publication(&app).await, before, "our actors changed");
    assert_eq!(app.stored_replies().await, 0);
    assert_eq!(
        attacker.document_gets(),
        0,
        "the attacker was asked for something"
    );
}

#[tokio::test]
async fn the_storage_layer_refuses_to_overwrite_a_local_actor() {
    let app = spawn_app().await;
    let before = our_publication(&app).await;
    let db = app.db().await;
    let news = app.url("/@news");
    let data = |ap_id: &str| broadsheet::domain::remote::RemoteActorData {
        ap_id: ap_id.parse().unwrap(),
        kind: "Person".into(),
        username: "news".into(),
        name: "Impostor".into(),
        summary: "<p>pwned</p>".into(),
        inbox: format!("{ap_id}/inbox").parse().unwrap(),
        shared_inbox: None,
        url: None,
        icon_url: None,
        public_key_id: format!("{ap_id}#main-key"),
        public_key_pem: "-----BEGIN PUBLIC KEY-----".into(),
    };
    // Through the domain, whatever the caller says our host is not.
    assert!(
        broadsheet::domain::remote::upsert(&db, "elsewhere.example", data(&news))
            .await
            .is_err()
    );
    assert!(
        broadsheet::domain::remote::upsert(&db, &app.domain, data(&news))
            .await
            .is_err()
    );
    assert_eq!(our_publication(&app).await, before);
}

#[tokio::test]
async fn an_open_redirect_on_a_server_cannot_plant_keys_for_its_users() {
    let app = spawn_app().await;
    let (victim, attacker) = (Peer::start().await, Peer::start().await);
    let alice = victim.actor("alice");
    // The attacker's document claims to be Alice, with the attacker's key.
    attacker.host(
        "/fake-alice",
        json!({
            "id": alice, "type": "Person", "preferredUsername": "alice",
            "inbox": format!("{alice}/inbox"),
            "publicKey": { "id": format!("{alice}#main-key"), "owner": alice,
                           "publicKeyPem": attacker.public_pem() },
        }),
    );
    victim.redirect("/go", &format!("{}/fake-alice", attacker.base));
    let forged = victim.note(
        "alice",
        "forged",
        &app.url(STORY),
        "<p>forged by mallory</p>",
    );
    let create = victim.create(&forged);
    let inbox = app.url("/inbox");
    // First the redirect as keyId, then Alice's own keyId: neither may verify.
    for key in [
        format!("{}/go#main-key", victim.base),
        format!("{alice}#main-key"),
    ] {
        let response = attacker
            .send_signed_as(&inbox, &key, chrono::Utc::now(), "", &create)
            .await;
        assert_eq!(response.status(), 401, "keyId {key}");
    }
    assert_eq!(app.stored_replies().await, 0);
    // Alice's real key still verifies her real reply.
    let real = victim.note("alice", "real", &app.url(STORY), "<p>the real alice</p>");
    assert_eq!(
        victim
            .send("alice", &inbox, &victim.create(&real))
            .await
            .status(),
        202
    );
    let page = app.story_page().await;
    assert!(page.contains("the real alice"));
    assert!(!page.contains("forged by mallory"));
}

#[tokio::test]
async fn a_parent_served_through_a_redirect_must_answer_from_its_own_origin() {
    let app = spawn_app().await;
    let (victim, attacker) = (Peer::start().await, Peer::start().await);
    // A fake "Alice" note answering our story, hosted by the attacker, reached through the
    // victim's open redirect.
    let fake_parent = json!({
        "id": format!("{}/notes/fake", victim.base), "type": "Note",
        "attributedTo": victim.actor("alice"), "inReplyTo": app.url(STORY),
        "content": "<p>words alice never wrote</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    attacker.host("/fake-parent", fake_parent);
    victim.redirect("/go", &format!("{}/fake-parent", attacker.base));
    let reply = attacker.note(
        "mallory",
        "child",
        &format!("{}/go", victim.base),
        "<p>replying to a forgery</p>",
    );
    assert_eq!(
        attacker
            .send("mallory", &app.url("/inbox"), &attacker.create(&reply))
            .await
            .status(),
        202
    );
    app.inbox_jobs_drained().await;
    assert_eq!(app.stored_replies().await, 0);
    let page = app.story_page().await;
    assert!(!page.contains("words alice never wrote"));
}

#[tokio::test]
async fn an_actor_cannot_claim_a_key_on_another_host() {
    let app = spawn_app().await;
    let (victim, attacker) = (Peer::start().await, Peer::start().await);
    let alice_key = format!("{}#main-key", victim.actor("alice"));
    // Mallory's document names Alice's key id (on Alice's host) as its own key.
    attacker.set_profile(
        "mallory",
        json!({ "publicKey": { "id": alice_key, "owner": attacker.actor("mallory"),
                               "publicKeyPem": attacker.public_pem() } }),
    );
    let like = json!({"id": format!("{}/likes/1", attacker.actor("mallory")), "type": "Like",
                      "actor": attacker.actor("mallory"), "object": app.url(STORY)});
    let response = attacker.send("mallory", &app.url("/inbox"), &like).await;
    assert!(response.status().is_client_error());
    let db = app.db().await;
    let claims = format!(
        "SELECT COUNT(*) FROM actors WHERE public_key_id = '{alice_key}' AND ap_id <> '{}'",
        victim.actor("alice")
    );
    assert_eq!(
        count(&db, &claims).await,
        0,
        "a stranger holds Alice's key id"
    );
    // Alice's own replies are still hers.
    let note = victim.note("alice", "a1", &app.url(STORY), "<p>alice, verified</p>");
    assert_eq!(
        victim
            .send("alice", &app.url("/inbox"), &victim.create(&note))
            .await
            .status(),
        202
    );
    assert_eq!(count(&db, &claims).await, 0);
}

#[tokio::test]
async fn an_unsigned_created_parameter_does_not_refresh_an_old_request() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let note = peer.note("old", "o1", &app.url(STORY), "<p>two hours late</p>");
    let create = peer.create(&note);
    let key = format!("{}#main-key", peer.actor("old"));
    let two_hours_ago = chrono::Utc::now() - chrono::Duration::hours(2);
    let now = chrono::Utc::now().timestamp();
    let inbox = app.url("/inbox");
    for extra in [
        "".to_string(),
        format!(",created={now}"),
        format!(",created={now},expires={}", now + 60),
    ] {
        let response = peer
            .send_signed_as(&inbox, &key, two_hours_ago, &extra, &create)
            .await;
        assert_eq!(response.status(), 401, "with `{extra}`");
    }
    assert_eq!(app.stored_replies().await, 0);
}

#[tokio::test]
async fn naming_another_servers_key_does_not_spend_its_rate_limit() {
    let app = spawn_app_with(|s| s.moderation.inbox_per_host_per_minute = 5).await;
    let victim = Peer::start().await;
    let inbox = app.url("/inbox");
    let alice_key = format!("{}#main-key", victim.actor("alice"));
    let junk = json!({"id": format!("{}/x", victim.actor("alice")), "type": "Like",
                      "actor": victim.actor("alice"), "object": app.url(STORY)});
    for _ in 0..20 {
        let response = app
            .client
            .post(&inbox)
            .header("content-type", "application/activity+json")
            .header("date", broadsheet::federation::signatures::cavage::http_date(chrono::Utc::now()))
            .header(
                "signature",
                format!("keyId=\"{alice_key}\",headers=\"(request-target) host date digest\",signature=\"AAAA\""),
            )
            .header("digest", "SHA-256=AAAA")
            .body(junk.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let note = victim.note("alice", "a1", &app.url(STORY), "<p>still heard</p>");
    assert_eq!(
        victim
            .send("alice", &inbox, &victim.create(&note))
            .await
            .status(),
        202
    );
    assert!(app.story_page().await.contains("still heard"));
}

#[tokio::test]
async fn unsigned_floods_are_limited_per_client_address() {
    let app = spawn_app_with(|s| s.inbox.per_address_per_minute = 10).await;
    let mut statuses = Vec::new();
    for _ in 0..14 {
        let response = app
            .client
            .post(app.url("/inbox"))
            .header("content-type", "application/activity+json")
            .body("{}")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert!(statuses[..10].iter().all(|s| *s != 429), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
}

#[tokio::test]
async fn failed_verifications_fetch_a_key_at_most_once_per_cool_down() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    // Carol is known (one real like), then garbage arrives naming her key, and an unknown key.
    let like = json!({"id": format!("{}/likes/1", peer.actor("carol")), "type": "Like",
                      "actor": peer.actor("carol"), "object": app.url(STORY)});
    assert_eq!(peer.send("carol", &inbox, &like).await.status(), 202);
    let fetched_before = peer.document_gets();
    for key in [
        format!("{}#main-key", peer.actor("carol")),
        format!("{}#main-key", peer.actor("nobody")),
    ] {
        let like = json!({"id": format!("{}/l/{}", peer.actor("carol"), uuid::Uuid::new_v4()),
                          "type": "Like", "actor": peer.actor("carol"), "object": app.url(STORY)});
        for _ in 0..3 {
            let response = peer
                .send_raw("carol", &inbox, like.to_string().into_bytes(), |h| {
                    let signature = h["signature"].to_str().unwrap().to_string();
                    let own = format!("{}#main-key", peer.actor("carol"));
                    let forged = signature.replace(&own, &key);
                    // Break the signature itself.
                    let forged = forged.replacen("signature=\"", "signature=\"AAAA", 1);
                    h.insert("signature", forged.parse().unwrap());
                })
                .await;
            assert_eq!(response.status(), 401);
        }
    }
    // Carol's key: fetched within the cool-down, not again. The unknown key: fetched once.
    assert!(
        peer.document_gets() - fetched_before <= 1,
        "{} fetches",
        peer.document_gets() - fetched_before
    );
}

#[tokio::test]
async fn a_blocked_hosts_keys_are_never_fetched() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let token = app.token();
    let response = app
        .api(reqwest::Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "domain", "value": peer.base.trim_start_matches("http://")}))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    let note = peer.note("dan", "d1", &app.url(STORY), "<p>blocked</p>");
    let response = peer
        .send("dan", &app.url("/inbox"), &peer.create(&note))
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(peer.document_gets(), 0);
    assert_eq!(app.stored_replies().await, 0);
}

#[tokio::test]
async fn a_reply_whose_parents_server_is_failing_is_retried_not_lost() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let parent = peer.note("erin", "p", &app.url(STORY), "<p>the parent</p>");
    let child = peer.note(
        "frank",
        "c",
        parent["id"].as_str().unwrap(),
        "<p>the child</p>",
    );
    // Frank is known before the parent's server starts failing.
    let hello = peer.note("frank", "hello", &app.url(STORY), "<p>frank says hi</p>");
    assert_eq!(
        peer.send("frank", &app.url("/inbox"), &peer.create(&hello))
            .await
            .status(),
        202
    );
    peer.documents_answer_with(503);
    assert_eq!(
        peer.send("frank", &app.url("/inbox"), &peer.create(&child))
            .await
            .status(),
        202
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    peer.documents_answer_with(0);
    let page = app.page_until(|p| p.contains("the child")).await;
    assert!(page.contains("the parent") && page.contains("the child"));
}

#[tokio::test]
async fn one_actor_cannot_fill_the_inbox_queue() {
    let app = spawn_app_with(|s| s.inbox.max_pending_jobs_per_actor = 2).await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let hello = peer.note("gus", "hello", &app.url(STORY), "<p>hi</p>");
    assert_eq!(
        peer.send("gus", &inbox, &peer.create(&hello))
            .await
            .status(),
        202
    );
    // Parents that can never be fetched keep the jobs waiting.
    peer.documents_answer_with(503);
    let mut statuses = Vec::new();
    for i in 0..4 {
        let note = peer.note(
            "gus",
            &format!("q{i}"),
            &format!("{}/notes/missing{i}", peer.base),
            "<p>waiting</p>",
        );
        statuses.push(
            peer.send("gus", &inbox, &peer.create(&note))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [202, 202, 429, 429]);
}

#[tokio::test]
async fn received_activity_ids_are_pruned_past_the_replay_window() {
    let app = spawn_app().await;
    let db = app.db().await;
    let old = chrono::Utc::now() - chrono::Duration::days(3);
    broadsheet::storage::received_activities::first_seen(&db, "https://a.example/old")
        .await
        .unwrap();
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "UPDATE received_activities SET received_at = $1",
            _ => "UPDATE received_activities SET received_at = ?",
        },
        [old.into()],
    ))
    .await
    .unwrap();
    broadsheet::storage::received_activities::first_seen(&db, "https://a.example/new")
        .await
        .unwrap();
    let pruned = broadsheet::storage::received_activities::prune(
        &db,
        chrono::Utc::now() - chrono::Duration::hours(2),
    )
    .await
    .unwrap();
    // The inbox worker prunes too (at start, then every few minutes): it may have been first.
    assert!(pruned <= 1);
    assert!(
        !broadsheet::storage::received_activities::seen(&db, "https://a.example/old")
            .await
            .unwrap()
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM received_activities").await,
        1
    );
}

#[tokio::test]
async fn a_stored_key_that_no_longer_parses_is_fetched_again() {
    let app = spawn_app_with(|s| s.inbox.key_refresh_cooldown_secs = 0).await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let first = peer.note("hal", "h1", &app.url(STORY), "<p>first</p>");
    assert_eq!(
        peer.send("hal", &inbox, &peer.create(&first))
            .await
            .status(),
        202
    );
    let db = app.db().await;
    db.execute_unprepared(&format!(
        "UPDATE actors SET public_key = 'not a pem' WHERE ap_id = '{}'",
        peer.actor("hal")
    ))
    .await
    .unwrap();
    let second = peer.note(
        "hal",
        "h2",
        &app.url(STORY),
        "<p>second after a bad key</p>",
    );
    assert_eq!(
        peer.send("hal", &inbox, &peer.create(&second))
            .await
            .status(),
        202
    );
    assert!(app.story_page().await.contains("second after a bad key"));
}

#[tokio::test]
async fn one_account_cannot_flood_the_reports() {
    let app = spawn_app_with(|s| s.moderation.max_reports_per_actor_per_day = 3).await;
    let peer = Peer::start().await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let flag = json!({"id": format!("{}/flags/{i}", peer.actor("ivy")), "type": "Flag",
                          "actor": peer.actor("ivy"), "object": [app.url(STORY)], "content": "spam"});
        statuses.push(
            peer.send("ivy", &app.url("/inbox"), &flag)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429]);
    let db = app.db().await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM reports").await, 3);
}

#[tokio::test]
async fn a_replies_collection_on_another_host_is_never_crawled() {
    let app = spawn_app_with(|s| s.replies.crawl_interval_secs = 1).await;
    let (peer, attacker) = (Peer::start().await, Peer::start().await);
    let mut a = peer.note("alice", "a", &app.url(STORY), "<p>Delivered</p>");
    let planted = attacker.note("m", "p", a["id"].as_str().unwrap(), "<p>planted</p>");
    attacker.host(
        "/coll",
        json!({"id": format!("{}/coll", attacker.base), "type": "Collection",
               "items": [planted]}),
    );
    a["replies"] = json!(format!("{}/coll", attacker.base));
    peer.host("/notes/a", a.clone());
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &peer.create(&a))
            .await
            .status(),
        202
    );
    let db = app.db().await;
    let held = format!(
        "SELECT COUNT(*) FROM replies WHERE ap_id = '{}' AND replies_url IS NULL",
        a["id"].as_str().unwrap()
    );
    assert_eq!(
        count(&db, &held).await,
        1,
        "the foreign collection was kept"
    );
    // A later reply with a collection on its own host: once the crawler has read that one, it
    // has had its chance at the first.
    let control = peer.note("alice", "b", &app.url(STORY), "<p>Control</p>");
    assert_eq!(
        peer.send("alice", &app.url("/inbox"), &peer.create(&control))
            .await
            .status(),
        202
    );
    let crawled = format!(
        "SELECT COUNT(*) FROM replies WHERE ap_id = '{}' AND crawled_at IS NOT NULL",
        control["id"].as_str().unwrap()
    );
    count_reaches(&db, &crawled, 1).await;
    assert_eq!(attacker.document_gets(), 0);
    assert!(!app.story_page().await.contains("planted"));
}

#[tokio::test]
async fn a_forged_quote_request_never_makes_us_answer_a_blocked_account() {
    let app = spawn_app().await;
    let (victim, attacker) = (Peer::start().await, Peer::start().await);
    let inbox = app.url("/inbox");
    // Alice is known here (one like), then blocked.
    let like = json!({"id": format!("{}/likes/q", victim.actor("alice")), "type": "Like",
                      "actor": victim.actor("alice"), "object": app.url(STORY)});
    assert_eq!(victim.send("alice", &inbox, &like).await.status(), 202);
    let token = app.token();
    let response = app
        .api(reqwest::Method::POST, "/blocks", &token)
        .await
        .json(&json!({"kind": "actor", "value": victim.actor("alice")}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    // Someone else signs a quote request in her name: refused, and nothing is sent to her.
    let request = json!({"id": format!("{}/quote-requests/forged", victim.actor("alice")),
                         "type": "QuoteRequest", "actor": victim.actor("alice"),
                         "object": app.url(STORY), "instrument": format!("{}/notes/q", victim.base)});
    let key = format!("{}#main-key", victim.actor("alice"));
    let response = attacker
        .send_signed_as(&inbox, &key, chrono::Utc::now(), "", &request)
        .await;
    assert_eq!(response.status(), 403);
    let db = app.db().await;
    let rejects = "SELECT COUNT(*) FROM outgoing_activities WHERE kind = 'Reject'";
    assert_eq!(
        count(&db, rejects).await,
        0,
        "a Reject was queued for a forgery"
    );
}
