use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "story_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub story_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::story::Entity",
        from = "Column::StoryId",
        to = "super::story::Column::Id",
        on_delete = "Cascade"
    )]
    Story,
}

impl Related<super::story::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Story.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
