//! When a remote account says it was created (its `published`), for the desk's triage signals.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_actors::Actors;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    AccountPublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .add_column(timestamp_with_time_zone_null(Account::AccountPublishedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .drop_column(Account::AccountPublishedAt)
                    .to_owned(),
            )
            .await
    }
}
