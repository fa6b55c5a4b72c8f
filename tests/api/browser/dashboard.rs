//! The dashboard in the browser (`tests/browser/dashboard.mjs`): after a peer's replies, the
//! editor's front page draws every chart (a bar or point per day, titled, coloured by the
//! stylesheet), with no Content-Security-Policy violation.

use serde_json::Value;

use super::{app_with_editor, browser_installed, scenario};
use crate::peer::Peer;

#[tokio::test]
async fn an_editor_sees_the_charts_drawn() {
    if !browser_installed() {
        return;
    }
    let app = app_with_editor().await;
    let peer = Peer::start().await;
    for (who, name) in [("ann", "one"), ("ben", "two")] {
        assert_eq!(
            app.reply_from(&peer, who, name, "A reply").await.status(),
            202
        );
    }

    let steps = scenario(&app, "dashboard", &[]).await;

    let bars = steps
        .iter()
        .find(|s| s["step"] == "bar charts drawn" && s["ok"] == true)
        .unwrap_or_else(|| panic!("{steps:?}"));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let replies: &Value = &bars["charts"]["replies"];
    assert_eq!(replies["marks"], 30);
    assert_eq!(replies["last"], format!("{today}: 2"));
    assert_eq!(bars["charts"]["likes"]["last"], format!("{today}: 0"));
    assert!(
        steps
            .iter()
            .any(|s| s["step"] == "followers line drawn" && s["ok"] == true)
    );
}
