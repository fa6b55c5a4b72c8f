//! Replies shown as their authors posted them: media from our own origin with their alt text,
//! sensitive media behind a warning that works without JavaScript, mentions, hashtags and
//! custom emoji linked in the text only, the language, and what events, documents and polls
//! carry. Each reply is delivered by a peer, then given its presentation in the database, so
//! these tests see the page alone.

use broadsheet::{
    domain::reply::{
        self,
        presentation::{Attachment, MediaKind, Presentation, Tag, TagKind},
    },
    storage::entities::reply::ActiveModel,
};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

use crate::{
    helpers::{TestApp, WAIT, html, spawn_app},
    peer::Peer,
};

mod ours;
mod text;

/// How a test reply was posted, besides its presentation.
#[derive(Default)]
pub(crate) struct Posted {
    pub content: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub sensitive: bool,
}

/// Alice answers the story with reply `name`, shown as `presentation`; returns its row id.
pub(crate) async fn posted(
    app: &TestApp,
    peer: &Peer,
    name: &str,
    presentation: Presentation,
    how: Posted,
) -> i64 {
    let status = app.reply_from(peer, "alice", name, name).await.status();
    assert_eq!(status, 202);
    let id = format!("{}/notes/{name}", peer.base);
    let db = app.db().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let row = loop {
        if let Some(row) = reply::find(&db, &id).await.unwrap() {
            break row;
        }
        assert!(tokio::time::Instant::now() < deadline, "{id} never stored");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let row_id = row.id;
    let (attachments, tags, details) = presentation.to_columns();
    let mut active: ActiveModel = row.into();
    active.object_type = Set(presentation.kind.as_str().to_string());
    active.language = Set(presentation.language.clone());
    active.attachments = Set(attachments);
    active.tags = Set(tags);
    active.details = Set(details);
    active.sensitive = Set(how.sensitive);
    active.summary = Set(how.summary.map(str::to_string));
    if let Some(content) = how.content {
        active.content_html = Set(content.to_string());
    }
    active.update(&db).await.unwrap();
    db.close().await.ok();
    row_id
}

pub(crate) fn media(url: &str, kind: MediaKind, alt: Option<&str>) -> Attachment {
    Attachment {
        url: url.parse().unwrap(),
        kind,
        media_type: None,
        description: alt.map(str::to_string),
        width: None,
        height: None,
        blurhash: None,
        focal_point: None,
    }
}

pub(crate) fn with_media(attachments: Vec<Attachment>) -> Presentation {
    Presentation {
        attachments,
        ..Default::default()
    }
}

pub(crate) fn tag(kind: TagKind, name: &str, href: Option<&str>, icon: Option<&str>) -> Tag {
    Tag {
        kind,
        name: name.into(),
        href: href.map(|h| h.parse().unwrap()),
        icon: icon.map(|i| i.parse().unwrap()),
    }
}

/// The values of `attribute` on the elements `selector` finds.
pub(crate) fn attrs(page: &scraper::Html, selector: &str, attribute: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).unwrap();
    page.select(&selector)
        .filter_map(|e| e.value().attr(attribute).map(str::to_string))
        .collect()
}

pub(crate) fn texts(page: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).unwrap();
    page.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Every `src` on the page is on our own origin.
pub(crate) fn nothing_loads_from_elsewhere(page: &scraper::Html) {
    let sources = attrs(page, "[src]", "src");
    assert!(
        sources.iter().all(|s| s.starts_with('/')),
        "a source on another origin: {sources:?}"
    );
}

/// A file its author keeps at `files.example`.
fn file(name: &str, kind: MediaKind, alt: Option<&str>) -> Attachment {
    media(&format!("https://files.example/{name}"), kind, alt)
}

