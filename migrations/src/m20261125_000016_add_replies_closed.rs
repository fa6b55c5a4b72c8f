//! Closing a story to replies: when set, new replies to it (at any depth) are refused.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_create_stories::Stories;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stories::Table)
                    .add_column(timestamp_with_time_zone_null(Stories::RepliesClosedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stories::Table)
                    .drop_column(Stories::RepliesClosedAt)
                    .to_owned(),
            )
            .await
    }
}
