use sea_orm::entity::prelude::*;

/// `Debug` is written out below so the private key never reaches a log.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
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
    /// When the account says it was created on its server (its `published`), if it says.
    pub account_published_at: Option<DateTimeUtc>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("id", &self.id)
            .field("ap_id", &self.ap_id)
            .field("role", &self.role)
            .field("kind", &self.kind)
            .field("username", &self.username)
            .field("domain", &self.domain)
            .field("name", &self.name)
            .field("summary", &self.summary)
            .field("inbox", &self.inbox)
            .field("shared_inbox", &self.shared_inbox)
            .field("url", &self.url)
            .field("icon_url", &self.icon_url)
            .field("public_key_id", &self.public_key_id)
            .field("public_key", &self.public_key)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "[redacted]"),
            )
            .field("local", &self.local)
            .field("published_at", &self.published_at)
            .field("last_refreshed_at", &self.last_refreshed_at)
            .field("approved_at", &self.approved_at)
            .field("account_published_at", &self.account_published_at)
            .finish()
    }
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
