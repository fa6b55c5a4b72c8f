//! Reports (`Flag`) from other servers, for moderators.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000001_create_actors::Actors;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .if_not_exists()
                    .col(big_integer(Reports::Id).auto_increment().primary_key())
                    .col(string(Reports::ApId).unique_key())
                    .col(big_integer(Reports::ActorId))
                    .col(text(Reports::Content))
                    .col(text(Reports::Objects))
                    .col(timestamp_with_time_zone(Reports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Reports::ResolvedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reports::Table, Reports::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Reports::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    ApId,
    ActorId,
    Content,
    Objects,
    CreatedAt,
    ResolvedAt,
}
