//! Inbox work that needs the network (fetching unknown parents), done after the 202 by a worker.
//! Persistent, so a restart loses none of it; leased like deliveries, so replicas share it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InboxJobs::Table)
                    .if_not_exists()
                    .col(big_integer(InboxJobs::Id).auto_increment().primary_key())
                    .col(text(InboxJobs::Activity))
                    .col(integer(InboxJobs::Attempts))
                    .col(timestamp_with_time_zone(InboxJobs::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(InboxJobs::LockedUntil))
                    .col(string_null(InboxJobs::LeaseToken))
                    .col(text_null(InboxJobs::LastError))
                    .col(timestamp_with_time_zone(InboxJobs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inbox_jobs_due")
                    .table(InboxJobs::Table)
                    .col(InboxJobs::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InboxJobs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InboxJobs {
    Table,
    Id,
    Activity,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LeaseToken,
    LastError,
    CreatedAt,
}
