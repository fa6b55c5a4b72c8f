//! Who follows which of our actors. A follower is a remote actor row; the Follow's id is kept so
//! an `Undo` naming it, and the `Reject` sent on removal, can refer to it.

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
                    .table(Followers::Table)
                    .if_not_exists()
                    .col(big_integer(Followers::Id).auto_increment().primary_key())
                    .col(big_integer(Followers::ActorId))
                    .col(big_integer(Followers::FollowerId))
                    .col(string(Followers::FollowApId))
                    .col(timestamp_with_time_zone(Followers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Followers::Table, Followers::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Followers::Table, Followers::FollowerId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_followers_pair")
                    .table(Followers::Table)
                    .col(Followers::ActorId)
                    .col(Followers::FollowerId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Followers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Followers {
    Table,
    Id,
    ActorId,
    FollowerId,
    FollowApId,
    CreatedAt,
}
