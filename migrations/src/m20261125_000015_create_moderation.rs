//! Moderation: site settings (the moderation mode), blocks (actors, domains, keywords; typed in
//! or from a subscribed Mastodon-format blocklist), and the mark of actors an editor approved.

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
                    .table(SiteSettings::Table)
                    .if_not_exists()
                    .col(string(SiteSettings::Key).primary_key())
                    .col(text(SiteSettings::Value))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Blocks::Table)
                    .if_not_exists()
                    .col(big_integer(Blocks::Id).auto_increment().primary_key())
                    .col(string(Blocks::Kind))
                    .col(string(Blocks::Value))
                    .col(text(Blocks::Reason))
                    .col(big_integer_null(Blocks::SubscriptionId))
                    .col(timestamp_with_time_zone(Blocks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_blocks_once")
                    .table(Blocks::Table)
                    .col(Blocks::Kind)
                    .col(Blocks::Value)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlocklistSubscriptions::Table)
                    .if_not_exists()
                    .col(
                        big_integer(BlocklistSubscriptions::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(string(BlocklistSubscriptions::Url).unique_key())
                    .col(timestamp_with_time_zone_null(
                        BlocklistSubscriptions::FetchedAt,
                    ))
                    .col(text_null(BlocklistSubscriptions::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .add_column(timestamp_with_time_zone_null(Actors::ApprovedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BlocklistSubscriptions::Table.into_iden(),
            Blocks::Table.into_iden(),
            SiteSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum Blocks {
    Table,
    Id,
    Kind,
    Value,
    Reason,
    SubscriptionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BlocklistSubscriptions {
    Table,
    Id,
    Url,
    FetchedAt,
    LastError,
}
