//! Quotes of our stories (FEP-044f): a `QuoteRequest` is answered with an `Accept` carrying
//! the stamp, or a `Reject`; the quoting post itself (a `Create` whose `quote`, `quoteUrl`,
//! `quoteUri` or `_misskey_quote` names a story of ours) is stored for the story page.

use serde_json::Value;

use super::Received;
use crate::{
    domain::{
        actor, alerts,
        ids::{Urls, host_with_port},
        moderation::{HIDDEN, VISIBLE, blocks::Blocklist},
        quote::{self, Decision, QuotingPost},
        remote::{self, RemoteActor},
        reply::ThreadChange,
        story::{self, Story},
    },
    error::AppError,
    federation::{
        context::Federation,
        outbox::{self, quotes::request_stub},
        protocol::inbound::{InboundObject, id_of},
    },
    storage::{self, quotes, received_activities, stories},
};

/// The fields quoting posts name their quoted object by, newest convention first.
const QUOTE_FIELDS: [&str; 4] = ["quote", "quoteUrl", "quoteUri", "_misskey_quote"];

fn urls(fed: &Federation) -> Urls {
    Urls::new(&fed.settings.public_url)
}

/// The story of ours that `object` quotes, if it quotes one.
pub async fn quoted_story(fed: &Federation, object: &Value) -> Result<Option<Story>, AppError> {
    let Some(target) = QUOTE_FIELDS.iter().find_map(|f| id_of(&object[*f])) else {
        return Ok(None);
    };
    story_by_ap_id(fed, target).await
}

async fn story_by_ap_id(fed: &Federation, ap_id: &str) -> Result<Option<Story>, AppError> {
    let Some(model) = stories::find_by_ap_id(&fed.db, ap_id).await? else {
        return Ok(None);
    };
    let found = story::find_by_id(&fed.db, model.id).await?;
    Ok(found.filter(|s| s.deleted_at.is_none()))
}

/// What the policy, blocks and the moderation mode say of a quote by `author`.
async fn decide(
    fed: &Federation,
    story: &Story,
    author: &RemoteActor,
    blocks: &Blocklist,
    content: &str,
) -> Result<Decision, AppError> {
    let policy = quote::policy_of(story, fed.settings.publication.quote_policy);
    let publication = actor::publication(&fed.db).await?;
    let mode = fed.settings.moderation.default_mode();
    quote::decide(
        &fed.db,
        policy,
        mode,
        blocks,
        author,
        publication.id,
        content,
    )
    .await
}

/// The quoting post a request names: embedded (Mastodon) or by id, on the requester's host.
fn instrument<'a>(activity: &'a Value, signer: &RemoteActor) -> Result<QuotingPost<'a>, AppError> {
    let embedded = &activity["instrument"];
    let ap_id = id_of(embedded)
        .ok_or_else(|| AppError::BadRequest("the QuoteRequest has no instrument".into()))?;
    let on_host = url::Url::parse(ap_id).is_ok_and(|u| host_with_port(&u) == signer.domain);
    let author = embedded.get("attributedTo").map(id_of);
    if !on_host || author.is_some_and(|a| a != Some(signer.ap_id.as_str())) {
        return Err(AppError::Unprocessable(
            "the quoting post must be the requester's own".into(),
        ));
    }
    let url = embedded["url"].as_str().filter(|u| u.starts_with("http"));
    Ok(QuotingPost {
        ap_id,
        url,
        content_html: embedded["content"].as_str().unwrap_or_default(),
        request_ap_id: activity["id"].as_str(),
    })
}

/// A `QuoteRequest` for one of our stories.
pub async fn request(
    fed: &Federation,
    activity: &Value,
    signer: &RemoteActor,
    blocks: &Blocklist,
) -> Result<Received, AppError> {
    let target = id_of(&activity["object"]).unwrap_or_default();
    let Some(story) = story_by_ap_id(fed, target).await? else {
        return Err(AppError::Unprocessable(format!(
            "{target} is not a story here"
        )));
    };
    let post = instrument(activity, signer)?;
    let stub = request_stub(
        post.request_ap_id.unwrap_or_default(),
        &signer.ap_id,
        story.ap_id.as_str(),
        post.ap_id,
    );
    if let Some(existing) = quotes::find_by_ap_id(&fed.db, post.ap_id).await? {
        return repeat(fed, signer, &existing, &post, stub).await;
    }
    let decision = decide(fed, &story, signer, blocks, post.content_html).await?;
    answer_new(fed, story.id, signer, &post, &decision, stub).await
}

