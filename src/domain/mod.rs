//! Business types and use cases: the only place rules live. Imports `storage`, never `http` or
//! `federation`.

pub mod actor;
pub mod alerts;
pub mod feed;
pub mod follow;
pub mod ids;
pub mod interaction;
pub mod links;
pub mod moderation;
pub mod page;
pub mod quote;
pub mod quoting;
pub mod remote;
pub mod reply;
pub mod stats;
pub mod story;
pub mod text;
pub mod token;
pub mod user;
