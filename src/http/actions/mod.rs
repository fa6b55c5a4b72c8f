//! The actions the admin pages and the JSON API both perform, one function each, so the two
//! front-ends differ only in how they read a request and answer it.

pub mod blocks;
pub mod feeds;
pub mod log;
pub mod moderation;
pub mod picks;
pub mod quotes;
pub mod stories;
pub mod triage;
pub mod webhooks;
