//! Which story each feed entry became, by the entry's id (or guid), and a fingerprint of what
//! was imported, so a changed entry updates its story and an unchanged one is left alone.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261125_000002_create_stories::Stories, m20261201_000041_create_feeds::Feeds};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FeedEntries::Table)
                    .if_not_exists()
                    .col(big_integer(FeedEntries::Id).auto_increment().primary_key())
                    .col(big_integer(FeedEntries::FeedId))
                    .col(string(FeedEntries::EntryId))
                    .col(big_integer(FeedEntries::StoryId))
                    .col(string(FeedEntries::Fingerprint))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedEntries::Table, FeedEntries::FeedId)
                            .to(Feeds::Table, Feeds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedEntries::Table, FeedEntries::StoryId)
                            .to(Stories::Table, Stories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_feed_entries_feed_entry")
                    .table(FeedEntries::Table)
                    .col(FeedEntries::FeedId)
                    .col(FeedEntries::EntryId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FeedEntries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum FeedEntries {
    Table,
    Id,
    FeedId,
    /// The entry's `id` (Atom) or `guid` (RSS), or its link when it has neither.
    EntryId,
    StoryId,
    Fingerprint,
}
