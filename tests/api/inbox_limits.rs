//! The inbox's limits throttle floods, not big instances: a server whose many readers all answer
//! a story gets room for them, while one account flooding, or a server minting accounts, is told
//! to slow down with a `Retry-After`. Only verified signers are counted.

use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use crate::{
    helpers::{STORY, TestApp, spawn_app, spawn_app_with},
    peer::Peer,
};

/// The seconds a 429 asks the sender to wait.
fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn reply(peer: &Peer, app: &TestApp, from: &str, n: usize) -> Value {
    let note = peer.note(
        from,
        &format!("{from}-{n}"),
        &app.url(STORY),
        &format!("<p>Answer {n} from {from}</p>"),
    );
    peer.create(&note)
}

fn like(peer: &Peer, app: &TestApp, from: &str, n: usize) -> Value {
    json!({"id": format!("{}/likes/{n}", peer.actor(from)), "type": "Like",
           "actor": peer.actor(from), "object": app.url(STORY)})
}

#[tokio::test]
async fn a_big_instance_whose_readers_all_answer_a_story_is_not_refused() {
    // Default limits: 100 readers of one server send 2,000 replies within a minute.
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let client = reqwest::Client::new();
    let sends = (0..2000).map(|n| {
        let from = format!("reader{}", n % 100);
        let activity = reply(&peer, &app, &from, n);
        let (peer, inbox, client) = (&peer, &inbox, &client);
        async move {
            let response = peer.send_over(client, &from, inbox, &activity).await;
            response.status().as_u16()
        }
    });
    let statuses: Vec<u16> = stream::iter(sends).buffer_unordered(16).collect().await;
    let refused = statuses.iter().filter(|s| **s != 202).count();
    assert_eq!(refused, 0, "{:?}", statuses.iter().find(|s| **s != 202));
    assert_eq!(app.stored_replies().await, 2000);
}

#[tokio::test]
async fn one_account_flooding_is_told_when_to_come_back() {
    let app = spawn_app_with(|s| s.moderation.inbox_per_actor_per_minute = 10).await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let mut statuses = Vec::new();
    let mut last = None;
    for n in 0..14 {
        let response = peer
            .send("flood", &inbox, &reply(&peer, &app, "flood", n))
            .await;
        statuses.push(response.status().as_u16());
        last = Some(response);
    }
    assert!(statuses[..10].iter().all(|s| *s == 202), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    let refused = last.unwrap();
    // Ten a minute: the next one is let in within six seconds.
    assert!((1..=6).contains(&retry_after(&refused)));
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains(&peer.actor("flood")),
        "{body}"
    );
    // Its server's other readers are heard.
    let other = peer
        .send("calm", &inbox, &reply(&peer, &app, "calm", 0))
        .await;
    assert_eq!(other.status(), 202);
    assert_eq!(app.stored_replies().await, 11);
}

#[tokio::test]
async fn a_server_minting_accounts_is_still_bounded() {
    // 5 a minute, 1 more per active account, never more than 10.
    let app = spawn_app_with(|s| {
        s.moderation.inbox_per_host_per_minute = 5;
        s.moderation.inbox_per_active_actor_per_minute = 1;
        s.moderation.inbox_per_host_max_per_minute = 10;
    })
    .await;
    let peer = Peer::start().await;
    let inbox = app.url("/inbox");
    let mut statuses = Vec::new();
    let mut last = None;
    for n in 0..16 {
        let from = format!("minted{n}");
        let response = peer.send(&from, &inbox, &like(&peer, &app, &from, n)).await;
        statuses.push(response.status().as_u16());
        last = Some(response);
    }
    assert!(statuses[..10].iter().all(|s| *s == 202), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    let refused = last.unwrap();
    assert!((1..=6).contains(&retry_after(&refused)));
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains(&app_host(&peer)),
        "{body}"
    );
}

fn app_host(peer: &Peer) -> String {
    format!("127.0.0.1:{}", peer.port)
}

#[tokio::test]
async fn requests_that_prove_nothing_do_not_spend_a_servers_allowance() {
    let app = spawn_app_with(|s| {
        s.moderation.inbox_per_host_per_minute = 5;
        s.moderation.inbox_per_active_actor_per_minute = 0;
        s.moderation.inbox_per_host_max_per_minute = 5;
    })
    .await;
    let victim = Peer::start().await;
    let forger = Peer::start().await;
    let inbox = app.url("/inbox");
    for n in 0..20 {
        // Unsigned, then signed with another key than the one named.
        let unsigned = app
            .client
            .post(&inbox)
            .header("content-type", "application/activity+json")
            .body(like(&victim, &app, "alice", n).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(unsigned.status(), 401);
        let forged = forger
            .send_claiming_key(
                &victim.actor("alice"),
                &inbox,
                &like(&victim, &app, "alice", n),
            )
            .await;
        assert_eq!(forged.status(), 401);
    }
    let mut statuses = Vec::new();
    for n in 0..6 {
        let response = victim
            .send("alice", &inbox, &like(&victim, &app, "alice", 100 + n))
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [202, 202, 202, 202, 202, 429]);
}
