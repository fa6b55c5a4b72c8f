//! Quotes of our stories (FEP-044f): the quoting post, its moderation state and the
//! authorization stamp we issued for it. Kept apart from replies: a quote is not in the thread.

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
                    .table(Quotes::Table)
                    .if_not_exists()
                    .col(big_integer(Quotes::Id).auto_increment().primary_key())
                    .col(string(Quotes::ApId).unique_key())
                    .col(big_integer(Quotes::StoryId))
                    .col(big_integer(Quotes::AuthorId))
                    .col(string_null(Quotes::Url))
                    .col(text(Quotes::ContentHtml))
                    .col(string(Quotes::State))
                    .col(string_null(Quotes::RequestApId))
                    .col(timestamp_with_time_zone(Quotes::CreatedAt))
                    .col(timestamp_with_time_zone_null(Quotes::AuthorizedAt))
                    .col(timestamp_with_time_zone_null(Quotes::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Quotes::Table, Quotes::StoryId)
                            .to(Stories::Table, Stories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Quotes::Table, Quotes::AuthorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quotes_story_state")
                    .table(Quotes::Table)
                    .col(Quotes::StoryId)
                    .col(Quotes::State)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Quotes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Quotes {
    Table,
    Id,
    /// The quoting post's id.
    ApId,
    StoryId,
    AuthorId,
    Url,
    ContentHtml,
    State,
    /// The `QuoteRequest` that asked for the stamp, when one did.
    RequestApId,
    CreatedAt,
    /// When the stamp was issued (`/quotes/{id}` answers from then on).
    AuthorizedAt,
    /// When the stamp was withdrawn (`/quotes/{id}` answers 410).
    RevokedAt,
}
