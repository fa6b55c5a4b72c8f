//! Quotes the newsroom makes (FEP-044f, the quoting side): one of our answers quotes a reader's
//! post, and waits for the stamp that the reader's server gives, or its refusal.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261125_000001_create_actors::Actors, m20261125_000009_create_replies::Replies};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutgoingQuotes::Table)
                    .if_not_exists()
                    .col(
                        big_integer(OutgoingQuotes::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(big_integer(OutgoingQuotes::ReplyId).unique_key())
                    .col(big_integer(OutgoingQuotes::QuotedReplyId))
                    .col(string(OutgoingQuotes::QuotedApId))
                    .col(big_integer(OutgoingQuotes::QuotedAuthorId))
                    .col(string(OutgoingQuotes::RequestApId).unique_key())
                    .col(string(OutgoingQuotes::State))
                    .col(string_null(OutgoingQuotes::AuthorizationUrl))
                    .col(timestamp_with_time_zone(OutgoingQuotes::CreatedAt))
                    .col(timestamp_with_time_zone(OutgoingQuotes::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutgoingQuotes::Table, OutgoingQuotes::ReplyId)
                            .to(Replies::Table, Replies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutgoingQuotes::Table, OutgoingQuotes::QuotedReplyId)
                            .to(Replies::Table, Replies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutgoingQuotes::Table, OutgoingQuotes::QuotedAuthorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outgoing_quotes_authorization")
                    .table(OutgoingQuotes::Table)
                    .col(OutgoingQuotes::AuthorizationUrl)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutgoingQuotes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OutgoingQuotes {
    Table,
    Id,
    /// Our answer, the quoting post.
    ReplyId,
    /// The reader's post it quotes, as we hold it.
    QuotedReplyId,
    QuotedApId,
    QuotedAuthorId,
    /// The `QuoteRequest` we sent; the answer names it.
    RequestApId,
    /// `pending`, `accepted`, `rejected` or `revoked`.
    State,
    /// The stamp the quoted author's server issued, once accepted.
    AuthorizationUrl,
    CreatedAt,
    UpdatedAt,
}
