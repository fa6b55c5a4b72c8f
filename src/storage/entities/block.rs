use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blocks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `actor` (an actor id), `domain` (a host and its subdomains) or `keyword`.
    pub kind: String,
    pub value: String,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// Set when the block came from a subscribed blocklist (and goes when the list drops it).
    pub subscription_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
