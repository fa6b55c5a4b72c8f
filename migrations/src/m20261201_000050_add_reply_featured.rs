//! Editor picks: when a reply was featured and by whom (`NULL`: not featured), and the indexes
//! the desk and the paged conversation read: a story's featured replies, its top-level threads
//! in order, and every published reply newest first.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            timestamp_with_time_zone_null(Replies::FeaturedAt).to_owned(),
            string_null(Replies::FeaturedBy).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Replies::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, cols) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(Replies::Table);
            for col in *cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(*name).table(Replies::Table).to_owned())
                .await?;
        }
        for column in [Replies::FeaturedAt, Replies::FeaturedBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Replies::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

const INDEXES: &[(&str, &[Replies])] = &[
    (
        "idx_replies_featured",
        &[Replies::StoryId, Replies::FeaturedAt],
    ),
    (
        "idx_replies_roots",
        &[Replies::StoryId, Replies::ParentId, Replies::Path],
    ),
    ("idx_replies_recent", &[Replies::State, Replies::CreatedAt]),
];

#[derive(DeriveIden, Clone, Copy)]
enum Replies {
    Table,
    StoryId,
    ParentId,
    Path,
    State,
    CreatedAt,
    FeaturedAt,
    FeaturedBy,
}
