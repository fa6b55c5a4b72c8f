//! Replies from the fediverse, threaded under stories. `path` is a materialised path (one
//! sortable segment per ancestor), so a story's whole thread is one indexed range read in
//! display order, whatever its size.

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
                    .table(Replies::Table)
                    .if_not_exists()
                    .col(big_integer(Replies::Id).auto_increment().primary_key())
                    .col(string(Replies::ApId).unique_key())
                    .col(big_integer(Replies::StoryId))
                    .col(big_integer_null(Replies::ParentId))
                    .col(text(Replies::Path))
                    .col(integer(Replies::Depth))
                    .col(big_integer(Replies::AuthorId))
                    .col(text(Replies::ContentHtml))
                    .col(text_null(Replies::Summary))
                    .col(string_null(Replies::Url))
                    .col(boolean(Replies::Sensitive))
                    .col(string(Replies::State))
                    .col(boolean(Replies::Local))
                    .col(integer(Replies::Likes))
                    .col(integer(Replies::Boosts))
                    .col(string_null(Replies::RepliesUrl))
                    .col(timestamp_with_time_zone_null(Replies::CrawledAt))
                    .col(timestamp_with_time_zone(Replies::PublishedAt))
                    .col(timestamp_with_time_zone_null(Replies::EditedAt))
                    .col(timestamp_with_time_zone_null(Replies::DeletedAt))
                    .col(timestamp_with_time_zone(Replies::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Replies::Table, Replies::StoryId)
                            .to(Stories::Table, Stories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Replies::Table, Replies::AuthorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_replies_thread", vec![Replies::StoryId, Replies::Path]),
            ("idx_replies_author", vec![Replies::AuthorId]),
            ("idx_replies_parent", vec![Replies::ParentId]),
            ("idx_replies_crawl", vec![Replies::CrawledAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Replies::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Replies::Table).to_owned())
            .await
    }
}

// `RepliesUrl` is the column `replies_url`; the name follows the column, not the table.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
pub enum Replies {
    Table,
    Id,
    ApId,
    StoryId,
    ParentId,
    Path,
    Depth,
    AuthorId,
    ContentHtml,
    Summary,
    Url,
    Sensitive,
    State,
    Local,
    Likes,
    Boosts,
    RepliesUrl,
    CrawledAt,
    PublishedAt,
    EditedAt,
    DeletedAt,
    CreatedAt,
}
