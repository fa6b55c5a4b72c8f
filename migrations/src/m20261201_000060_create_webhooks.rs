//! Outgoing webhooks: the subscriptions an editor makes (a URL, the events it wants, the secret
//! its bodies are signed with), the events that happened, and one delivery per event and
//! subscription, claimed by workers through a lease like the activity delivery queue.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .if_not_exists()
                    .col(big_integer(Webhooks::Id).auto_increment().primary_key())
                    .col(text(Webhooks::Url))
                    .col(string(Webhooks::Events))
                    .col(string(Webhooks::Secret))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEvents::Table)
                    .if_not_exists()
                    .col(
                        big_integer(WebhookEvents::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(string(WebhookEvents::Kind))
                    .col(big_integer(WebhookEvents::SubjectId))
                    .col(text(WebhookEvents::Payload))
                    .col(timestamp_with_time_zone(WebhookEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // One event per thing that happened: a re-delivered reply is not announced twice.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_events_kind_subject")
                    .table(WebhookEvents::Table)
                    .col(WebhookEvents::Kind)
                    .col(WebhookEvents::SubjectId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .if_not_exists()
                    .col(
                        big_integer(WebhookDeliveries::Id)
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(big_integer(WebhookDeliveries::WebhookId))
                    .col(big_integer(WebhookDeliveries::EventId))
                    .col(string(WebhookDeliveries::State))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::LockedUntil,
                    ))
                    .col(string_null(WebhookDeliveries::LeaseToken))
                    .col(integer_null(WebhookDeliveries::LastStatus))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::DeliveredAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EventId)
                            .to(WebhookEvents::Table, WebhookEvents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::State)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WebhookEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Webhooks::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    /// The event names it wants, comma-separated.
    Events,
    /// The HMAC key its bodies are signed with.
    Secret,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    Id,
    /// `reply.held`, `reply.published`, `report.created`, `quote.requested`.
    Kind,
    /// The reply, report or quote it is about.
    SubjectId,
    /// The facts of the event as JSON; the body sent is built from them.
    Payload,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
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
