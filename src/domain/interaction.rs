//! Likes and boosts of our stories and of the replies we hold, and reports for moderators.

use sea_orm::ConnectionTrait;

use crate::{
    error::AppError,
    storage::{interactions, replies, reports, stories},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Like,
    Boost,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Like => "like",
            Kind::Boost => "announce",
        }
    }
}

/// What a like or boost counted (or took back) changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Nothing: the object is not ours, the actor already did it, or there is nothing to undo.
    Nothing,
    /// A story's own count.
    Story,
    /// The count of a reply, shown in the conversation of the story `story_id`.
    Reply { story_id: i64 },
}

/// Counts a like or boost of `object` (a story or reply of ours), unless the object is not ours
/// or the actor already did it.
pub async fn add(
    db: &impl ConnectionTrait,
    kind: Kind,
    activity_id: &str,
    actor_id: i64,
    object: &str,
) -> Result<Counted, AppError> {
    if !is_ours(db, object).await? {
        return Ok(Counted::Nothing);
    }
    if !interactions::insert(db, activity_id, kind.as_str(), actor_id, object).await? {
        return Ok(Counted::Nothing);
    }
    bump(db, kind, object, 1).await
}

/// Takes back a like or boost, found by its activity id or by who did it to what.
pub async fn undo(
    db: &impl ConnectionTrait,
    kind: Kind,
    activity_id: &str,
    actor_id: i64,
    object: Option<&str>,
) -> Result<Counted, AppError> {
    let found = match interactions::find(db, activity_id).await? {
        Some(found) => Some(found),
        None => match object {
            Some(object) => interactions::find_same(db, kind.as_str(), actor_id, object).await?,
            None => None,
        },
    };
    let Some(found) = found.filter(|f| f.actor_id == actor_id && f.kind == kind.as_str()) else {
        return Ok(Counted::Nothing);
    };
    interactions::delete(db, found.id).await?;
    bump(db, kind, &found.object_ap_id, -1).await
}

async fn is_ours(db: &impl ConnectionTrait, object: &str) -> Result<bool, AppError> {
    Ok(stories::find_by_ap_id(db, object)
        .await?
        .is_some_and(|s| s.deleted_at.is_none())
        || replies::find_by_ap_id(db, object).await?.is_some())
}

async fn bump(
    db: &impl ConnectionTrait,
    kind: Kind,
    object: &str,
    delta: i32,
) -> Result<Counted, AppError> {
    let on_story = match kind {
        Kind::Like => stories::add_likes(db, object, delta).await?,
        Kind::Boost => stories::add_boosts(db, object, delta).await?,
    };
    if on_story {
        return Ok(Counted::Story);
    }
    let on_reply = match kind {
        Kind::Like => replies::add_likes(db, object, delta).await?,
        Kind::Boost => replies::add_boosts(db, object, delta).await?,
    };
    Ok(match replies::find_by_ap_id(db, object).await? {
        Some(reply) if on_reply => Counted::Reply {
            story_id: reply.story_id,
        },
        // Gone between the check and the count: nothing shown changes.
        _ => Counted::Story,
    })
}

/// Files a report from a `Flag` (and its alert, in the caller's transaction). Returns false
/// for a repeated one. Only http(s) objects are
/// kept, as moderators open them; a report naming none is refused.
pub async fn report(
    db: &impl ConnectionTrait,
    ap_id: &str,
    actor_id: i64,
    content: &str,
    objects: &[&str],
    per_day: u64,
) -> Result<bool, AppError> {
    // One account cannot bury the desk's reports page.
    let since = chrono::Utc::now() - chrono::Duration::days(1);
    if reports::count_sent_since(db, actor_id, since).await? >= per_day {
        // The next one is let in when the oldest of the day's reports is a day old.
        let first = reports::first_sent_since(db, actor_id, since).await?;
        let opens = first.map_or(chrono::Duration::zero(), |at| at - since);
        return Err(AppError::too_many(
            "too many reports from this account today",
            opens.to_std().unwrap_or_default(),
        ));
    }
    let objects: Vec<String> = objects
        .iter()
        .filter_map(|o| crate::domain::links::web(o))
        .map(String::from)
        .collect();
    if objects.is_empty() {
        return Err(AppError::Unprocessable(
            "a report must name at least one http(s) URL".into(),
        ));
    }
    let listed = serde_json::to_string(&objects).map_err(anyhow::Error::from)?;
    if !reports::insert(db, ap_id, actor_id, content, &listed).await? {
        return Ok(false);
    }
    // Desks that asked to hear of reports hear of it when it commits.
    if let Some(filed) = reports::find_by_ap_id(db, ap_id).await? {
        crate::domain::alerts::events::report(db, filed.id, actor_id, content, &objects).await?;
    }
    Ok(true)
}
