//! Quotes of our stories (FEP-044f): who may quote (the story's policy, else the site's), what
//! becomes of a request, and the stamp's life. Blocks and the moderation mode apply as they do
//! to replies; a closed story still takes quotes (closing is about replies).

use chrono::Utc;
use sea_orm::ConnectionTrait;

use crate::{
    domain::{
        follow,
        moderation::{self, HELD, HIDDEN, VISIBLE, Verdict, blocks::Blocklist},
        remote::RemoteActor,
        reply::sanitize,
        story::Story,
    },
    error::{AppError, FieldErrors},
    storage::{entities::quote, quotes, stories},
};

pub use crate::config::QuotePolicy as Policy;

/// The policy in force for `story`.
pub fn policy_of(story: &Story, site_default: Policy) -> Policy {
    story.quote_policy.unwrap_or(site_default)
}

/// What becomes of a quote (or a request for one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// Waits for an editor.
    Hold,
    Refuse(String),
}

/// The quoting post, as its author sent it.
pub struct QuotingPost<'a> {
    pub ap_id: &'a str,
    pub url: Option<&'a str>,
    /// Raw HTML; cleaned here before it is stored.
    pub content_html: &'a str,
    /// The `QuoteRequest` that asked for a stamp, when one did.
    pub request_ap_id: Option<&'a str>,
}

/// Decides for a quote of a story under `policy` by `author`, whose post says `content_html`.
/// `publication_id` is whose followers the `followers` policy means.
pub async fn decide(
    db: &impl ConnectionTrait,
    policy: Policy,
    mode: moderation::Mode,
    blocks: &Blocklist,
    author: &RemoteActor,
    publication_id: i64,
    content_html: &str,
) -> Result<Decision, AppError> {
    match policy {
        Policy::Nobody => return Ok(Decision::Refuse("this story may not be quoted".into())),
        Policy::Followers => {
            let follows = follow::find_follower(db, publication_id, author.ap_id.as_str()).await?;
            if follows.is_none() {
                return Ok(Decision::Refuse(
                    "only followers may quote this story".into(),
                ));
            }
        }
        Policy::Anyone | Policy::Editor => {}
    }
    let standing = moderation::standing::Standing::load(db, mode).await?;
    let verdict = moderation::verdict(&standing, blocks, author, content_html);
    Ok(match verdict {
        Verdict::Refuse(reason) => Decision::Refuse(reason),
        Verdict::Show if policy != Policy::Editor => Decision::Approve,
        Verdict::Show | Verdict::Hold => Decision::Hold,
    })
}

/// Stores the quote, or brings a stored one up to date: a repeat finds the same row (so the
/// same stamp). Only the post's own author may change it.
pub async fn record(
    db: &impl ConnectionTrait,
    story_id: i64,
    author: &RemoteActor,
    post: &QuotingPost<'_>,
    decision: &Decision,
) -> Result<quote::Model, AppError> {
    let content = sanitize::clean(post.content_html);
    if let Some(existing) = quotes::find_by_ap_id(db, post.ap_id).await? {
        if existing.author_id != author.id || existing.story_id != story_id {
            return Err(AppError::Unprocessable(
                "this post already quotes something else, or is someone else's".into(),
            ));
        }
        if !post.content_html.is_empty() {
            quotes::set_content(db, existing.id, post.url, &content).await?;
        }
        return Ok(existing);
    }
    let state = if *decision == Decision::Approve {
        VISIBLE
    } else {
        HELD
    };
    let new = quotes::NewQuote {
        ap_id: post.ap_id,
        story_id,
        author_id: author.id,
        url: post.url,
        content_html: &content,
        state,
        request_ap_id: post.request_ap_id,
    };
    Ok(quotes::insert(db, &new).await?)
}

/// Whether the stamp for `quote` stands (issued and not withdrawn).
pub fn stamp_stands(quote: &quote::Model) -> bool {
    quote.authorized_at.is_some() && quote.revoked_at.is_none()
}

/// Issues (or re-issues) the stamp for `quote`, answering `request_ap_id`.
pub async fn authorize(
    db: &impl ConnectionTrait,
    quote: &quote::Model,
    request_ap_id: Option<&str>,
) -> Result<(), AppError> {
    let request = request_ap_id.or(quote.request_ap_id.as_deref());
    quotes::authorize(db, quote.id, request, Utc::now()).await?;
    Ok(())
}

/// Keeps the request a held quote must answer when an editor approves it.
pub async fn remember_request(
    db: &impl ConnectionTrait,
    held: &quote::Model,
    request_ap_id: &str,
) -> Result<(), AppError> {
    quotes::set_request(db, held.id, request_ap_id).await?;
    Ok(())
}

/// An editor approves a held quote: it shows.
pub async fn approve(db: &impl ConnectionTrait, held: &quote::Model) -> Result<(), AppError> {
    if held.state != VISIBLE {
        quotes::set_state(db, held.id, VISIBLE).await?;
    }
    Ok(())
}

/// An editor hides a quote: it leaves the page and its stamp is withdrawn. Returns whether a
/// standing stamp was withdrawn (then other servers must hear of it).
pub async fn hide(db: &impl ConnectionTrait, quote: &quote::Model) -> Result<bool, AppError> {
    if quote.state != HIDDEN {
        quotes::set_state(db, quote.id, HIDDEN).await?;
    }
    revoke(db, quote).await
}

