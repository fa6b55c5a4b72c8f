//! `/notes/{key}`: the newsroom's replies. ActivityPub clients get the `Note` (410 and a
//! `Tombstone` once deleted); browsers go to the reply in its story's thread.

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{Redirect, Response},
    routing::get,
};
use serde_json::json;

use super::negotiate::{ActivityJson, vary_accept, wants_activity_json};
use crate::{
    domain::{actor, remote, reply, story},
    error::AppError,
    federation::objects::note::{Answering, to_note},
    state::AppState,
};

pub fn router() -> Router {
    Router::new().route("/notes/{key}", get(show))
}

/// One of our notes: ActivityPub clients get the `Note`, browsers go to its thread. Kept
/// whole: the two answers share their lookups and read best side by side.
async fn show(
    data: Data<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = data.urls.note(&key);
    let ours = reply::find(&data.db, id.as_str())
        .await?
        .filter(|r| r.local)
        .ok_or(AppError::NotFound("note"))?;
    let story = story::find_by_id(&data.db, ours.story_id)
        .await?
        .ok_or(AppError::NotFound("note"))?;
    if !wants_activity_json(&headers) {
        return Ok(vary_accept(Redirect::to(&format!(
            "{}#reply-{}",
            story.ap_id, ours.id
        ))));
    }
    if ours.deleted_at.is_some() {
        let tombstone = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": ours.ap_id, "type": "Tombstone", "formerType": "Note"});
        return Ok(vary_accept((StatusCode::GONE, ActivityJson(tombstone))));
    }
    let author = actor::find_by_id(&data.db, ours.author_id)
        .await?
        .ok_or(AppError::NotFound("note"))?;
    let parent = match ours.parent_id {
        Some(pid) => reply::find_by_id(&data.db, pid).await?,
        None => None,
    };
    let reader = match &parent {
        Some(p) => remote::find_by_id(&data.db, p.author_id).await?,
        None => None,
    };
    let parent_ap_id = parent
        .as_ref()
        .map_or(story.ap_id.to_string(), |p| p.ap_id.clone());
    let quote = crate::domain::quoting::of_reply(&data.db, ours.id).await?;
    let answering = Answering {
        parent_ap_id: &parent_ap_id,
        reader: reader.as_ref(),
        story: &story,
        quote: quote.as_ref(),
    };
    Ok(vary_accept(ActivityJson(to_note(
        &ours,
        &author,
        &answering,
        &data.site(),
        true,
    ))))
}
