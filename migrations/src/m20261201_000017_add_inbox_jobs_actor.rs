//! Who sent each inbox job, so one remote actor cannot fill the queue.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InboxJobs::Table)
                    .add_column(string_null(InboxJobs::Actor))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inbox_jobs_actor")
                    .table(InboxJobs::Table)
                    .col(InboxJobs::Actor)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_inbox_jobs_actor")
                    .table(InboxJobs::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InboxJobs::Table)
                    .drop_column(InboxJobs::Actor)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum InboxJobs {
    Table,
    Actor,
}
