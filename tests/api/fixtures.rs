//! Real payloads from real servers (`../shared/fixtures/fediverse`, or `BROADSHEET_FIXTURES`):
//! each parses into the project's types or is rejected for a stated reason, and every reply
//! among them threads under a story once its parent is ours.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use broadsheet::{
    domain::{
        remote::{self, RemoteActorData},
        reply::{self, Parent},
    },
    federation::{
        ancestors,
        protocol::{
            actor::RemoteActor,
            inbound::{InboundActivity, InboundObject},
        },
    },
    storage,
};
use serde_json::Value;

use crate::helpers::spawn_app;

const ACTOR_TYPES: &[&str] = &["Person", "Service", "Group", "Application", "Organization"];
const OBJECT_TYPES: &[&str] = &[
    "Note",
    "Article",
    "Page",
    "Question",
    "Video",
    "Event",
    "ChatMessage",
    "Tombstone",
    "Image",
    "Audio",
];
const COLLECTION_TYPES: &[&str] = &[
    "Collection",
    "OrderedCollection",
    "CollectionPage",
    "OrderedCollectionPage",
];

fn fixtures_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BROADSHEET_FIXTURES") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "BROADSHEET_FIXTURES is set but {} is not a folder",
            dir.display()
        );
        return Some(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/fediverse");
    if beside.is_dir() {
        Some(beside)
    } else {
        eprintln!(
            "skipped: no fixtures at {} (set BROADSHEET_FIXTURES)",
            beside.display()
        );
        None
    }
}

