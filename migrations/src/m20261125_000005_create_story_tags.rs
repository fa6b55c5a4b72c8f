//! A story's hashtags, one row each, so a tag page is an index lookup rather than a scan.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_create_stories::Stories;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoryTags::Table)
                    .if_not_exists()
                    .col(big_integer(StoryTags::StoryId))
                    .col(string(StoryTags::Tag))
                    .col(integer(StoryTags::Position))
                    .primary_key(Index::create().col(StoryTags::StoryId).col(StoryTags::Tag))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StoryTags::Table, StoryTags::StoryId)
                            .to(Stories::Table, Stories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_story_tags_tag")
                    .table(StoryTags::Table)
                    .col(StoryTags::Tag)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoryTags::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StoryTags {
    Table,
    StoryId,
    Tag,
    Position,
}
