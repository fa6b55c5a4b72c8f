use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "replies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub story_id: i64,
    pub parent_id: Option<i64>,
    /// Materialised path: the parent's path plus one sortable segment; sorted, a thread in
    /// display order.
    #[sea_orm(column_type = "Text")]
    pub path: String,
    pub depth: i32,
    pub author_id: i64,
    #[sea_orm(column_type = "Text")]
    pub content_html: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    pub url: Option<String>,
    pub sensitive: bool,
    /// `visible`, `held` (waiting for a moderator) or `hidden`.
    pub state: String,
    pub local: bool,
    pub likes: i32,
    pub boosts: i32,
    /// The reply's own `replies` collection on its server, crawled for replies never delivered.
    pub replies_url: Option<String>,
    pub crawled_at: Option<DateTimeUtc>,
    pub published_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    /// Set when deleted but kept as a placeholder because others replied to it.
    pub deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The ActivityStreams type it was posted as (`Note`, `Image`, `Event` …).
    pub object_type: String,
    /// BCP 47 language of the content, when known.
    pub language: Option<String>,
    /// JSON list of attachments (see `domain::reply::presentation`).
    #[sea_orm(column_type = "Text", nullable)]
    pub attachments: Option<String>,
    /// JSON list of mentions, hashtags and custom emoji.
    #[sea_orm(column_type = "Text", nullable)]
    pub tags: Option<String>,
    /// JSON of what the object type carries (an event's time, a poll's options).
    #[sea_orm(column_type = "Text", nullable)]
    pub details: Option<String>,
    /// The reply's `context` collection (FEP-7888) on its own server, crawled like `replies_url`.
    pub context_url: Option<String>,
    /// When an editor featured it (shown first on the story page, boosted by the publication).
    pub featured_at: Option<DateTimeUtc>,
    /// The editor (or API token) who featured it.
    pub featured_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::actor::Entity",
        from = "Column::AuthorId",
        to = "super::actor::Column::Id",
        on_delete = "Cascade"
    )]
    Author,
}

impl Related<super::actor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
