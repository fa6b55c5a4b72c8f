//! What other servers say of themselves in NodeInfo (software, users), cached with the time it
//! was read so it is fetched again only after a while.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstanceNodeinfo::Table)
                    .if_not_exists()
                    .col(string(InstanceNodeinfo::Domain).primary_key())
                    .col(string_null(InstanceNodeinfo::Software))
                    .col(string_null(InstanceNodeinfo::Version))
                    .col(big_integer_null(InstanceNodeinfo::Users))
                    .col(string_null(InstanceNodeinfo::Error))
                    .col(timestamp_with_time_zone(InstanceNodeinfo::FetchedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InstanceNodeinfo::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InstanceNodeinfo {
    Table,
    Domain,
    Software,
    Version,
    Users,
    Error,
    FetchedAt,
}
