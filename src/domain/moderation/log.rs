//! The moderation log: who did what to which reply, account, server or story, when, and why.
//!
//! Every editor action records one [`Entry`] with [`record`], on the connection (the
//! transaction) that makes the change, so an action and its entry are stored together or not at
//! all. A new editor action needs only to build an `Entry` and call `record` inside its own
//! transaction.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use serde::Serialize;

use crate::{
    domain::page::{Page, PageRequest},
    error::AppError,
    storage::{entities::moderation_log_entry as row, moderation_log},
};

pub use crate::storage::moderation_log::Filter;

/// Who acted: a logged-in editor (admin) or an API token, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub name: String,
    pub via: Via,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Admin,
    Api,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Admin => "admin",
            Via::Api => "api",
        }
    }
}

impl Editor {
    pub fn admin(name: &str) -> Self {
        Editor {
            name: name.to_string(),
            via: Via::Admin,
        }
    }
    pub fn api(token_name: &str) -> Self {
        Editor {
            name: token_name.to_string(),
            via: Via::Api,
        }
    }
}

/// One action, as the log keeps it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub editor: &'a Editor,
    /// `approve`, `hide`, `delete`, `block`, `unblock`, `mode`, `close`, `reopen`, `policy`,
    /// `quote-policy`, `approve-quote`, `hide-quote`, …
    pub action: &'a str,
    /// `reply`, `quote`, `block`, `story`, `instance`, `site`.
    pub target_kind: &'a str,
    /// The target: a row id, a domain, a slug, the new mode.
    pub target: String,
    pub story_id: Option<i64>,
    /// The account concerned (its actor id), when one is.
    pub account: Option<String>,
    pub reason: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// An entry for `action` on `target_kind` `target`, with no story, account or reason yet.
    pub fn new(editor: &'a Editor, action: &'a str, target_kind: &'a str, target: String) -> Self {
        Entry {
            editor,
            action,
            target_kind,
            target,
            story_id: None,
            account: None,
            reason: None,
        }
    }
    pub fn story(mut self, story_id: i64) -> Self {
        self.story_id = Some(story_id);
        self
    }
    pub fn account(mut self, account: &str) -> Self {
        self.account = Some(account.to_string());
        self
    }
    /// The editor's reason; blank is none.
    pub fn reason(mut self, reason: Option<&'a str>) -> Self {
        self.reason = reason.map(str::trim).filter(|r| !r.is_empty());
        self
    }
}

/// Writes `entry` on `db`: pass the transaction that makes the change it records.
pub async fn record(db: &impl ConnectionTrait, entry: &Entry<'_>) -> Result<(), AppError> {
    let reason = entry
        .reason
        .map(|r| r.chars().take(1000).collect::<String>());
    moderation_log::insert(
        db,
        row::ActiveModel {
            at: Set(Utc::now()),
            editor: Set(entry.editor.name.clone()),
            via: Set(entry.editor.via.as_str().to_string()),
            action: Set(entry.action.to_string()),
            target_kind: Set(entry.target_kind.to_string()),
            target: Set(entry.target.clone()),
            story_id: Set(entry.story_id),
            account: Set(entry.account.clone()),
            reason: Set(reason),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// A logged action, for the admin page and the API.
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    pub id: i64,
    pub at: chrono::DateTime<Utc>,
    pub editor: String,
    pub via: String,
    pub action: String,
    pub target_kind: String,
    pub target: String,
    pub story_id: Option<i64>,
    pub account: Option<String>,
    pub reason: Option<String>,
}

impl From<row::Model> for Logged {
    fn from(m: row::Model) -> Self {
        Logged {
            id: m.id,
            at: m.at,
            editor: m.editor,
            via: m.via,
            action: m.action,
            target_kind: m.target_kind,
            target: m.target,
            story_id: m.story_id,
            account: m.account,
            reason: m.reason,
        }
    }
}

/// One page of the log, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    request: PageRequest,
) -> Result<Page<Logged>, AppError> {
    let (rows, total) = moderation_log::page(db, filter, request.offset(), request.size).await?;
    Ok(Page::new(
        rows.into_iter().map(Logged::from).collect(),
        request,
        total,
    ))
}
