//! The moderation log: every editor action, who took it and when, written in the action's own
//! transaction so nothing an editor does goes unrecorded.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ModerationLog::Table)
                    .if_not_exists()
                    .col(
                        big_integer(ModerationLog::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(timestamp_with_time_zone(ModerationLog::At))
                    .col(string(ModerationLog::Editor))
                    .col(string(ModerationLog::Via))
                    .col(string(ModerationLog::Action))
                    .col(string(ModerationLog::TargetKind))
                    .col(string(ModerationLog::Target))
                    .col(big_integer_null(ModerationLog::StoryId))
                    .col(string_null(ModerationLog::Account))
                    .col(text_null(ModerationLog::Reason))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_moderation_log_at", ModerationLog::At),
            ("idx_moderation_log_story", ModerationLog::StoryId),
            ("idx_moderation_log_editor", ModerationLog::Editor),
            ("idx_moderation_log_account", ModerationLog::Account),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ModerationLog::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ModerationLog::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ModerationLog {
    Table,
    Id,
    At,
    Editor,
    Via,
    Action,
    TargetKind,
    Target,
    StoryId,
    Account,
    Reason,
}
