//! Feeds the newsroom imports stories from, with what the last poll learned (validators for a
//! conditional GET, the last success, the last error and the back-off).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Feeds::Table)
                    .if_not_exists()
                    .col(big_integer(Feeds::Id).auto_increment().primary_key())
                    .col(string(Feeds::Url).unique_key())
                    .col(text(Feeds::Authors))
                    .col(string_null(Feeds::Title))
                    .col(timestamp_with_time_zone(Feeds::SubscribedAt))
                    .col(string_null(Feeds::Etag))
                    .col(string_null(Feeds::LastModified))
                    .col(timestamp_with_time_zone_null(Feeds::LastPolledAt))
                    .col(timestamp_with_time_zone_null(Feeds::LastSuccessAt))
                    .col(text_null(Feeds::LastError))
                    .col(integer(Feeds::Failures).default(0))
                    .col(timestamp_with_time_zone(Feeds::NextPollAt))
                    .col(timestamp_with_time_zone_null(Feeds::EarlyPollAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Feeds::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Feeds {
    Table,
    Id,
    Url,
    /// The bylines for entries that name no author, one per line.
    Authors,
    Title,
    /// Entries published before this are stored without deliveries.
    SubscribedAt,
    Etag,
    LastModified,
    LastPolledAt,
    LastSuccessAt,
    LastError,
    /// Failed polls in a row; the wait before the next one doubles with each.
    Failures,
    NextPollAt,
    /// When an embed last asked for an early poll (they are rate-limited).
    EarlyPollAt,
}
