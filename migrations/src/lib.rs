//! Schema migrations, written once with SeaORM's backend-neutral builder so the same files run on
//! SQLite and PostgreSQL. One schema change per file; the order here is the order applied.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_create_actors;
mod m20261125_000002_create_stories;
mod m20261125_000003_create_story_authors;
mod m20261125_000004_create_api_tokens;
mod m20261125_000005_create_story_tags;
mod m20261125_000006_create_followers;
mod m20261125_000007_create_delivery_queue;
mod m20261125_000008_create_received_activities;
mod m20261125_000009_create_replies;
mod m20261125_000010_create_interactions;
mod m20261125_000011_create_reports;
mod m20261125_000012_create_inbox_jobs;
mod m20261125_000013_create_job_leases;
mod m20261125_000014_create_users;
mod m20261125_000015_create_moderation;
mod m20261125_000016_add_replies_closed;
mod m20261201_000017_add_inbox_jobs_actor;
mod m20261201_000018_index_received_activities_age;
mod m20261201_000019_add_reply_presentation;
mod m20261201_000020_add_reply_context_url;
mod m20261201_000031_add_stories_quote_policy;
mod m20261201_000032_create_quotes;
mod m20261201_000033_create_outgoing_quotes;
mod m20261201_000040_add_stories_canonical_url;
mod m20261201_000041_create_feeds;
mod m20261201_000042_create_feed_entries;
mod m20261201_000050_add_reply_featured;
mod m20261201_000055_create_moderation_log;
mod m20261201_000056_add_actors_account_published;
mod m20261201_000057_create_instance_policies;
mod m20261201_000058_create_instance_nodeinfo;
mod m20261201_000060_create_webhooks;
mod m20261201_000061_create_follower_departures;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_actors::Migration),
            Box::new(m20261125_000002_create_stories::Migration),
            Box::new(m20261125_000003_create_story_authors::Migration),
            Box::new(m20261125_000004_create_api_tokens::Migration),
            Box::new(m20261125_000005_create_story_tags::Migration),
            Box::new(m20261125_000006_create_followers::Migration),
            Box::new(m20261125_000007_create_delivery_queue::Migration),
            Box::new(m20261125_000008_create_received_activities::Migration),
            Box::new(m20261125_000009_create_replies::Migration),
            Box::new(m20261125_000010_create_interactions::Migration),
            Box::new(m20261125_000011_create_reports::Migration),
            Box::new(m20261125_000012_create_inbox_jobs::Migration),
            Box::new(m20261125_000013_create_job_leases::Migration),
            Box::new(m20261125_000014_create_users::Migration),
            Box::new(m20261125_000015_create_moderation::Migration),
            Box::new(m20261125_000016_add_replies_closed::Migration),
            Box::new(m20261201_000017_add_inbox_jobs_actor::Migration),
            Box::new(m20261201_000018_index_received_activities_age::Migration),
            Box::new(m20261201_000019_add_reply_presentation::Migration),
            Box::new(m20261201_000020_add_reply_context_url::Migration),
            Box::new(m20261201_000031_add_stories_quote_policy::Migration),
            Box::new(m20261201_000032_create_quotes::Migration),
            Box::new(m20261201_000033_create_outgoing_quotes::Migration),
            Box::new(m20261201_000050_add_reply_featured::Migration),
            Box::new(m20261201_000060_create_webhooks::Migration),
            Box::new(m20261201_000061_create_follower_departures::Migration),
            Box::new(m20261201_000040_add_stories_canonical_url::Migration),
            Box::new(m20261201_000041_create_feeds::Migration),
            Box::new(m20261201_000042_create_feed_entries::Migration),
            Box::new(m20261201_000055_create_moderation_log::Migration),
            Box::new(m20261201_000056_add_actors_account_published::Migration),
            Box::new(m20261201_000057_create_instance_policies::Migration),
            Box::new(m20261201_000058_create_instance_nodeinfo::Migration),
        ]
    }
}
