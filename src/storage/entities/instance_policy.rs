use sea_orm::entity::prelude::*;

/// An editor's policy for one remote server.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_policies")]
pub struct Model {
    /// `host[:port]`, lower case.
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain: String,
    /// `trusted` or `held`.
    pub policy: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
