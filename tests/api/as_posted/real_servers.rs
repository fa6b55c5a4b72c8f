//! Payloads captured from real servers, made replies to our story: what their types carry.

use broadsheet::domain::reply::presentation::{Details, ObjectKind};

use super::{adopt, at, presentation, stored};
use crate::{fixtures::fixture, helpers::spawn_app, peer::Peer};

#[tokio::test]
async fn events_polls_and_videos_from_real_servers_keep_what_they_carry() {
    let (Some(event), Some(poll), Some(video)) = (
        fixture("mobilizon/lemmy-assets__objects_event.json"),
        fixture("mastodon/akkoma-tests__mastodon-question-activity.json"),
        fixture("peertube/akkoma-tests__peertube_video-object-mpegURL-only.json"),
    ) else {
        return;
    };
    let app = spawn_app().await;
    let peer = Peer::start().await;

    let row = stored(&app, &peer, &adopt(&app, &peer, "event", &event)).await;
    let shown = presentation(&row);
    assert_eq!(shown.kind, ObjectKind::Event);
    assert_eq!(
        shown.details,
        Details::Event {
            name: Some("Caledonian scottish dance class".into()),
            starts_at: at("2022-12-11T19:00:00Z"),
            ends_at: at("2022-12-11T21:00:00Z"),
            location: Some("The Kenn Centre".into()),
        }
    );
    assert_eq!(shown.language.as_deref(), Some("en"));
    assert_eq!(shown.tags.len(), 3);
    assert_eq!(shown.attachments[0].description.as_deref(), Some("Banner"));

    let row = stored(&app, &peer, &adopt(&app, &peer, "poll", &poll["object"])).await;
    let Details::Question {
        options,
        multiple,
        closes_at,
    } = presentation(&row).details
    else {
        panic!("no poll in {row:?}");
    };
    let votes: Vec<(&str, u64)> = options.iter().map(|o| (o.name.as_str(), o.votes)).collect();
    assert_eq!(votes[..2], [("Dunno", 0), ("Everyone knows that!", 1)]);
    assert_eq!(options.len(), 4);
    assert!(!multiple);
    assert_eq!(closes_at, at("2019-05-11T09:03:36Z"));

    let video = &video["object"];
    let row = stored(&app, &peer, &adopt(&app, &peer, "video", video)).await;
    let shown = presentation(&row);
    assert_eq!(
        (shown.kind, shown.language.as_deref()),
        (ObjectKind::Video, Some("fr"))
    );
    assert_eq!(row.url.as_deref(), video["url"][0]["href"].as_str());
    assert!(shown.attachments[0].url.as_str().ends_with(".mp4"));
    assert_eq!(shown.tags[0].name, "#France3");
}
