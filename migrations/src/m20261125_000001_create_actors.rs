//! Every actor we know: our own (publication, authors, instance actor, with private keys) and,
//! later, remote ones (followers, repliers), told apart by `local` and `role`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Actors::Table)
                    .if_not_exists()
                    .col(big_integer(Actors::Id).auto_increment().primary_key())
                    .col(string(Actors::ApId).unique_key())
                    .col(string(Actors::Role))
                    .col(string(Actors::Kind))
                    .col(string(Actors::Username))
                    .col(string(Actors::Domain))
                    .col(string(Actors::Name))
                    .col(text(Actors::Summary))
                    .col(string(Actors::Inbox))
                    .col(string_null(Actors::SharedInbox))
                    .col(string_null(Actors::Url))
                    .col(string_null(Actors::IconUrl))
                    .col(string_null(Actors::PublicKeyId))
                    .col(text(Actors::PublicKey))
                    .col(text_null(Actors::PrivateKey))
                    .col(boolean(Actors::Local))
                    .col(timestamp_with_time_zone(Actors::PublishedAt))
                    .col(timestamp_with_time_zone(Actors::LastRefreshedAt))
                    .to_owned(),
            )
            .await?;
        // WebFinger and mentions look actors up by handle. Not unique: Lemmy gives a user and a
        // community the same name on one host; local names are kept unique when created.
        manager
            .create_index(
                Index::create()
                    .name("idx_actors_handle")
                    .table(Actors::Table)
                    .col(Actors::Username)
                    .col(Actors::Domain)
                    .to_owned(),
            )
            .await?;
        // Incoming signatures name a key id; the inbox looks the signer up by it.
        manager
            .create_index(
                Index::create()
                    .name("idx_actors_public_key_id")
                    .table(Actors::Table)
                    .col(Actors::PublicKeyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Actors::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Actors {
    Table,
    Id,
    ApId,
    Role,
    Kind,
    Username,
    Domain,
    Name,
    Summary,
    Inbox,
    SharedInbox,
    Url,
    IconUrl,
    PublicKeyId,
    PublicKey,
    PrivateKey,
    Local,
    PublishedAt,
    LastRefreshedAt,
    ApprovedAt,
}
