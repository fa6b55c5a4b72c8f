use sea_orm::entity::prelude::*;

/// One editor action, as the moderation log keeps it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The editor's user name, or the API token's name.
    pub editor: String,
    /// `admin` or `api`.
    pub via: String,
    /// `approve`, `hide`, `delete`, `block`, `unblock`, `mode`, `close`, `reopen`, …
    pub action: String,
    /// `reply`, `quote`, `block`, `story`, `instance`, `site`, `account`.
    pub target_kind: String,
    /// The target's id (a row id, a domain, a slug, a mode).
    pub target: String,
    pub story_id: Option<i64>,
    /// The account concerned (its actor id URL), when there is one.
    pub account: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
