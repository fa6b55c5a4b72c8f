//! Recording what happened, for the webhooks subscribed to it. Each function is called in the
//! transaction of the change it reports, so an event is queued exactly when the change commits.
//! An event is stored once per subject (a re-delivered reply is not announced again), and only
//! when some webhook wants it.
//!
//! The stored facts name our own pages by path (`admin_path`); the sender makes them absolute
//! with the public URL, so the body is the same on every attempt.

use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use super::{Event, list};
use crate::{
    domain::reply::sanitize::plain_text,
    error::AppError,
    storage::{
        actors,
        entities::{actor, quote, reply, story},
        replies::VISIBLE,
        stories, webhook_deliveries, webhook_events,
    },
};

/// How much of a reply, report or quote the body carries.
const EXCERPT_CHARS: usize = 280;

/// A reply was stored or approved: `reply.published` when it shows, `reply.held` when it
/// waits. A hidden one is nobody's alert.
pub async fn reply(db: &impl ConnectionTrait, reply: &reply::Model) -> Result<(), AppError> {
    replies(db, std::slice::from_ref(reply)).await
}

/// [`reply`] for several replies stored together, reading the subscriptions once.
pub async fn replies(db: &impl ConnectionTrait, stored: &[reply::Model]) -> Result<(), AppError> {
    let remote = |r: &&reply::Model| !r.local && reply_event(r).is_some();
    if !stored.iter().any(|r| remote(&r)) {
        return Ok(());
    }
    let webhooks = list(db).await?;
    for reply in stored.iter().filter(remote) {
        let Some(event) = reply_event(reply) else {
            continue;
        };
        let subscribers: Vec<i64> = webhooks
            .iter()
            .filter(|w| w.wants(event))
            .map(|w| w.id)
            .collect();
        if !subscribers.is_empty() {
            record_reply(db, reply, event, &subscribers).await?;
        }
    }
    Ok(())
}

fn reply_event(reply: &reply::Model) -> Option<Event> {
    match reply.state.as_str() {
        VISIBLE => Some(Event::ReplyPublished),
        crate::domain::moderation::HELD => Some(Event::ReplyHeld),
        _ => None,
    }
}

async fn record_reply(
    db: &impl ConnectionTrait,
    reply: &reply::Model,
    event: Event,
    subscribers: &[i64],
) -> Result<(), AppError> {
    let story = stories::find_by_id(db, reply.story_id).await?;
    let author = actors::find_by_id(db, reply.author_id).await?;
    let admin_path = match (&story, event) {
        (Some(s), Event::ReplyPublished) => format!("/admin/stories/{}/thread", s.slug),
        _ => "/admin/moderation".to_string(),
    };
    let facts = json!({
        "reply": { "id": reply.id, "ap_id": reply.ap_id, "url": reply.url, "state": reply.state },
        "story": story_facts(story.as_ref()),
        "author": author_facts(author.as_ref()),
        "excerpt": excerpt(&plain_text(&reply.content_html)),
        "admin_path": admin_path,
    });
    record(db, event, reply.id, facts, subscribers).await
}

/// A report was filed by `reporter` about `objects`.
pub async fn report(
    db: &impl ConnectionTrait,
    report_id: i64,
    reporter: i64,
    content: &str,
    objects: &[String],
) -> Result<(), AppError> {
    let subscribers = subscribers(db, Event::ReportCreated).await?;
    if subscribers.is_empty() {
        return Ok(());
    }
    let author = actors::find_by_id(db, reporter).await?;
    let story = reported_story(db, objects).await?;
    let facts = json!({
        "report": { "id": report_id, "objects": objects },
        "story": story_facts(story.as_ref()),
        "author": author_facts(author.as_ref()),
        "excerpt": excerpt(content),
        "admin_path": "/admin/reports",
    });
    record(db, Event::ReportCreated, report_id, facts, &subscribers).await
}

/// A quote of a story was asked for (answered at once or held), or waits for an editor.
pub async fn quote(db: &impl ConnectionTrait, quote: &quote::Model) -> Result<(), AppError> {
    let subscribers = subscribers(db, Event::QuoteRequested).await?;
    if subscribers.is_empty() {
        return Ok(());
    }
    let story = stories::find_by_id(db, quote.story_id).await?;
    let author = actors::find_by_id(db, quote.author_id).await?;
    let facts = json!({
        "quote": { "id": quote.id, "ap_id": quote.ap_id, "url": quote.url, "state": quote.state },
        "story": story_facts(story.as_ref()),
        "author": author_facts(author.as_ref()),
        "excerpt": excerpt(&plain_text(&quote.content_html)),
        "admin_path": "/admin/quotes",
    });
    record(db, Event::QuoteRequested, quote.id, facts, &subscribers).await
}

/// The webhooks that want `event` (none: nothing is recorded).
async fn subscribers(db: &impl ConnectionTrait, event: Event) -> Result<Vec<i64>, AppError> {
    Ok(list(db)
        .await?
        .into_iter()
        .filter(|w| w.wants(event))
        .map(|w| w.id)
        .collect())
}

/// Stores the event and queues it for `subscribers`.
async fn record(
    db: &impl ConnectionTrait,
    event: Event,
    subject_id: i64,
    mut facts: Value,
    subscribers: &[i64],
) -> Result<(), AppError> {
    facts["event"] = json!(event.as_str());
    facts["time"] = json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let Some(event_id) =
        webhook_events::insert_new(db, event.as_str(), subject_id, &facts.to_string()).await?
    else {
        return Ok(());
    };
    webhook_deliveries::enqueue(db, event_id, subscribers).await?;
    Ok(())
}

fn story_facts(story: Option<&story::Model>) -> Value {
    match story {
        Some(s) => json!({ "slug": s.slug, "title": s.title, "url": s.ap_id }),
        None => Value::Null,
    }
}

fn author_facts(author: Option<&actor::Model>) -> Value {
    match author {
        Some(a) => json!({
            "handle": format!("@{}@{}", a.username, a.domain),
            "url": a.url.as_deref().unwrap_or(&a.ap_id),
        }),
        None => Value::Null,
    }
}

/// The story a report is about, when it names one of ours or a reply under one.
async fn reported_story(
    db: &impl ConnectionTrait,
    objects: &[String],
) -> Result<Option<story::Model>, AppError> {
    for object in objects {
        if let Some(found) = stories::find_by_ap_id(db, object).await? {
            return Ok(Some(found));
        }
        if let Some(reply) = crate::storage::replies::find_by_ap_id(db, object).await? {
            return Ok(stories::find_by_id(db, reply.story_id).await?);
        }
    }
    Ok(None)
}

/// The first [`EXCERPT_CHARS`] characters, on a character boundary, marked when cut.
fn excerpt(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
