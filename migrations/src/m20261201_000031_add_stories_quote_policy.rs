//! A story's own quote policy (FEP-044f); unset, the site's default applies.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_create_stories::Stories;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Quote {
    QuotePolicy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stories::Table)
                    .add_column(string_null(Quote::QuotePolicy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stories::Table)
                    .drop_column(Quote::QuotePolicy)
                    .to_owned(),
            )
            .await
    }
}
