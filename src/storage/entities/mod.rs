//! SeaORM entities, one per table, in the shape `sea-orm-cli generate entity` writes them.

pub mod actor;
pub mod api_token;
pub mod block;
pub mod blocklist_subscription;
pub mod delivery;
pub mod follower;
pub mod host;
pub mod inbox_job;
pub mod instance_nodeinfo;
pub mod instance_policy;
pub mod interaction;
pub mod job_lease;
pub mod moderation_log_entry;
pub mod outgoing_activity;
pub mod quote;
pub mod received_activity;
pub mod reply;
pub mod report;
pub mod session;
pub mod site_setting;
pub mod story;
pub mod story_author;
pub mod story_tag;
pub mod user;