/// Marked sensitive, with `summary` as its warning.
fn sensitive(summary: Option<&'static str>) -> Posted {
    Posted {
        summary,
        sensitive: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn an_image_is_shown_from_our_origin_with_its_alt_text() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let avatar = format!("{}/alice.png", peer.base);
    peer.set_profile(
        "alice",
        json!({ "icon": { "type": "Image", "url": avatar } }),
    );
    let mut cat = file("cat.jpg", MediaKind::Image, Some("A cat"));
    (cat.width, cat.height, cat.focal_point) = (Some(640), Some(480), Some((-1.0, 1.0)));
    let one = posted(&app, &peer, "one", with_media(vec![cat]), Posted::default()).await;

    let page = html(&app.story_page().await);
    let single = format!("#reply-{one} .media.media-1 img");
    assert_eq!(attrs(&page, &single, "alt"), ["A cat"]);
    assert_eq!(attrs(&page, &single, "width"), ["640"]);
    assert_eq!(attrs(&page, &single, "height"), ["480"]);
    assert_eq!(attrs(&page, &single, "loading"), ["lazy"]);
    assert_eq!(attrs(&page, &single, "class"), ["fx-0 fy-0"]);
    assert!(attrs(&page, &single, "src")[0].starts_with("/media/"));
    // The avatar comes through the proxy too.
    let avatars = attrs(&page, "img.avatar", "src");
    assert!(!avatars.is_empty() && avatars.iter().all(|a| a.starts_with("/media/")));
    nothing_loads_from_elsewhere(&page);
}

#[tokio::test]
async fn several_media_share_a_grid_and_files_are_links() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let several = with_media(vec![
        file("a.png", MediaKind::Image, Some("First")),
        file("b.png", MediaKind::Image, None),
        file("c.mp4", MediaKind::Video, Some("A clip")),
        file("d.mp3", MediaKind::Audio, Some("A song")),
        file("report.pdf", MediaKind::Other, None),
    ]);
    let many = posted(&app, &peer, "several", several, Posted::default()).await;

    let page = html(&app.story_page().await);
    let grid = format!("#reply-{many} .media.media-3");
    assert_eq!(attrs(&page, &format!("{grid} img"), "alt"), ["First", ""]);
    let video = format!("{grid} video[controls][preload=none]");
    assert_eq!(attrs(&page, &video, "aria-label"), ["A clip"]);
    let audio = format!("#reply-{many} figure.audio");
    let player = format!("{audio} audio[controls][preload=none]");
    assert!(attrs(&page, &player, "src")[0].starts_with("/media/"));
    assert_eq!(texts(&page, &format!("{audio} figcaption")), ["A song"]);
    let link = format!("#reply-{many} ul.files a");
    let pdf = "https://files.example/report.pdf";
    assert_eq!(attrs(&page, &link, "href"), [pdf]);
    assert_eq!(texts(&page, &link), ["report.pdf"]);
    nothing_loads_from_elsewhere(&page);
}

#[tokio::test]
async fn sensitive_media_wait_behind_a_warning() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let image = || with_media(vec![file("x.png", MediaKind::Image, Some("Gore"))]);
    let media_only = posted(&app, &peer, "marked", image(), sensitive(None)).await;
    let text_only = posted(
        &app,
        &peer,
        "text",
        Presentation::default(),
        sensitive(None),
    )
    .await;
    let warning = Some("Spoilers for the finale");
    let with_cw = posted(&app, &peer, "warned", image(), sensitive(warning)).await;

    let page = html(&app.story_page().await);
    // Sensitive media without a warning of its own: the text shows, the media wait.
    let hidden = format!("#reply-{media_only} details.warning.sensitive:not([open])");
    let label = texts(&page, &format!("{hidden} > summary"));
    assert_eq!(label, ["Sensitive content"]);
    assert_eq!(attrs(&page, &format!("{hidden} img"), "alt"), ["Gore"]);
    let shown = format!("#reply-{media_only} .reply-content > .e-content");
    assert_eq!(texts(&page, &shown), ["marked"]);
    // Sensitive text without media waits itself.
    let hidden = format!("#reply-{text_only} details.warning.sensitive:not([open])");
    assert_eq!(texts(&page, &format!("{hidden} .e-content")), ["text"]);
    // A content warning hides the text and the media.
    let hidden = format!("#reply-{with_cw} details.warning:not([open])");
    let label = texts(&page, &format!("{hidden} > summary"));
    assert_eq!(label, ["Spoilers for the finale"]);
    let alt = attrs(&page, &format!("{hidden} .media img"), "alt");
    assert_eq!(alt, ["Gore"]);
    assert_eq!(texts(&page, &format!("{hidden} .e-content")), ["warned"]);
    nothing_loads_from_elsewhere(&page);
}
