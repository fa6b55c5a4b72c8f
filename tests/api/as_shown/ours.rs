//! The same rules on the rest of our pages: a story's own images from another server load
//! through the media proxy (the policy allows images from this site only), while the `Article`
//! keeps their addresses; the admin's thread view shows replies' media like the public page.

use broadsheet::domain::reply::presentation::MediaKind;
use serde_json::json;

use super::{Posted, attrs, media, nothing_loads_from_elsewhere, posted, with_media};
use crate::{
    admin::login,
    helpers::{STORY, html, spawn_app},
    peer::Peer,
};

#[tokio::test]
async fn a_storys_remote_images_load_through_the_proxy() {
    let app = spawn_app().await;
    let token = app.token();
    let story = json!({
        "title": "The river line at night",
        "body": "The route:\n\n![A map of the line](https://maps.example/line.png)",
        "image": "https://photos.example/bus.jpg",
        "image_alt": "A night bus on the bridge",
    });
    let url = app.publish(&token, story).await["url"]
        .as_str()
        .unwrap()
        .to_string();

    let story_path = url.strip_prefix(&app.address).unwrap();
    for path in ["/", story_path] {
        let page = html(&app.get_html(path).await.text().await.unwrap());
        let sources = attrs(&page, "img[alt='A night bus on the bridge']", "src");
        assert!(
            !sources.is_empty() && sources.iter().all(|s| s.starts_with("/media/")),
            "{path}: {sources:?}"
        );
        nothing_loads_from_elsewhere(&page);
    }
    let page = html(&app.get_html(story_path).await.text().await.unwrap());
    let map = attrs(&page, ".e-content img[alt='A map of the line']", "src");
    assert!(map[0].starts_with("/media/"), "{map:?}");
    // Other servers fetch what they show themselves.
    let article = app.get_ap_json(&url).await;
    assert_eq!(article["image"]["url"], "https://photos.example/bus.jpg");
    assert!(
        article["content"]
            .as_str()
            .unwrap()
            .contains("https://maps.example/line.png")
    );
}

#[tokio::test]
async fn the_admin_thread_shows_replies_media_behind_their_warning() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let image = media(
        "https://files.example/x.png",
        MediaKind::Image,
        Some("Gore"),
    );
    let how = Posted {
        sensitive: true,
        ..Default::default()
    };
    posted(&app, &peer, "marked", with_media(vec![image]), how).await;

    let editor = login(&app).await;
    let path = format!("/admin{STORY}/thread");
    let page = html(&editor.get(&app, &path).await.text().await.unwrap());
    let hidden = "ol.admin-thread details.warning.sensitive:not([open]) .media img";
    assert_eq!(attrs(&page, hidden, "alt"), ["Gore"]);
    nothing_loads_from_elsewhere(&page);
}
