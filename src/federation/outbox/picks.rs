//! Editor picks on the wire: featuring a reply makes the publication boost it (`Announce` of
//! the reply's id) to its followers and the reply's author; unfeaturing sends `Undo` of that
//! same `Announce`. Queued in the same transaction as the change.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

use super::enqueue;
use crate::{
    domain::{
        actor::{self, LocalActor},
        follow::{self, Target},
        ids::{Urls, host_with_port},
        moderation::log::{self, Entry},
        remote,
        reply::{self, featured},
    },
    error::AppError,
    federation::protocol::{PUBLIC, context},
    storage::{self, entities::reply as reply_entity},
};

/// The boost of `pick` featured at `at`. Its id names the reply and the moment, so the `Undo`
/// rebuilt from the stored row names the same activity, and a later feature is a new one.
fn announce(
    publication: &LocalActor,
    urls: &Urls,
    pick: &reply_entity::Model,
    at: DateTime<Utc>,
    author: Option<&url::Url>,
) -> Value {
    let mut id = publication.ap_id.clone();
    id.set_fragment(Some(&format!(
        "feature-{}-{}",
        pick.id,
        at.timestamp_millis()
    )));
    let mut cc = vec![json!(urls.followers(&publication.username))];
    cc.extend(author.map(|a| json!(a)));
    json!({
        "id": id,
        "type": "Announce",
        "actor": publication.ap_id,
        "published": at,
        "to": [PUBLIC],
        "cc": cc,
        "object": pick.ap_id,
    })
}

/// The publication's followers' inboxes, and the reply's author's when it is remote (so their
/// server tells them), each server once.
async fn targets(
    db: &impl ConnectionTrait,
    publication: &LocalActor,
    pick: &reply_entity::Model,
) -> Result<(Vec<Target>, Option<url::Url>), AppError> {
    let mut targets = follow::targets(db, &[publication.id]).await?;
    let author = remote::find_by_id(db, pick.author_id).await?;
    if let Some(author) = &author {
        let inbox = author.delivery_inbox().clone();
        let host = host_with_port(&inbox);
        if !targets.iter().any(|t| t.host == host) {
            targets.push(Target { inbox, host });
        }
    }
    Ok((targets, author.map(|a| a.ap_id)))
}

/// Features the reply `id` for `by` and boosts it; false when it already was featured.
pub async fn feature(
    db: &DatabaseConnection,
    urls: &Urls,
    id: i64,
    entry: &Entry<'_>,
) -> Result<bool, AppError> {
    let txn = storage::begin_write(db).await?;
    let pick = found(&txn, id).await?;
    if !featured::feature(&txn, &pick, &entry.editor.name).await? {
        return Ok(false);
    }
    log::record(&txn, entry).await?;
    let now = found(&txn, id).await?;
    let at = now.featured_at.unwrap_or_else(Utc::now);
    let publication = actor::publication(&txn).await?;
    let (to, author) = targets(&txn, &publication, &now).await?;
    let boost = with_context(announce(&publication, urls, &now, at, author.as_ref()));
    enqueue(&txn, publication.id, &boost, &to).await?;
    txn.commit().await?;
    Ok(true)
}

/// Unfeatures the reply `id` and withdraws the boost; false when it was not featured.
pub async fn unfeature(
    db: &DatabaseConnection,
    urls: &Urls,
    id: i64,
    entry: Option<&Entry<'_>>,
) -> Result<bool, AppError> {
    let txn = storage::begin_write(db).await?;
    let pick = found(&txn, id).await?;
    let changed = unfeature_in(&txn, urls, &pick).await?;
    if let (true, Some(entry)) = (changed, entry) {
        log::record(&txn, entry).await?;
    }
    txn.commit().await?;
    Ok(changed)
}

/// Within the caller's transaction: `pick` unfeatured, its boost undone (an editor hides or
/// deletes a featured reply).
pub async fn unfeature_in(
    db: &impl ConnectionTrait,
    urls: &Urls,
    pick: &reply_entity::Model,
) -> Result<bool, AppError> {
    let Some(at) = pick.featured_at else {
        return Ok(false);
    };
    featured::unfeature(db, pick).await?;
    let publication = actor::publication(db).await?;
    let (to, author) = targets(db, &publication, pick).await?;
    let boost = announce(&publication, urls, pick, at, author.as_ref());
    let mut id = publication.ap_id.clone();
    id.set_fragment(Some(&format!(
        "unfeature-{}-{}",
        pick.id,
        Utc::now().timestamp_millis()
    )));
    let undo = with_context(json!({
        "id": id,
        "type": "Undo",
        "actor": publication.ap_id,
        "to": boost["to"],
        "cc": boost["cc"],
        "object": boost,
    }));
    enqueue(db, publication.id, &undo, &to).await?;
    Ok(true)
}

async fn found(db: &impl ConnectionTrait, id: i64) -> Result<reply_entity::Model, AppError> {
    reply::find_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))
}

fn with_context(mut activity: Value) -> Value {
    if let Some(map) = activity.as_object_mut() {
        map.insert("@context".into(), context::object());
    }
    activity
}
