//! "Where's my reply?" in the browser (`tests/browser/where.mjs`): a reader follows the
//! footer's link, pastes the address of a reply that never reached us, submits, reads that it
//! was fetched and published, and follows the link to it under the story; an address that is
//! not a reply to our stories is answered as such. No Content-Security-Policy violation.

use serde_json::json;

use super::{app_with_editor, browser_installed, scenario};
use crate::{helpers::STORY, peer::Peer};

#[tokio::test]
async fn a_reader_pastes_the_address_of_a_lost_reply_and_finds_it() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let peer = Peer::start().await;
    let text = "Lost on the way, found by the reader";
    let lost = peer.note("erin", "lost", &app.url(STORY), &format!("<p>{text}</p>"));
    let other = format!("{}/notes/elsewhere", peer.base);
    peer.host(
        "/notes/elsewhere",
        json!({"id": other, "type": "Note", "attributedTo": peer.actor("erin"),
               "content": "<p>not for you</p>", "to": ["https://www.w3.org/ns/activitystreams#Public"]}),
    );

    let post = lost["id"].as_str().unwrap();
    let steps = scenario(
        &app,
        "where",
        &[("post", post), ("other", &other), ("text", text)],
    )
    .await;
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name && s["ok"] == true)
            .unwrap_or_else(|| panic!("{name}: {steps:?}"))
            .clone()
    };
    let found = step("paste and submit");
    assert_eq!(found["state"], "published");
    assert!(
        found["href"].as_str().unwrap().contains("#reply-"),
        "{found}"
    );
    assert!(
        step("follow the link")["anchor"]
            .as_str()
            .unwrap()
            .starts_with("reply-")
    );
    assert_eq!(step("not ours")["state"], "not_ours");
    // The server agrees: the reply is stored and shown.
    assert!(app.story_page().await.contains(text));
}
