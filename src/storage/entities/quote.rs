use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quotes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The quoting post's id on its own server.
    #[sea_orm(unique)]
    pub ap_id: String,
    pub story_id: i64,
    pub author_id: i64,
    pub url: Option<String>,
    /// Cleaned against the allow-list before it is stored.
    #[sea_orm(column_type = "Text")]
    pub content_html: String,
    /// `visible`, `held` or `hidden`, as for replies.
    pub state: String,
    pub request_ap_id: Option<String>,
    pub created_at: DateTimeUtc,
    /// Set once the stamp (`/quotes/{id}`) is issued.
    pub authorized_at: Option<DateTimeUtc>,
    /// Set when the stamp is withdrawn; it then answers 410.
    pub revoked_at: Option<DateTimeUtc>,
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
