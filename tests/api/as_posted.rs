//! Replies as their authors posted them: every object type is stored with its kind or refused
//! with a reason; media with alt text, tags, language and what each type carries are read into
//! the row (from real servers' payload shapes too); edits refresh them; replies published in the
//! same second keep the order they arrived in.

use broadsheet::{
    domain::reply::{
        self,
        presentation::{MediaKind, ObjectKind, Presentation, TagKind},
    },
    storage::entities::reply::Model,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

mod edits;
mod real_servers;

use crate::{
    fixtures::fixture,
    helpers::{STORY, TestApp, spawn_app, spawn_app_with},
    peer::Peer,
};

/// A Note by alice answering the story, at `/notes/{name}`, with `fields` laid over it (a
/// `null` removes the field).
fn reply(app: &TestApp, peer: &Peer, name: &str, fields: Value) -> Value {
    let mut note = peer.note("alice", name, &app.url(STORY), "<p>posted</p>");
    for (key, value) in fields.as_object().unwrap() {
        match value {
            Value::Null => note.as_object_mut().unwrap().remove(key),
            other => note
                .as_object_mut()
                .unwrap()
                .insert(key.clone(), other.clone()),
        };
    }
    note
}

/// Delivers `object` in a `Create`; the answer's status and body.
async fn deliver(app: &TestApp, peer: &Peer, object: &Value) -> (u16, String) {
    let response = peer
        .send("alice", &app.url("/inbox"), &peer.create(object))
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Delivers a reply and returns its stored row; the test fails if it was not stored.
async fn stored(app: &TestApp, peer: &Peer, object: &Value) -> Model {
    let (status, body) = deliver(app, peer, object).await;
    assert_eq!(status, 202, "{body}");
    find_row(app, object["id"].as_str().unwrap())
        .await
        .unwrap_or_else(|| panic!("answered 202 but not stored: {object}"))
}

async fn find_row(app: &TestApp, ap_id: &str) -> Option<Model> {
    let db = app.db().await;
    let found = reply::find(&db, ap_id).await.unwrap();
    db.close().await.ok();
    found
}

fn presentation(row: &Model) -> Presentation {
    Presentation::from_columns(
        &row.object_type,
        row.language.as_deref(),
        row.attachments.as_deref(),
        row.tags.as_deref(),
        row.details.as_deref(),
    )
}

fn at(text: &str) -> Option<DateTime<Utc>> {
    Some(text.parse().unwrap())
}

#[tokio::test]
async fn every_type_shown_is_stored_and_every_other_is_refused_with_its_reason() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    for kind in ObjectKind::ALL {
        let name = kind.as_str().to_lowercase();
        let object = reply(&app, &peer, &name, json!({"type": kind.as_str()}));
        let row = stored(&app, &peer, &object).await;
        assert_eq!(row.object_type, kind.as_str());
    }
    for kind in ["Tombstone", "Collection", "Widget"] {
        let object = reply(&app, &peer, kind, json!({"type": kind}));
        let (status, body) = deliver(&app, &peer, &object).await;
        assert_eq!(status, 422, "{kind}: {body}");
        let reason = format!("objects of type {kind} are not shown as replies");
        assert!(body.contains(&reason), "{kind}: {body}");
        assert!(
            find_row(&app, object["id"].as_str().unwrap())
                .await
                .is_none()
        );
    }
    // A list of types is read by its first known type.
    let listed = reply(
        &app,
        &peer,
        "listed",
        json!({"type": ["Widget", "Image", "Note"]}),
    );
    assert_eq!(stored(&app, &peer, &listed).await.object_type, "Image");
    let note = reply(
        &app,
        &peer,
        "note-list",
        json!({"type": ["Note", "pt:Extra"]}),
    );
    assert_eq!(stored(&app, &peer, &note).await.object_type, "Note");
    let unknown = reply(
        &app,
        &peer,
        "unknown",
        json!({"type": ["Widget", "Gadget"]}),
    );
    let (status, body) = deliver(&app, &peer, &unknown).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("objects of type Widget are not shown as replies"),
        "{body}"
    );
}

