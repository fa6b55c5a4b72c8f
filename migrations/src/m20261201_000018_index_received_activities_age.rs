//! Received activity ids are pruned once past the signature window (a replay that old is
//! refused as stale anyway); the prune reads them by age.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_received_activities_age")
                    .table(ReceivedActivities::Table)
                    .col(ReceivedActivities::ReceivedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_received_activities_age")
                    .table(ReceivedActivities::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ReceivedActivities {
    Table,
    ReceivedAt,
}
