//! How a reply was posted: its object type, language, media, tags and type-specific details
//! (JSON, see `domain::reply::presentation`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            string(Replies::ObjectType).default("Note").to_owned(),
            string_null(Replies::Language).to_owned(),
            text_null(Replies::Attachments).to_owned(),
            text_null(Replies::Tags).to_owned(),
            text_null(Replies::Details).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Replies::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Replies::ObjectType,
            Replies::Language,
            Replies::Attachments,
            Replies::Tags,
            Replies::Details,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Replies::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Replies {
    Table,
    ObjectType,
    Language,
    Attachments,
    Tags,
    Details,
}
