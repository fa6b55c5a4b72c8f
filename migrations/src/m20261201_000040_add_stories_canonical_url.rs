//! A story's home on the newsroom's own site. Unique: two stories never claim one article.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261125_000002_create_stories::Stories;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Canonical {
    CanonicalUrl,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Stories::Table)
                    .add_column(string_null(Canonical::CanonicalUrl))
                    .to_owned(),
            )
            .await?;
        // NULLs never collide, on SQLite and PostgreSQL alike: stories without one are many.
        manager
            .create_index(
                Index::create()
                    .name("idx_stories_canonical_url")
                    .table(Stories::Table)
                    .col(Canonical::CanonicalUrl)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_stories_canonical_url")
                    .table(Stories::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Stories::Table)
                    .drop_column(Canonical::CanonicalUrl)
                    .to_owned(),
            )
            .await
    }
}
