use sea_orm::entity::prelude::*;

/// What a remote server's NodeInfo said, when it was last read.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_nodeinfo")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain: String,
    pub software: Option<String>,
    pub version: Option<String>,
    pub users: Option<i64>,
    /// Why the last read failed, when it did.
    pub error: Option<String>,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
