use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follower_departures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The local actor they followed.
    pub actor_id: i64,
    pub followed_at: DateTimeUtc,
    pub departed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
