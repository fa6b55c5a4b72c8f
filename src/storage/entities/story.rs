use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    #[sea_orm(column_type = "Text")]
    pub content_html: String,
    pub image_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub image_alt: Option<String>,
    pub published_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub likes: i32,
    pub boosts: i32,
    /// Visible replies, kept current as replies arrive and go.
    pub reply_count: i32,
    /// Set while the story takes no new replies.
    pub replies_closed_at: Option<DateTimeUtc>,
    /// Who may quote it (FEP-044f); unset: the site's default.
    pub quote_policy: Option<String>,
    /// The article's home on the newsroom's own site, when it has one elsewhere.
    #[sea_orm(unique)]
    pub canonical_url: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::story_author::Entity")]
    StoryAuthor,
}

impl Related<super::story_author::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StoryAuthor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
