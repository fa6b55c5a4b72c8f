use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outgoing_quotes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Our answer: the post that quotes.
    #[sea_orm(unique)]
    pub reply_id: i64,
    /// The reader's post it quotes, as stored here.
    pub quoted_reply_id: i64,
    pub quoted_ap_id: String,
    pub quoted_author_id: i64,
    /// The `QuoteRequest` we sent.
    #[sea_orm(unique)]
    pub request_ap_id: String,
    /// `pending`, `accepted`, `rejected` or `revoked`.
    pub state: String,
    /// The stamp the quoted author's server issued.
    pub authorization_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
