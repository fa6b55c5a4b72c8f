//! The desk and the story page it shapes, in the browser (`tests/browser/desk.mjs`): an
//! editor's pick first in the Featured part, a long branch folded until the reader opens it
//! (no script), and the Recent tab receiving a new reply live, hidden from the keyboard.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use super::{app_with_editor, browser_installed, scenario};
use crate::{helpers::STORY, peer::Peer, picks::reply_id};

#[tokio::test]
async fn an_editor_picks_a_reply_folds_a_branch_and_hides_a_new_reply_live() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let token = app.token();
    let peer = Peer::start().await;
    let featured = "The reply the desk picked";
    assert_eq!(
        app.reply_from(&peer, "picked", "picked", featured)
            .await
            .status(),
        202
    );
    let picked = reply_id(&app, &format!("{}/notes/picked", peer.base)).await;
    // A thread with six answers: three shown, three folded.
    assert_eq!(
        app.reply_from(&peer, "asker", "asked", "Who knew?")
            .await
            .status(),
        202
    );
    let asked = format!("{}/notes/asked", peer.base);
    reply_id(&app, &asked).await;
    for n in 0..6 {
        let note = peer.note(
            "answerer",
            &format!("answer-{n}"),
            &asked,
            &format!("<p>Answer {n}</p>"),
        );
        assert_eq!(
            peer.send("answerer", &app.url("/inbox"), &peer.create(&note))
                .await
                .status(),
            202
        );
        reply_id(&app, note["id"].as_str().unwrap()).await;
    }
    let response = app
        .api(Method::POST, &format!("/replies/{picked}/feature"), &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let other = app
        .publish(
            &token,
            json!({ "title": "Ferry timetable changes", "body": "From Monday." }),
        )
        .await;
    let other_url = other["url"].as_str().unwrap().to_string();

    let ready = tempfile::tempdir().unwrap();
    let ready_file = ready.path().join("ready");
    let ready_path = ready_file.to_str().unwrap().to_string();
    let text = "Arrived while the desk was watching";
    let options = [
        ("story", STORY),
        ("featured", featured),
        ("text", text),
        ("ready-file", ready_path.as_str()),
    ];
    let browser = scenario(&app, "desk", &options);
    let sender = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        while !ready_file.exists() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the desk never connected its stream"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let note = peer.note("late", "late", &other_url, &format!("<p>{text}</p>"));
        assert_eq!(
            peer.send("late", &app.url("/inbox"), &peer.create(&note))
                .await
                .status(),
            202
        );
    };
    let (steps, ()) = tokio::join!(browser, sender);
    for step in [
        "featured part first",
        "branch collapsed",
        "branch expanded",
        "recent updates live",
        "hidden with the keyboard",
    ] {
        assert!(
            steps.iter().any(|s| s["step"] == step && s["ok"] == true),
            "{step}: {steps:?}"
        );
    }
    let summary = steps
        .iter()
        .find(|s| s["step"] == "branch collapsed")
        .unwrap();
    assert_eq!(summary["summary"], "Show 3 more replies");

    // The server agrees: the reply the keyboard hid is hidden.
    let id = reply_id(&app, &format!("{}/notes/late", peer.base)).await;
    let db = app.db().await;
    let state = crate::helpers::count(
        &db,
        &format!("SELECT COUNT(*) FROM replies WHERE id = {id} AND state = 'hidden'"),
    )
    .await;
    assert_eq!(state, 1);
}
