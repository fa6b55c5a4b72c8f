//! Likes and boosts of stories and replies, one row per activity so an `Undo` can find what it
//! undoes, plus counters on stories (kept current in the same transaction) so listings never
//! count rows.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261125_000001_create_actors::Actors, m20261125_000002_create_stories::Stories};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Interactions::Table)
                    .if_not_exists()
                    .col(big_integer(Interactions::Id).auto_increment().primary_key())
                    .col(string(Interactions::ApId).unique_key())
                    .col(string(Interactions::Kind))
                    .col(big_integer(Interactions::ActorId))
                    .col(string(Interactions::ObjectApId))
                    .col(timestamp_with_time_zone(Interactions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Interactions::Table, Interactions::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_interactions_once")
                    .table(Interactions::Table)
                    .col(Interactions::Kind)
                    .col(Interactions::ActorId)
                    .col(Interactions::ObjectApId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for column in [Stories::Likes, Stories::Boosts, Stories::ReplyCount] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Stories::Table)
                        .add_column(integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Interactions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Interactions {
    Table,
    Id,
    ApId,
    Kind,
    ActorId,
    ObjectApId,
    CreatedAt,
}
