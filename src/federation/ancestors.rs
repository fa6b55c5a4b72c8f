//! A reply's ancestors: when we do not hold its parent, walk up `inReplyTo` with signed fetches
//! (through the origin rules), within a depth and a fetch budget, until one of our stories or a
//! reply we hold. A chain that ends anywhere else is not ours and nothing of it is stored.
//! Each reply of the chain is then taken in, top down, by the domain's one reply intake
//! (`domain::reply::accept`).

use serde_json::Value;
use url::Url;

use super::{
    context::Federation,
    memo::Moderation,
    origin::{self, same_origin},
    protocol::inbound::InboundObject,
    remote_actors,
};
use crate::{
    domain::{
        remote::RemoteActor,
        reply::{
            self, Parent, ReplyDraft,
            accept::{self, Accepted, Rules, Writing},
        },
    },
    error::AppError,
};

/// What became of a reply.
#[derive(Debug, PartialEq, Eq)]
pub enum Placed {
    Stored,
    /// Its thread does not lead to a story of ours (or is not public): dropped.
    NotOurs,
    /// A block refuses it (or one of its ancestors).
    Refused,
    /// The story is closed to replies.
    Closed,
    /// The activity that carried it was received before.
    Duplicate,
}

/// Why placing failed for now: retry later, or never.
#[derive(Debug, thiserror::Error)]
pub enum ThreadError {
    /// Nothing is wrong with the reply: our database, or another server answering 429, 5xx or
    /// not at all. The inbox worker tries again later.
    #[error("temporarily unreachable: {0}")]
    Retry(String),
    /// The reply will never be accepted (a 4xx answer, a proven non-reply).
    #[error(transparent)]
    Final(AppError),
}

impl From<AppError> for ThreadError {
    /// Our own failures (5xx: the database) are never the reply's fault: retry them.
    fn from(err: AppError) -> Self {
        if err.status().is_server_error() {
            ThreadError::Retry(format!("{err:#}"))
        } else {
            ThreadError::Final(err)
        }
    }
}

/// Counts fetches for one activity.
pub struct Budget {
    left: usize,
}

impl Budget {
    pub fn new(fed: &Federation) -> Self {
        Budget {
            left: fed.settings.replies.fetch_budget,
        }
    }
    fn spend(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        true
    }
}

/// Stores `object` (already validated against its author) with any missing ancestors.
pub async fn place(
    fed: &Federation,
    object: InboundObject,
    author: Option<RemoteActor>,
    budget: &mut Budget,
    moderation: &Moderation,
) -> Result<Placed, ThreadError> {
    let mut chain = vec![(object, author)];
    let parent = loop {
        let Some(last) = chain.last() else {
            return Ok(Placed::NotOurs);
        };
        if !last.0.public || !last.0.is_reply_type() {
            return Ok(Placed::NotOurs);
        }
        let Some(up) = last.0.in_reply_to.clone() else {
            return Ok(Placed::NotOurs);
        };
        if let Some(parent) = reply::find_parent(&fed.db, up.as_str()).await? {
            break parent;
        }
        // A chain that comes back on itself never reaches a story.
        let looped = chain.iter().any(|(o, _)| o.id == up);
        if looped
            || is_ours(fed, &up)
            || chain.len() > fed.settings.replies.fetch_depth
            || !budget.spend()
        {
            return Ok(Placed::NotOurs);
        }
        match fetch_object(fed, &up).await? {
            Some(parent) => chain.push((parent, None)),
            None => return Ok(Placed::NotOurs),
        }
    };
    store_chain(fed, chain, parent, None, budget, moderation).await
}

/// Stores `object` by `author` under `parent`, which the inbox already found, recording
/// `activity_id` (the activity that carried it) as received in the same transaction.
pub async fn place_under(
    fed: &Federation,
    object: InboundObject,
    author: RemoteActor,
    parent: Parent,
    activity_id: &str,
    moderation: &Moderation,
) -> Result<Placed, ThreadError> {
    if !object.public || !object.is_reply_type() {
        return Ok(Placed::NotOurs);
    }
    let mut budget = Budget::new(fed);
    let chain = vec![(object, Some(author))];
    store_chain(
        fed,
        chain,
        parent,
        Some(activity_id),
        &mut budget,
        moderation,
    )
    .await
}

