//! WebFinger, NodeInfo and host-meta: how other servers find the publication.

use crate::helpers::{AP, spawn_app};

#[tokio::test]
async fn webfinger_finds_the_publication_and_round_trips_exactly() {
    let app = spawn_app().await;
    let resource = format!("acct:news@{}", app.domain);

    let response = app
        .client
        .get(app.url("/.well-known/webfinger"))
        .query(&[("resource", &resource)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/jrd+json")
    );
    let jrd: serde_json::Value = response.json().await.unwrap();

    assert_eq!(jrd["subject"], resource);
    let self_link = jrd["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .expect("self link");
    assert_eq!(self_link["type"], AP);
    let actor_id = self_link["href"].as_str().unwrap();
    // Mastodon fetches the actor and checks that its id is the link, byte for byte, and that
    // its preferredUsername at our domain is the handle it started from.
    let actor = app.get_ap_json(actor_id).await;
    assert_eq!(actor["id"].as_str(), Some(actor_id));
    assert_eq!(
        format!(
            "acct:{}@{}",
            actor["preferredUsername"].as_str().unwrap(),
            app.domain
        ),
        resource
    );
}

#[tokio::test]
async fn webfinger_accepts_the_actor_url_as_resource() {
    let app = spawn_app().await;
    let jrd: serde_json::Value = app
        .client
        .get(app.url("/.well-known/webfinger"))
        .query(&[("resource", app.url("/@news"))])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jrd["subject"], format!("acct:news@{}", app.domain));
}

#[tokio::test]
async fn webfinger_refuses_unknown_accounts_other_domains_and_bad_queries() {
    let app = spawn_app().await;
    let cases = [
        (Some(format!("acct:nobody@{}", app.domain)), 404),
        (Some("acct:news@elsewhere.example".to_string()), 404),
        (Some("http://elsewhere.example/@news".to_string()), 404),
        (Some("news".to_string()), 400),
        (None, 400),
    ];
    for (resource, status) in cases {
        let mut request = app.client.get(app.url("/.well-known/webfinger"));
        if let Some(r) = &resource {
            request = request.query(&[("resource", r)]);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "resource {resource:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{resource:?} answered {body}");
    }
}

#[tokio::test]
async fn nodeinfo_is_discoverable_and_counts_stories() {
    let app = spawn_app().await;
    let links: serde_json::Value = app
        .client
        .get(app.url("/.well-known/nodeinfo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let href = links["links"][0]["href"].as_str().unwrap();
    assert_eq!(
        links["links"][0]["rel"],
        "http://nodeinfo.diaspora.software/ns/schema/2.1"
    );

    let response = app.client.get(href).send().await.unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("schema/2.1")
    );
    let info: serde_json::Value = response.json().await.unwrap();
    assert_eq!(info["version"], "2.1");
    assert_eq!(info["software"]["name"], "broadsheet");
    assert_eq!(info["protocols"], serde_json::json!(["activitypub"]));
    assert_eq!(info["openRegistrations"], false);
    // The sample story of a first start.
    assert_eq!(info["usage"]["localPosts"], 1);
}

#[tokio::test]
async fn host_meta_points_at_webfinger() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/.well-known/host-meta"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xrd+xml")
    );
    let body = response.text().await.unwrap();
    assert!(
        body.contains(&format!(
            "template=\"{}/.well-known/webfinger?resource={{uri}}\"",
            app.address
        )),
        "{body}"
    );
}
