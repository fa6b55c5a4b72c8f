//! The activities we send, as JSON ready to sign. Ids are on our host and unique per activity.

use serde_json::{Value, json};
use url::Url;

use crate::{
    domain::story::Story,
    federation::{
        objects::story::{Site, to_announce, to_article, to_tombstone},
        protocol::{PUBLIC, context},
    },
};

fn with_fragment(url: &Url, fragment: &str) -> Url {
    let mut id = url.clone();
    id.set_fragment(Some(fragment));
    id
}

fn with_context(mut activity: Value) -> Value {
    if let Some(map) = activity.as_object_mut() {
        map.insert("@context".into(), context::object());
    }
    activity
}

/// The publication's `Create` of a new story.
pub fn create(story: &Story, site: &Site<'_>) -> Value {
    with_context(crate::federation::objects::story::to_create(story, site))
}

/// An edit: the whole `Article` again, with its newer `updated`.
pub fn update(story: &Story, site: &Site<'_>, cc: Vec<Url>) -> Value {
    let publication = site.urls.actor(&site.settings.publication.handle);
    with_context(json!({
        "id": with_fragment(&story.ap_id, &format!("update-{}", story.updated_at.timestamp_millis())),
        "type": "Update",
        "actor": publication,
        "published": story.updated_at,
        "to": [PUBLIC],
        "cc": cc,
        "object": to_article(story, site, false),
    }))
}

/// A deletion, carrying the `Tombstone` so servers need not fetch anything.
pub fn delete(story: &Story, site: &Site<'_>, cc: Vec<Url>) -> Value {
    let publication = site.urls.actor(&site.settings.publication.handle);
    let mut tombstone = serde_json::to_value(to_tombstone(story)).unwrap_or(Value::Null);
    if let Some(map) = tombstone.as_object_mut() {
        map.remove("@context");
    }
    with_context(json!({
        "id": with_fragment(&story.ap_id, "delete"),
        "type": "Delete",
        "actor": publication,
        "to": [PUBLIC],
        "cc": cc,
        "object": tombstone,
    }))
}

/// An author's boost of their story, to their own followers.
pub fn announce(story: &Story, author_username: &str, site: &Site<'_>) -> Value {
    with_context(to_announce(story, author_username, site))
}

/// `Accept` of a `Follow`, which travels embedded so the follower's server can match it.
pub fn accept(actor: &Url, follow: &Value) -> Value {
    answer("Accept", actor, follow)
}

/// `Reject` of a `Follow`: how a follower is removed from our side.
pub fn reject(actor: &Url, follow: &Value) -> Value {
    answer("Reject", actor, follow)
}

fn answer(kind: &str, actor: &Url, follow: &Value) -> Value {
    let id = with_fragment(
        actor,
        &format!(
            "{}-{}",
            kind.to_ascii_lowercase(),
            uuid::Uuid::new_v4().simple()
        ),
    );
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": kind,
        "actor": actor,
        "object": follow,
    })
}

/// The minimal form of a Follow to embed: what Mastodon matches on.
pub fn follow_stub(id: &str, follower: &Url, followed: &Url) -> Value {
    json!({ "id": id, "type": "Follow", "actor": follower, "object": followed })
}