/// One captured payload by its path under the fixtures folder; `None` (the test skips) when the
/// fixtures are not there.
pub fn fixture(path: &str) -> Option<Value> {
    let text = std::fs::read_to_string(fixtures_dir()?.join(path)).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// How the project reads a payload: `Ok(what it became)` or `Err(why it is refused)`.
fn classify(value: &Value) -> Result<String, String> {
    if value.get("subject").is_some() && value.get("links").is_some() {
        return Ok("webfinger document".into());
    }
    if value.get("software").is_some()
        || value
            .get("links")
            .is_some_and(|l| l.to_string().contains("nodeinfo"))
    {
        return Ok("nodeinfo document".into());
    }
    let Some(kind) = value["type"].as_str() else {
        return Err("no single `type`: not an ActivityStreams object we use".into());
    };
    if ACTOR_TYPES.contains(&kind) {
        return match serde_json::from_value::<RemoteActor>(value.clone()) {
            Ok(_) => Ok(format!("actor {kind}")),
            Err(e) => Err(format!(
                "actor without what we need to verify and reach it: {e}"
            )),
        };
    }
    if COLLECTION_TYPES.contains(&kind) {
        return Ok("collection".into());
    }
    // Type first: Pleroma puts an `actor` on its Notes.
    if value.get("actor").is_some() && !OBJECT_TYPES.contains(&kind) {
        let activity = InboundActivity::parse(value).map_err(|e| format!("activity: {e}"))?;
        if matches!(kind, "Create" | "Update") && activity.object.is_object() {
            let object =
                InboundObject::parse(&activity.object).map_err(|e| format!("object: {e}"))?;
            return Ok(format!("{kind} of {}", object.kind));
        }
        return Ok(format!("activity {kind}"));
    }
    if value.get("attributedTo").is_some() {
        let object = InboundObject::parse(value).map_err(|e| format!("object: {e}"))?;
        return Ok(format!("object {}", object.kind));
    }
    Err(format!(
        "`{kind}` without actor or author: nothing we act on"
    ))
}

/// The reply inside a payload: a Note-like object with `inReplyTo`, bare or in a Create.
fn reply_of(value: &Value) -> Option<InboundObject> {
    let object = match value["type"].as_str()? {
        "Create" => &value["object"],
        _ => value,
    };
    InboundObject::parse(object)
        .ok()
        .filter(|o| o.is_reply_type() && o.in_reply_to.is_some())
}

#[tokio::test]
async fn every_fixture_parses_or_is_refused_for_a_stated_reason_and_replies_thread() {
    let Some(dir) = fixtures_dir() else { return };
    let files = json_files(&dir);
    assert!(
        files.len() > 100,
        "expected the fixture set, found {} files",
        files.len()
    );

    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut replies = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let outcome = match classify(&value) {
            Ok(what) => what,
            Err(reason) => format!("refused: {reason}"),
        };
        // Refusals are expected only where a payload truly lacks what we need; a refusal of an
        // actor with a key, or of a Create, would be a parsing bug.
        if outcome.starts_with("refused") {
            let kind = value["type"].as_str().unwrap_or_default();
            assert!(
                !(ACTOR_TYPES.contains(&kind)
                    && value.get("publicKey").is_some()
                    && value.get("inbox").is_some()),
                "{}: {outcome}",
                path.display()
            );
            assert_ne!(kind, "Create", "{}: {outcome}", path.display());
        }
        let key = if outcome.starts_with("refused") {
            outcome.clone()
        } else {
            outcome.split(':').next().unwrap_or_default().to_string()
        };
        *outcomes.entry(key).or_default() += 1;
        if let Some(reply) = reply_of(&value) {
            replies.push((path.clone(), reply));
        }
    }
    eprintln!("{} fixtures: {outcomes:#?}", files.len());
    assert!(
        replies.len() >= 10,
        "expected replies among the fixtures, found {}",
        replies.len()
    );

    // Every reply threads under our story once its parent is a reply we hold.
    let app = spawn_app().await;
    let db = storage::connect(&app.database_url, 2).await.unwrap();
    let story = storage::stories::find_by_slug(&db, "welcome")
        .await
        .unwrap()
        .unwrap();
    for (path, object) in &replies {
        let author = remote::upsert(&db, &app.domain, actor_data(&object.attributed_to))
            .await
            .unwrap();
        let parent_url = object.in_reply_to.clone().unwrap();
        let held = match reply::find(&db, parent_url.as_str()).await.unwrap() {
            Some(held) => held,
            None => {
                let stand_in = reply::ReplyDraft::new(
                    parent_url.clone(),
                    story.ap_id.parse().unwrap(),
                    "<p>parent</p>",
                    None,
                    None,
                    false,
                    None,
                    None,
                )
                .unwrap();
                reply::store(
                    &db,
                    &stand_in,
                    author.id,
                    &Parent::Story(story.clone()),
                    false,
                    "visible",
                )
                .await
                .unwrap()
            }
        };
        let draft =
            ancestors::draft_of(object, "en").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let parent = reply::find_parent(&db, parent_url.as_str())
            .await
            .unwrap()
            .unwrap();
        let stored = reply::store(&db, &draft, author.id, &parent, false, "visible")
            .await
            .unwrap();
        assert_eq!(stored.parent_id, Some(held.id), "{}", path.display());
        assert_eq!(stored.story_id, story.id);
        assert!(
            !stored.content_html.contains("<script"),
            "{}",
            path.display()
        );
    }
    let thread = reply::thread::load(&db, story.id).await.unwrap();
    let shown: usize = thread.iter().map(|r| r.children.len()).sum();
    assert!(
        shown >= replies.len().min(1),
        "replies appear under their parents"
    );
    let page = app.get_html("/stories/welcome").await.text().await.unwrap();
    assert!(page.matches("class=\"reply\"").count() >= replies.len());
}

fn actor_data(id: &url::Url) -> RemoteActorData {
    let key = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
    RemoteActorData {
        ap_id: id.clone(),
        kind: "Person".into(),
        username: id
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("someone")
            .to_string(),
        name: "Fixture author".into(),
        summary: String::new(),
        inbox: id.join("inbox").unwrap(),
        shared_inbox: None,
        url: None,
        icon_url: None,
        public_key_id: format!("{id}#main-key"),
        public_key_pem: key.public_key,
    }
}
