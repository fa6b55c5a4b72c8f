//! A reply's `context` collection on its own server (FEP-7888), crawled like its `replies`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Replies::Table)
                    .add_column(string_null(Replies::ContextUrl))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Replies::Table)
                    .drop_column(Replies::ContextUrl)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Replies {
    Table,
    ContextUrl,
}
