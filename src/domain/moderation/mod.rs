//! Moderation: which replies show at once, which wait for an editor, and who is blocked.

pub mod blocks;
pub mod bulk;
pub mod log;
pub mod policy;
pub mod standing;
pub mod triage;

use chrono::Utc;
use sea_orm::ConnectionTrait;

use self::policy::InstancePolicy;
use crate::{
    domain::remote::RemoteActor,
    error::{AppError, FieldErrors},
    storage::{actors, entities::reply, replies, site_settings, stories},
};

pub const VISIBLE: &str = "visible";
pub const HELD: &str = "held";
pub const HIDDEN: &str = "hidden";
const MODE_KEY: &str = "moderation_mode";

/// How new replies are treated; the configured default is read with the settings.
pub use crate::config::ModerationMode as Mode;

/// The mode an editor chose, else the configured one.
pub async fn mode(db: &impl ConnectionTrait, configured: Mode) -> Result<Mode, AppError> {
    Ok(site_settings::get(db, MODE_KEY)
        .await?
        .and_then(|m| Mode::parse(&m))
        .unwrap_or(configured))
}

pub async fn set_mode(db: &impl ConnectionTrait, text: &str) -> Result<Mode, AppError> {
    let Some(mode) = Mode::parse(text) else {
        let mut errors = FieldErrors::default();
        errors.add("mode", "one of open, first-time, hold-all");
        return Err(AppError::Validation(errors));
    };
    site_settings::set(db, MODE_KEY, mode.as_str()).await?;
    Ok(mode)
}

/// What happens to a new reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Show,
    Hold,
    Refuse(String),
}

impl Verdict {
    pub fn state(&self) -> &'static str {
        match self {
            Verdict::Show => VISIBLE,
            _ => HELD,
        }
    }
}

/// Decides for a reply by `author` saying `content_html`: blocks refuse, keyword rules and a
/// `held` server hold, then the mode decides (a `trusted` server counts as approved in
/// `first-time`). The caller loads the blocklist once for everything it decides about one
/// incoming activity.
pub fn verdict(
    standing: &standing::Standing,
    list: &blocks::Blocklist,
    author: &RemoteActor,
    content_html: &str,
) -> Verdict {
    if let Some(reason) = list.blocks_actor(author.ap_id.as_str(), &author.domain) {
        return Verdict::Refuse(reason);
    }
    if list.matches_keyword(content_html) {
        return Verdict::Hold;
    }
    let server = standing.policy_of(&author.domain);
    if server == Some(InstancePolicy::Held) {
        return Verdict::Hold;
    }
    let trusted = author.approved_at.is_some() || server == Some(InstancePolicy::Trusted);
    match standing.mode {
        Mode::Open => Verdict::Show,
        Mode::FirstTime if trusted => Verdict::Show,
        Mode::FirstTime | Mode::HoldAll => Verdict::Hold,
    }
}

/// An editor approves a reply: it shows, and (first-time mode) its author is trusted from now on.
pub async fn approve(db: &impl ConnectionTrait, held: &reply::Model) -> Result<(), AppError> {
    if held.state != VISIBLE {
        replies::set_state(db, held.id, VISIBLE).await?;
        count(db, held.story_id, 1).await?;
    }
    actors::approve(db, held.author_id, Utc::now()).await?;
    Ok(())
}

/// An editor hides a reply, shown or held (it stays stored; a placeholder keeps the thread's
/// shape where others answered it).
pub async fn hide(db: &impl ConnectionTrait, reply: &reply::Model) -> Result<(), AppError> {
    if reply.state != HIDDEN {
        replies::set_state(db, reply.id, HIDDEN).await?;
    }
    if reply.state == VISIBLE {
        count(db, reply.story_id, -1).await?;
    }
    Ok(())
}

async fn count(db: &impl ConnectionTrait, story_id: i64, delta: i32) -> Result<(), AppError> {
    stories::add_reply_count(db, story_id, delta).await?;
    Ok(())
}
