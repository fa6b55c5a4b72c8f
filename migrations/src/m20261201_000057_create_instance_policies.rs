//! Per-instance policy set by editors: `trusted` (skips the first-time queue) or `held`
//! (always queued). Blocking stays in `blocks`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstancePolicies::Table)
                    .if_not_exists()
                    .col(string(InstancePolicies::Domain).primary_key())
                    .col(string(InstancePolicies::Policy))
                    .col(timestamp_with_time_zone(InstancePolicies::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InstancePolicies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InstancePolicies {
    Table,
    Domain,
    Policy,
    UpdatedAt,
}
