//! The byline: which author actors wrote a story, in the order the front matter names them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261125_000001_create_actors::Actors, m20261125_000002_create_stories::Stories};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoryAuthors::Table)
                    .if_not_exists()
                    .col(big_integer(StoryAuthors::StoryId))
                    .col(big_integer(StoryAuthors::ActorId))
                    .col(integer(StoryAuthors::Position))
                    .primary_key(
                        Index::create()
                            .col(StoryAuthors::StoryId)
                            .col(StoryAuthors::ActorId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StoryAuthors::Table, StoryAuthors::StoryId)
                            .to(Stories::Table, Stories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StoryAuthors::Table, StoryAuthors::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Author pages list an author's stories.
        manager
            .create_index(
                Index::create()
                    .name("idx_story_authors_actor")
                    .table(StoryAuthors::Table)
                    .col(StoryAuthors::ActorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoryAuthors::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StoryAuthors {
    Table,
    StoryId,
    ActorId,
    Position,
}
