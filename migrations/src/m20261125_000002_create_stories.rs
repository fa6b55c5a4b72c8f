//! Stories: the Markdown an editor wrote, the sanitised HTML we serve, and a soft delete so a
//! deleted story keeps answering 410 with a Tombstone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Stories::Table)
                    .if_not_exists()
                    .col(big_integer(Stories::Id).auto_increment().primary_key())
                    .col(string(Stories::Slug).unique_key())
                    .col(string(Stories::ApId).unique_key())
                    .col(string(Stories::Title))
                    .col(text(Stories::Summary))
                    .col(text(Stories::BodyMarkdown))
                    .col(text(Stories::ContentHtml))
                    .col(string_null(Stories::ImageUrl))
                    .col(text_null(Stories::ImageAlt))
                    .col(timestamp_with_time_zone(Stories::PublishedAt))
                    .col(timestamp_with_time_zone(Stories::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Stories::DeletedAt))
                    .to_owned(),
            )
            .await?;
        // The front page, feed and outbox all read "newest first".
        manager
            .create_index(
                Index::create()
                    .name("idx_stories_published_at")
                    .table(Stories::Table)
                    .col(Stories::PublishedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Stories::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Stories {
    Table,
    Id,
    Slug,
    ApId,
    Title,
    Summary,
    BodyMarkdown,
    ContentHtml,
    ImageUrl,
    ImageAlt,
    PublishedAt,
    UpdatedAt,
    DeletedAt,
    Likes,
    Boosts,
    ReplyCount,
    RepliesClosedAt,
}
