//! The persistent delivery queue: each outgoing activity once, a row per target inbox, and what
//! we know of each remote host's health. Rows are written in the transaction of the change that
//! causes them, so nothing is published without its deliveries.

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
                    .table(OutgoingActivities::Table)
                    .if_not_exists()
                    .col(
                        big_integer(OutgoingActivities::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(string(OutgoingActivities::ApId).unique_key())
                    .col(big_integer(OutgoingActivities::ActorId))
                    .col(string(OutgoingActivities::Kind))
                    .col(text(OutgoingActivities::Payload))
                    .col(timestamp_with_time_zone(OutgoingActivities::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutgoingActivities::Table, OutgoingActivities::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .if_not_exists()
                    .col(big_integer(Deliveries::Id).auto_increment().primary_key())
                    .col(big_integer(Deliveries::ActivityId))
                    .col(string(Deliveries::Inbox))
                    .col(string(Deliveries::Host))
                    .col(string(Deliveries::State))
                    .col(integer(Deliveries::Attempts))
                    .col(timestamp_with_time_zone(Deliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Deliveries::LockedUntil))
                    .col(string_null(Deliveries::LeaseToken))
                    .col(integer_null(Deliveries::LastStatus))
                    .col(text_null(Deliveries::LastError))
                    .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(Deliveries::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::ActivityId)
                            .to(OutgoingActivities::Table, OutgoingActivities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_deliveries_due",
                vec![Deliveries::State, Deliveries::NextAttemptAt],
            ),
            ("idx_deliveries_lease", vec![Deliveries::LeaseToken]),
            (
                "idx_deliveries_host",
                vec![Deliveries::Host, Deliveries::State],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Deliveries::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_once_per_inbox")
                    .table(Deliveries::Table)
                    .col(Deliveries::ActivityId)
                    .col(Deliveries::Inbox)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Hosts::Table)
                    .if_not_exists()
                    .col(string(Hosts::Host).primary_key())
                    .col(timestamp_with_time_zone_null(Hosts::FailingSince))
                    .col(timestamp_with_time_zone_null(Hosts::DeadSince))
                    .col(timestamp_with_time_zone_null(Hosts::LastSuccessAt))
                    .col(text_null(Hosts::LastError))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Hosts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Deliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OutgoingActivities::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OutgoingActivities {
    Table,
    Id,
    ApId,
    ActorId,
    Kind,
    Payload,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    ActivityId,
    Inbox,
    Host,
    State,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LeaseToken,
    LastStatus,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum Hosts {
    Table,
    Host,
    FailingSince,
    DeadSince,
    LastSuccessAt,
    LastError,
}
