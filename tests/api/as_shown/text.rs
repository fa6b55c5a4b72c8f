//! Replies' text as posted: tags linked in text only, hostile rows kept harmless, the language,
//! and what events, documents and polls carry.

use broadsheet::domain::reply::presentation::{
    Details, ObjectKind, PollOption, Presentation, TagKind,
};

use super::{Posted, attrs, nothing_loads_from_elsewhere, posted, tag, texts};
use crate::{
    helpers::{html, spawn_app},
    peer::Peer,
};

/// Mastodon's markup for a mention, a plain-text mention and hashtag, an emoji, and a link
/// whose address holds an emoji's shortcode and a tagged name.
const TAGGED: &str = concat!(
    r#"<p><span class="h-card"><a href="https://b.example/@bob" class="u-url mention" rel="nofollow noopener ugc">@<span>bob</span></a></span> "#,
    r#"and @carol@c.example on #Budget :blob: "#,
    r#"<a href="https://x.example/:blob:/@carol@c.example" rel="nofollow noopener ugc">a link</a></p>"#,
);

fn tags() -> Presentation {
    let account = |name, href| tag(TagKind::Mention, name, Some(href), None);
    Presentation {
        tags: vec![
            account("@bob@b.example", "https://b.example/users/bob"),
            account("@carol@c.example", "https://c.example/users/carol"),
            tag(
                TagKind::Hashtag,
                "#budget",
                Some("https://b.example/tags/budget"),
                None,
            ),
            tag(
                TagKind::Emoji,
                ":blob:",
                None,
                Some("https://b.example/emoji/blob.png"),
            ),
        ],
        ..Default::default()
    }
}

#[tokio::test]
async fn mentions_hashtags_and_emoji_are_linked_in_the_text_only() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let content = TAGGED;
    let presentation = tags();
    let how = Posted {
        content: Some(content),
        ..Default::default()
    };
    let id = posted(&app, &peer, "tagged", presentation, how).await;

    let page = html(&app.story_page().await);
    let text = format!("#reply-{id} .e-content");
    assert_eq!(
        attrs(&page, &format!("{text} a.mention"), "href"),
        ["https://b.example/@bob", "https://c.example/users/carol"]
    );
    assert_eq!(
        texts(&page, &format!("{text} a.mention")),
        ["@bob", "@carol@c.example"]
    );
    assert_eq!(
        attrs(&page, &format!("{text} a.hashtag"), "href"),
        ["https://b.example/tags/budget"]
    );
    let emoji = format!("{text} img.emoji");
    assert_eq!(attrs(&page, &emoji, "alt"), [":blob:"]);
    assert!(attrs(&page, &emoji, "src")[0].starts_with("/media/"));
    // Inside an attribute, nothing is replaced.
    assert!(
        attrs(&page, &format!("{text} a"), "href")
            .contains(&"https://x.example/:blob:/@carol@c.example".to_string())
    );
    nothing_loads_from_elsewhere(&page);
}

#[tokio::test]
async fn hostile_rows_and_tags_stay_harmless() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    // Written by an older version, or by anything but the cleaner.
    let content = r#"<p onclick="x()">:blob: #evil <img src="https://t.example/p.gif" onerror="alert(1)"><a href="javascript:alert(2)">js</a><script>alert(3)</script></p>"#;
    let presentation = Presentation {
        language: Some(r#"en" onmouseover="x"#.into()),
        tags: vec![
            tag(TagKind::Hashtag, "#evil", Some("javascript:alert(4)"), None),
            tag(
                TagKind::Emoji,
                ":blob:",
                None,
                Some("https://b.example/e.png"),
            ),
        ],
        ..Default::default()
    };
    let how = Posted {
        content: Some(content),
        ..Default::default()
    };
    let id = posted(&app, &peer, "hostile", presentation, how).await;

    let body = app.story_page().await;
    let page = html(&body);
    let reply = format!("#reply-{id}");
    assert!(attrs(&page, &format!("{reply} [lang]"), "lang").is_empty());
    let handlers = format!("{reply} [onclick], {reply} [onerror], {reply} script");
    assert!(texts(&page, &handlers).is_empty());
    assert_eq!(
        attrs(&page, &format!("{reply} .e-content img"), "class"),
        ["emoji"]
    );
    let links = attrs(&page, &format!("{reply} .e-content a"), "href");
    assert!(links.is_empty(), "{links:?}");
    assert!(
        !body.contains("javascript:") && !body.contains("alert("),
        "{body}"
    );
    nothing_loads_from_elsewhere(&page);
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

fn kind(kind: ObjectKind, details: Details) -> Presentation {
    Presentation {
        kind,
        details,
        ..Default::default()
    }
}

fn event() -> Presentation {
    kind(
        ObjectKind::Event,
        Details::Event {
            name: Some("Budget hearing".into()),
            starts_at: Some(at("2030-05-01T18:00:00Z")),
            ends_at: Some(at("2030-05-01T20:00:00Z")),
            location: Some("Town hall".into()),
        },
    )
}

fn question() -> Presentation {
    let option = |name: &str, votes| PollOption {
        name: name.into(),
        votes,
    };
    kind(
        ObjectKind::Question,
        Details::Question {
            options: vec![option("Yes", 7), option("No", 3)],
            multiple: false,
            closes_at: Some(at("2020-01-01T00:00:00Z")),
        },
    )
}

#[tokio::test]
async fn languages_events_and_documents_are_shown() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let german = Presentation {
        language: Some("de".into()),
        ..Default::default()
    };
    let de = posted(&app, &peer, "de", german, Posted::default()).await;
    let event = posted(&app, &peer, "event", event(), Posted::default()).await;
    let name = Some("Budget 2027.pdf".into());
    let document = kind(ObjectKind::Document, Details::Document { name });
    let document = posted(&app, &peer, "document", document, Posted::default()).await;

    let page = html(&app.story_page().await);
    let lang = attrs(&page, &format!("#reply-{de} .reply-content"), "lang");
    assert_eq!(lang, ["de"]);
    let card = format!("#reply-{event} .event");
    assert_eq!(
        attrs(&page, &format!("{card} .when time"), "datetime"),
        ["2030-05-01T18:00:00Z", "2030-05-01T20:00:00Z"]
    );
    assert_eq!(texts(&page, &format!("{card} .name")), ["Budget hearing"]);
    assert_eq!(texts(&page, &format!("{card} .where")), ["Town hall"]);
    let link = format!("#reply-{document} p.document a");
    assert_eq!(texts(&page, &link), ["Budget 2027.pdf"]);
    let original = format!("{}/notes/document", peer.base);
    assert_eq!(attrs(&page, &link, "href"), [original]);
}

#[tokio::test]
async fn a_poll_shows_its_options_and_counts() {
    let app = spawn_app().await;
    let peer = Peer::start().await;
    let poll = posted(&app, &peer, "poll", question(), Posted::default()).await;

    let page = html(&app.story_page().await);
    let poll = format!("#reply-{poll} .poll");
    assert_eq!(texts(&page, &format!("{poll} li .option")), ["Yes", "No"]);
    let votes = texts(&page, &format!("{poll} li .votes"));
    assert_eq!(votes, ["7 votes", "3 votes"]);
    assert_eq!(attrs(&page, &format!("{poll} meter"), "value"), ["7", "3"]);
    assert_eq!(texts(&page, &format!("{poll} .closed")), ["closed"]);
}
