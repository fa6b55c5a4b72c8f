use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interactions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The Like or Announce activity's id, which an Undo names.
    #[sea_orm(unique)]
    pub ap_id: String,
    /// `like` or `announce`.
    pub kind: String,
    pub actor_id: i64,
    /// The story or reply liked or boosted.
    pub object_ap_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