#[tokio::test]
async fn media_keep_their_alt_text_and_only_web_urls() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let cat = format!("{}/media/cat.png", peer.base);
    let object = reply(
        &app,
        &peer,
        "cat",
        json!({"attachment": [
            {"type": "Document", "mediaType": "image/png", "url": cat, "name": "A cat asleep on a keyboard",
             "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", "focalPoint": [-0.5, 0.25], "width": 640, "height": 480},
            {"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)", "name": "hostile"},
            {"type": "Image", "url": [{"type": "Link", "href": "javascript:alert(2)"}]},
            {"type": "Document", "url": "data:image/png;base64,AAAA"},
            {"type": "PropertyValue", "name": "not media", "value": "x"},
        ]}),
    );
    let row = stored(&app, &peer, &object).await;
    let media = presentation(&row).attachments;
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!(media[0].url.as_str(), cat);
    assert_eq!(media[0].kind, MediaKind::Image);
    assert_eq!(media[0].media_type.as_deref(), Some("image/png"));
    assert_eq!(
        media[0].description.as_deref(),
        Some("A cat asleep on a keyboard")
    );
    assert_eq!((media[0].width, media[0].height), (Some(640), Some(480)));
    assert_eq!(media[0].focal_point, Some((-0.5, 0.25)));
    assert!(media[0].blurhash.is_some());
    let columns = row.attachments.unwrap();
    assert!(!columns.contains("javascript") && !columns.contains("data:"));

    // An Image or Video is its own media; of its several url Links, the page is the html one.
    let page = format!("{}/@alice/video", peer.base);
    let mp4 = format!("{}/media/v.mp4", peer.base);
    let video = reply(
        &app,
        &peer,
        "video",
        json!({"type": "Video", "name": "The harbour at dusk", "url": [
            {"type": "Link", "mediaType": "application/x-mpegURL", "href": format!("{}/media/v.m3u8", peer.base)},
            {"type": "Link", "mediaType": "text/html", "href": page},
            {"type": "Link", "mediaType": "video/mp4", "href": mp4},
        ]}),
    );
    let row = stored(&app, &peer, &video).await;
    assert_eq!(row.url.as_deref(), Some(page.as_str()));
    let media = presentation(&row).attachments;
    assert_eq!(media[0].url.as_str(), mp4);
    assert_eq!(media[0].kind, MediaKind::Video);
}

#[tokio::test]
async fn mentions_hashtags_and_emoji_are_kept() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let emoji = format!("{}/emoji/blobcat.png", peer.base);
    let object = reply(
        &app,
        &peer,
        "tags",
        json!({"tag": [
            {"type": "Mention", "href": peer.actor("bob"), "name": "@bob@elsewhere.example"},
            {"type": "Hashtag", "href": format!("{}/tags/cats", peer.base), "name": "#cats"},
            {"type": "as:Hashtag", "name": "harbour"},
            {"id": format!("{}/emojis/1", peer.base), "type": "Emoji", "name": ":blobcat:",
             "icon": {"type": "Image", "mediaType": "image/png", "url": emoji}},
            {"type": "Emoji", "name": ":bad:", "icon": {"type": "Image", "url": "javascript:alert(1)"}},
        ]}),
    );
    let tags = presentation(&stored(&app, &peer, &object).await).tags;
    let seen: Vec<(TagKind, &str)> = tags.iter().map(|t| (t.kind, t.name.as_str())).collect();
    assert_eq!(
        seen,
        [
            (TagKind::Mention, "@bob@elsewhere.example"),
            (TagKind::Hashtag, "#cats"),
            (TagKind::Hashtag, "#harbour"),
            (TagKind::Emoji, ":blobcat:"),
        ]
    );
    assert_eq!(tags[0].href.as_ref().unwrap().as_str(), peer.actor("bob"));
    assert_eq!(tags[3].icon.as_ref().unwrap().as_str(), emoji);

    // Kroeg sends a single tag, not a list.
    let Some(kroeg) = fixture("kroeg/akkoma-tests__kroeg-array-less-emoji.json") else {
        return;
    };
    let object = adopt(&app, &peer, "kroeg", &kroeg["object"]);
    let tags = presentation(&stored(&app, &peer, &object).await).tags;
    assert_eq!(tags[0].name, ":icon_e_smile:");
}

/// A captured object made alice's reply to the story, at `/notes/{name}`.
fn adopt(app: &TestApp, peer: &Peer, name: &str, captured: &Value) -> Value {
    let mut object = captured.clone();
    let plain = reply(app, peer, name, json!({}));
    for key in ["id", "attributedTo", "inReplyTo", "to", "cc"] {
        object[key] = plain[key].clone();
    }
    let map = object.as_object_mut().unwrap();
    for key in ["actor", "replies", "@context"] {
        map.remove(key);
    }
    object
}

#[tokio::test]
async fn the_language_is_the_sites_when_offered_else_the_authors() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let both = json!({"content": "<p>Guten Tag</p>",
        "contentMap": {"de": "<p>Guten Tag</p>", "en": "<p>Good day</p>"}});
    let row = stored(&app, &peer, &reply(&app, &peer, "both", both.clone())).await;
    assert!(
        row.content_html.contains("Good day"),
        "{}",
        row.content_html
    );
    assert_eq!(row.language.as_deref(), Some("en"));
    let french = json!({"content": null, "contentMap": {"fr": "<p>Bonjour</p>"}});
    let row = stored(&app, &peer, &reply(&app, &peer, "fr", french)).await;
    assert!(row.content_html.contains("Bonjour"));
    assert_eq!(row.language.as_deref(), Some("fr"));
    let plain = json!({"content": "<p>Hola</p>", "contentMap": {"es": "<p>Hola</p>"}});
    let row = stored(&app, &peer, &reply(&app, &peer, "es", plain)).await;
    assert_eq!(row.language.as_deref(), Some("es"));

    let german = spawn_app_with(|s| s.publication.language = "de".into()).await;
    let row = stored(&german, &peer, &reply(&german, &peer, "both", both)).await;
    assert!(row.content_html.contains("Guten Tag"));
    assert_eq!(row.language.as_deref(), Some("de"));
}
