//! `Like`, `Announce`, their `Undo`, and `Flag`.

use serde_json::Value;

use super::Received;
use crate::{
    domain::{
        interaction::{self, Counted, Kind},
        remote::RemoteActor,
    },
    error::AppError,
    federation::{
        context::{Federation, Invalidation},
        protocol::{inbound::id_of, urls::web_urls},
    },
};

/// Whether `counted` was counted; a reply's count is on its story's page, which must show it.
fn received(fed: &Federation, counted: Counted) -> Option<Received> {
    match counted {
        Counted::Nothing => None,
        Counted::Story => Some(Received::Processed),
        Counted::Reply { story_id } => {
            fed.invalidate(Invalidation::Story(Some(story_id)));
            Some(Received::Processed)
        }
    }
}

fn kind_of(activity_type: &str) -> Option<Kind> {
    match activity_type {
        "Like" => Some(Kind::Like),
        "Announce" => Some(Kind::Boost),
        _ => None,
    }
}

pub async fn like_or_boost(
    fed: &Federation,
    activity: &Value,
    kind: Kind,
    signer: &RemoteActor,
) -> Result<Received, AppError> {
    let id = activity["id"].as_str().unwrap_or_default();
    let object =
        id_of(&activity["object"]).ok_or_else(|| AppError::BadRequest("no object".into()))?;
    let counted = interaction::add(&fed.db, kind, id, signer.id, object).await?;
    Ok(received(fed, counted).unwrap_or(Received::Ignored))
}

/// `Undo` of a Like or Announce, embedded or named by id.
pub async fn undo(
    fed: &Federation,
    activity: &Value,
    signer: &RemoteActor,
) -> Result<Received, AppError> {
    let undone = &activity["object"];
    let undone_id = id_of(undone).unwrap_or_default();
    let target = undone.get("object").and_then(id_of);
    let kinds: Vec<Kind> = match undone["type"].as_str().and_then(kind_of) {
        Some(kind) => vec![kind],
        None => vec![Kind::Like, Kind::Boost],
    };
    for kind in kinds {
        let counted = interaction::undo(&fed.db, kind, undone_id, signer.id, target).await?;
        if let Some(done) = received(fed, counted) {
            return Ok(done);
        }
    }
    Ok(Received::Ignored)
}

/// A report. Only its http(s) objects are kept (moderators follow them as links); one that names
/// none is refused, so nothing else reaches the reports page.
pub async fn flag(
    fed: &Federation,
    activity: &Value,
    signer: &RemoteActor,
) -> Result<Received, AppError> {
    let id = activity["id"].as_str().unwrap_or_default();
    let content = activity["content"].as_str().unwrap_or_default();
    let urls = web_urls(&activity["object"]);
    if urls.is_empty() {
        return Err(AppError::Unprocessable(
            "the Flag names no object with an http(s) URL".into(),
        ));
    }
    let objects: Vec<&str> = urls.iter().map(url::Url::as_str).collect();
    // The report and its alert commit together.
    let txn = crate::storage::begin_write(&fed.db).await?;
    interaction::report(
        &txn,
        id,
        signer.id,
        &crate::domain::reply::sanitize::plain_text(content),
        &objects,
        fed.settings.moderation.max_reports_per_actor_per_day,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(reporter = %signer.ap_id, objects = objects.len(), "report received");
    Ok(Received::Processed)
}

pub fn is_interaction(kind: &str) -> Option<Kind> {
    kind_of(kind)
}