/// The first answer to a request: refused, held for an editor, or stamped, in one transaction.
async fn answer_new(
    fed: &Federation,
    story_id: i64,
    signer: &RemoteActor,
    post: &QuotingPost<'_>,
    decision: &Decision,
    stub: Value,
) -> Result<Received, AppError> {
    let txn = storage::begin_write(&fed.db).await?;
    let mut shown = None;
    match decision {
        Decision::Refuse(reason) => {
            tracing::info!(quoter = %signer.ap_id, reason, "quote refused");
            outbox::quotes::send_reject(&txn, signer, stub).await?;
        }
        Decision::Hold => {
            let stored = quote::record(&txn, story_id, signer, post, decision).await?;
            alerts::events::quote(&txn, &stored).await?;
        }
        Decision::Approve => {
            let stored = quote::record(&txn, story_id, signer, post, decision).await?;
            alerts::events::quote(&txn, &stored).await?;
            quote::authorize(&txn, &stored, post.request_ap_id).await?;
            outbox::quotes::send_accept(&txn, &urls(fed), signer, &stored, stub).await?;
            shown = Some(stored.id);
        }
    }
    txn.commit().await?;
    fed.wake.notify_one();
    if let Some(id) = shown {
        fed.announce(story_id, id, ThreadChange::QuoteShown);
    }
    Ok(Received::Processed)
}

/// A request for a quote we know: the same stamp again, a `Reject` if it was withdrawn, or
/// nothing yet while it waits for an editor.
async fn repeat(
    fed: &Federation,
    signer: &RemoteActor,
    existing: &storage::entities::quote::Model,
    post: &QuotingPost<'_>,
    stub: Value,
) -> Result<Received, AppError> {
    if existing.author_id != signer.id {
        return Err(AppError::Unprocessable(
            "that post is someone else's".into(),
        ));
    }
    let txn = storage::begin_write(&fed.db).await?;
    if existing.state == HIDDEN || existing.revoked_at.is_some() {
        outbox::quotes::send_reject(&txn, signer, stub).await?;
    } else if existing.state == VISIBLE {
        // Shown already (its post may have come first): stamped now, or stamped again.
        quote::authorize(&txn, existing, post.request_ap_id).await?;
        outbox::quotes::send_accept(&txn, &urls(fed), signer, existing, stub).await?;
    } else if let Some(request) = post.request_ap_id {
        // Held: the editor's approval will answer this request.
        quote::remember_request(&txn, existing, request).await?;
    }
    txn.commit().await?;
    fed.wake.notify_one();
    Ok(Received::Processed)
}

/// A blocked account's request still gets its answer, so their server does not show the quote
/// as pending for ever. The block stops verification, so only an account we already hold is
/// answered, at its own inbox: a forged request can at most tell its victim "no".
pub async fn refuse_blocked(fed: &Federation, activity: &Value, actor: &str) {
    let known = match remote::find_by_ap_id(&fed.db, actor).await {
        Ok(Some(known)) => known,
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(error = %err, "cannot look up a blocked quoter");
            return;
        }
    };
    let stub = request_stub(
        activity["id"].as_str().unwrap_or_default(),
        &known.ap_id,
        id_of(&activity["object"]).unwrap_or_default(),
        id_of(&activity["instrument"]).unwrap_or_default(),
    );
    if let Err(err) = outbox::quotes::send_reject(&fed.db, &known, stub).await {
        tracing::warn!(error = %err, "cannot queue the Reject of a blocked quote request");
    }
    fed.wake.notify_one();
}

/// The quoting post itself, verified like a reply (the caller checked its author and type).
pub async fn create(
    fed: &Federation,
    id: &str,
    object: &InboundObject,
    story: &Story,
    signer: &RemoteActor,
    blocks: &Blocklist,
) -> Result<Received, AppError> {
    if !object.public {
        return Ok(Received::Ignored);
    }
    if !received_activities::first_seen(&fed.db, id).await? {
        return Ok(Received::Duplicate);
    }
    let post = QuotingPost {
        ap_id: object.id.as_str(),
        url: object.url.as_ref().map(url::Url::as_str),
        content_html: &object.content,
        request_ap_id: None,
    };
    let known = quotes::find_by_ap_id(&fed.db, post.ap_id).await?.is_some();
    let decision = match known {
        true => Decision::Approve,
        false => decide(fed, story, signer, blocks, &object.content).await?,
    };
    if let Decision::Refuse(reason) = decision {
        return Err(AppError::Forbidden(reason));
    }
    let txn = storage::begin_write(&fed.db).await?;
    let stored = quote::record(&txn, story.id, signer, &post, &decision).await?;
    if decision == Decision::Hold {
        // Held for an editor without a request (the policy is `editor`, or the mode holds it).
        alerts::events::quote(&txn, &stored).await?;
    }
    txn.commit().await?;
    if !known && stored.state == VISIBLE {
        fed.announce(story.id, stored.id, ThreadChange::QuoteShown);
    }
    Ok(Received::Processed)
}