/// Takes in the chain from the top down, each under the one before; the last one taken in
/// (the chain's first, the object that was sent) records `activity_id`.
async fn store_chain(
    fed: &Federation,
    chain: Vec<(InboundObject, Option<RemoteActor>)>,
    mut parent: Parent,
    activity_id: Option<&str>,
    budget: &mut Budget,
    moderation: &Moderation,
) -> Result<Placed, ThreadError> {
    let rules = Rules {
        standing: &moderation.standing,
        close_after_days: fed.settings.replies.close_after_days,
        blocks: &moderation.blocks,
    };
    for (index, (object, author)) in chain.into_iter().enumerate().rev() {
        let author = match author {
            Some(author) => author,
            None => author_of(fed, &object, budget).await?,
        };
        let draft = draft_of(&object, &fed.settings.publication.language)?;
        let writing = Writing {
            intake: &fed.intake,
            activity_id: activity_id.filter(|_| index == 0),
        };
        match accept::accept(&fed.db, &rules, &draft, &author, &parent, writing, fed).await? {
            Accepted::Stored(stored) => parent = Parent::Reply(*stored),
            Accepted::Duplicate => return Ok(Placed::Duplicate),
            Accepted::Closed => return Ok(Placed::Closed),
            Accepted::Refused(reason) => {
                tracing::info!(reply = %object.id, %reason, "reply refused");
                return Ok(Placed::Refused);
            }
        }
    }
    Ok(Placed::Stored)
}

/// The reply `object` as the domain takes it in, its content chosen for a site written in
/// `site_language`.
pub fn draft_of(object: &InboundObject, site_language: &str) -> Result<ReplyDraft, AppError> {
    let in_reply_to = object
        .in_reply_to
        .clone()
        .ok_or_else(|| AppError::Unprocessable("not a reply".into()))?;
    // Only the reply's own server can say which replies it has: a `replies` or `context`
    // collection elsewhere is not crawled.
    let replies_url = object
        .replies_url()
        .filter(|url| same_origin(url, &object.id));
    let context_url = object
        .context
        .clone()
        .filter(|url| same_origin(url, &object.id));
    let (content, language) = object.content_in(site_language);
    let draft = ReplyDraft::new(
        object.id.clone(),
        in_reply_to,
        content,
        object.summary.as_deref(),
        object.url.clone(),
        object.sensitive,
        object.published,
        replies_url,
    )?;
    let mut presentation = object.presentation.clone();
    presentation.language = language;
    Ok(draft.in_context(context_url).posted_as(presentation))
}

/// The stored author of a fetched object, fetching the actor when new.
pub async fn author_of(
    fed: &Federation,
    object: &InboundObject,
    budget: &mut Budget,
) -> Result<RemoteActor, ThreadError> {
    if let Some(known) =
        crate::domain::remote::find_by_ap_id(&fed.db, object.attributed_to.as_str()).await?
    {
        return Ok(known);
    }
    if !budget.spend() {
        return Err(ThreadError::Retry("fetch budget spent".into()));
    }
    match remote_actors::fetch_actor(fed, &object.attributed_to).await {
        Ok(author) => Ok(author),
        // Unreachable for now (the fetch failed on the way): try again later.
        Err(AppError::Signature(reason)) => Err(ThreadError::Retry(reason)),
        Err(err) => Err(err.into()),
    }
}

/// Fetches an object by id through the origin rules and checks it speaks for its own host.
/// `None` when it is gone or not something we can thread; `Retry` when its server is down,
/// overloaded or broken for now.
pub async fn fetch_object(
    fed: &Federation,
    url: &Url,
) -> Result<Option<InboundObject>, ThreadError> {
    match origin::fetch(fed, url).await {
        Ok(fetched) => Ok(checked(&fetched.id, &fetched.document)),
        Err(err) if err.is_temporary() => Err(ThreadError::Retry(err.to_string())),
        Err(err) => {
            tracing::debug!(%url, error = %err, "parent not usable");
            Ok(None)
        }
    }
}

/// An object fetched from (or embedded by) `origin` (the final URL it was served from),
/// accepted only if its id and author are on that host.
pub fn checked(origin: &Url, value: &Value) -> Option<InboundObject> {
    let object = InboundObject::parse(value).ok()?;
    (same_origin(&object.id, origin) && same_origin(&object.attributed_to, origin))
        .then_some(object)
}

fn is_ours(fed: &Federation, url: &Url) -> bool {
    origin::is_ours(&fed.settings, url)
}