/// Withdraws the stamp; false when none stood.
pub async fn revoke(db: &impl ConnectionTrait, quote: &quote::Model) -> Result<bool, AppError> {
    if !stamp_stands(quote) {
        return Ok(false);
    }
    quotes::revoke(db, quote.id, Utc::now()).await?;
    Ok(true)
}

/// The quoting post was deleted by its author: it leaves the page and its stamp goes. Their
/// server deletes the quote itself, so nobody needs telling. `None` when it is not a quote we
/// hold.
pub async fn withdraw_by_author(
    db: &impl ConnectionTrait,
    ap_id: &str,
    author: &RemoteActor,
) -> Result<Option<quote::Model>, AppError> {
    let Some(found) = quotes::find_by_ap_id(db, ap_id).await? else {
        return Ok(None);
    };
    if found.author_id != author.id {
        return Err(AppError::Unprocessable(
            "only the author can delete a quote".into(),
        ));
    }
    hide(db, &found).await?;
    Ok(Some(found))
}

/// An account was deleted: none of its quotes show, and its stamps are withdrawn.
pub async fn remove_all_by(db: &impl ConnectionTrait, author_id: i64) -> Result<u64, AppError> {
    Ok(quotes::hide_all_by(db, author_id, HIDDEN, Utc::now()).await?)
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<quote::Model, AppError> {
    quotes::find_by_id(db, id)
        .await?
        .ok_or(AppError::NotFound("quote"))
}

/// Sets a story's own policy (`None`: back to the site's default).
pub async fn set_story_policy(
    db: &impl ConnectionTrait,
    story: &Story,
    text: Option<&str>,
) -> Result<(), AppError> {
    let policy = match text {
        None => None,
        Some(text) => Some(Policy::parse(text).ok_or_else(|| {
            let mut errors = FieldErrors::default();
            errors.add("policy", "one of anyone, followers, nobody, editor");
            AppError::Validation(errors)
        })?),
    };
    stories::set_quote_policy(db, story.id, policy.map(Policy::as_str)).await?;
    Ok(())
}

/// A visible quote as the story page shows it.
pub struct ShownQuote {
    pub id: i64,
    pub author_name: String,
    pub author_handle: String,
    /// The author's profile page (their actor id when they give none).
    pub author_profile: String,
    /// Cleaned when stored.
    pub content_html: String,
    /// The quoting post on its own server.
    pub original: String,
    pub at: chrono::DateTime<Utc>,
}

/// The visible quotes of a story, oldest first (at most `limit`), and how many there are.
pub async fn shown_on(
    db: &impl ConnectionTrait,
    story_id: i64,
    limit: u64,
) -> Result<(Vec<ShownQuote>, u64), AppError> {
    let rows = quotes::of_story(db, story_id, VISIBLE, limit).await?;
    let total = quotes::count_of_story(db, story_id, VISIBLE).await?;
    let mut shown = Vec::with_capacity(rows.len());
    for (q, a) in rows {
        let author = RemoteActor::from_model(a)?;
        shown.push(ShownQuote {
            id: q.id,
            author_name: author.name.clone(),
            author_handle: author.handle(),
            author_profile: author.url.as_ref().unwrap_or(&author.ap_id).to_string(),
            original: q.url.unwrap_or(q.ap_id),
            content_html: q.content_html,
            at: q.created_at,
        });
    }
    Ok((shown, total))
}

/// One quote as the story page shows it, if it shows (visible, its author known).
pub async fn shown_one(
    db: &impl ConnectionTrait,
    quote_id: i64,
) -> Result<Option<(i64, ShownQuote)>, AppError> {
    let Some(q) = quotes::find_by_id(db, quote_id).await? else {
        return Ok(None);
    };
    if q.state != VISIBLE {
        return Ok(None);
    }
    let Some(a) = crate::storage::actors::find_by_id(db, q.author_id).await? else {
        return Ok(None);
    };
    let author = RemoteActor::from_model(a)?;
    Ok(Some((
        q.story_id,
        ShownQuote {
            id: q.id,
            author_name: author.name.clone(),
            author_handle: author.handle(),
            author_profile: author.url.as_ref().unwrap_or(&author.ap_id).to_string(),
            original: q.url.unwrap_or(q.ap_id),
            content_html: q.content_html,
            at: q.created_at,
        },
    )))
}

/// How many quotes of a story show.
pub async fn shown_count(db: &impl ConnectionTrait, story_id: i64) -> Result<u64, AppError> {
    Ok(quotes::count_of_story(db, story_id, VISIBLE).await?)
}

/// The accounts holding a standing stamp that the blocklist now refuses (an account block, a
/// domain block, an imported or subscribed list): their stamps must be withdrawn.
pub async fn blocked_stamp_holders(
    db: &impl ConnectionTrait,
) -> Result<Vec<crate::domain::remote::RemoteActor>, AppError> {
    let list = crate::domain::moderation::blocks::Blocklist::load(db).await?;
    let mut blocked = Vec::new();
    for id in crate::storage::quotes::stamp_holders(db).await? {
        if let Some(holder) = crate::domain::remote::find_by_id(db, id).await?
            && list
                .blocks_actor(holder.ap_id.as_str(), &holder.domain)
                .is_some()
        {
            blocked.push(holder);
        }
    }
    Ok(blocked)
}
