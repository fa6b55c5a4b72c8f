use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub role: String,
    pub kind: String,
    pub username: String,
    pub domain: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub url: Option<String>,
    pub icon_url: Option<String>,
    pub public_key_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub public_key: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub private_key: Option<String>,
    pub local: bool,
    pub published_at: DateTimeUtc,
    pub last_refreshed_at: DateTimeUtc,
    /// When an editor approved one of this actor's replies (first-time moderation).
    pub approved_at: Option<DateTimeUtc>,
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
