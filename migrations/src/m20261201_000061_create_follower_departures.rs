//! Followers who left (an `Undo` of their follow, a removal by an editor, their account's
//! deletion): with the follows still standing, they give the follower count on any past day.
//! Indexes for the dashboard's per-day counts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FollowerDepartures::Table)
                    .if_not_exists()
                    .col(
                        big_integer(FollowerDepartures::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(big_integer(FollowerDepartures::ActorId))
                    .col(timestamp_with_time_zone(FollowerDepartures::FollowedAt))
                    .col(timestamp_with_time_zone(FollowerDepartures::DepartedAt))
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "idx_follower_departures_departed_at",
                Alias::new("follower_departures"),
                Alias::new("departed_at"),
            ),
            (
                "idx_replies_created_at",
                Alias::new("replies"),
                Alias::new("created_at"),
            ),
            (
                "idx_interactions_created_at",
                Alias::new("interactions"),
                Alias::new("created_at"),
            ),
            (
                "idx_quotes_created_at",
                Alias::new("quotes"),
                Alias::new("created_at"),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_replies_created_at", "replies"),
            ("idx_interactions_created_at", "interactions"),
            ("idx_quotes_created_at", "quotes"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(FollowerDepartures::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum FollowerDepartures {
    Table,
    Id,
    /// The local actor they followed.
    ActorId,
    /// When their follow began.
    FollowedAt,
    DepartedAt,
}
