//! Answers to quote requests (FEP-044f) and the withdrawal of stamps, queued in the same
//! transaction as the change that causes them. The publication speaks: it wrote the stories.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use url::Url;

use super::enqueue;
use crate::{
    domain::{
        actor::{self, LocalActor},
        follow::{self, Target},
        ids::{Urls, host_with_port},
        moderation::log::{self, Entry},
        quote,
        remote::{self, RemoteActor},
    },
    error::AppError,
    federation::protocol::context,
    storage::{self, entities::quote as quote_entity, stories},
};

/// The `QuoteRequest` as answers embed it: what the quoting server matches on.
pub fn request_stub(id: &str, quoter: &Url, story: &str, instrument: &str) -> Value {
    json!({ "id": id, "type": "QuoteRequest", "actor": quoter, "object": story, "instrument": instrument })
}

fn answer(kind: &str, publication: &LocalActor, quoter: &RemoteActor, request: Value) -> Value {
    let mut id = publication.ap_id.clone();
    let tag = uuid::Uuid::new_v4().simple();
    id.set_fragment(Some(&format!("{}-{tag}", kind.to_ascii_lowercase())));
    json!({
        "@context": context::quote(),
        "id": id, "type": kind, "actor": publication.ap_id,
        "to": [quoter.ap_id], "object": request,
    })
}

fn personal_inbox(quoter: &RemoteActor) -> Target {
    Target {
        host: host_with_port(&quoter.inbox),
        inbox: quoter.inbox.clone(),
    }
}

/// `Accept` of the request, whose `result` is the stamp.
pub async fn send_accept(
    db: &impl ConnectionTrait,
    urls: &Urls,
    quoter: &RemoteActor,
    quote: &quote_entity::Model,
    request: Value,
) -> Result<(), AppError> {
    let publication = actor::publication(db).await?;
    let mut accept = answer("Accept", &publication, quoter, request);
    accept["result"] = json!(urls.quote_stamp(quote.id));
    enqueue(db, publication.id, &accept, &[personal_inbox(quoter)]).await
}

/// `Reject` of the request: the policy or a block says no.
pub async fn send_reject(
    db: &impl ConnectionTrait,
    quoter: &RemoteActor,
    request: Value,
) -> Result<(), AppError> {
    let publication = actor::publication(db).await?;
    let reject = answer("Reject", &publication, quoter, request);
    enqueue(db, publication.id, &reject, &[personal_inbox(quoter)]).await
}

/// `Delete` of a withdrawn stamp, to the quoter and the publication's followers (whose servers
/// may show the quote).
async fn send_revocation(
    db: &impl ConnectionTrait,
    urls: &Urls,
    quoter: &RemoteActor,
    quote: &quote_entity::Model,
) -> Result<(), AppError> {
    let publication = actor::publication(db).await?;
    let stamp = urls.quote_stamp(quote.id);
    let mut id = stamp.clone();
    id.set_fragment(Some("delete"));
    let delete = json!({
        "@context": context::quote(),
        "id": id, "type": "Delete", "actor": publication.ap_id,
        "to": [quoter.ap_id], "object": stamp,
    });
    let mut targets = follow::targets(db, &[publication.id]).await?;
    let own = personal_inbox(quoter);
    if !targets.iter().any(|t| t.host == own.host) {
        targets.push(own);
    }
    enqueue(db, publication.id, &delete, &targets).await
}

async fn quoter_of(
    db: &impl ConnectionTrait,
    quote: &quote_entity::Model,
) -> Result<RemoteActor, AppError> {
    remote::find_by_id(db, quote.author_id)
        .await?
        .ok_or(AppError::NotFound("quote's author"))
}

/// An editor approves a held quote: it shows and, when it was requested, the stamp is issued.
pub async fn approve(
    db: &DatabaseConnection,
    urls: &Urls,
    id: i64,
    logged: &Entry<'_>,
) -> Result<(), AppError> {
    let held = quote::find_by_id(db, id).await?;
    let quoter = quoter_of(db, &held).await?;
    let story = stories::find_by_id(db, held.story_id)
        .await?
        .ok_or(AppError::NotFound("story"))?;
    let txn = storage::begin_write(db).await?;
    quote::approve(&txn, &held).await?;
    let logged = logged.clone().story(held.story_id);
    log::record(&txn, &logged.account(quoter.ap_id.as_str())).await?;
    if let Some(request_id) = held.request_ap_id.as_deref()
        && !quote::stamp_stands(&held)
    {
        quote::authorize(&txn, &held, None).await?;
        let stub = request_stub(request_id, &quoter.ap_id, &story.ap_id, &held.ap_id);
        send_accept(&txn, urls, &quoter, &held, stub).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An editor hides a quote: it leaves the page and a standing stamp is withdrawn, everywhere.
pub async fn hide(
    db: &DatabaseConnection,
    urls: &Urls,
    id: i64,
    logged: &Entry<'_>,
) -> Result<(), AppError> {
    let shown = quote::find_by_id(db, id).await?;
    let quoter = quoter_of(db, &shown).await?;
    let txn = storage::begin_write(db).await?;
    let logged = logged.clone().story(shown.story_id);
    log::record(&txn, &logged.account(quoter.ap_id.as_str())).await?;
    if quote::hide(&txn, &shown).await? {
        send_revocation(&txn, urls, &quoter, &shown).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A block of the quoter withdraws every stamp they hold.
pub async fn revoke_all_of(
    db: &DatabaseConnection,
    urls: &Urls,
    quoter: &RemoteActor,
) -> Result<usize, AppError> {
    let txn = storage::begin_write(db).await?;
    let held = storage::quotes::authorized_by(&txn, quoter.id).await?;
    for one in &held {
        quote::hide(&txn, one).await?;
        send_revocation(&txn, urls, quoter, one).await?;
    }
    txn.commit().await?;
    Ok(held.len())
}
