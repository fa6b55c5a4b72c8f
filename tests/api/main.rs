//! The integration suite: one binary, a module per feature area. Every test starts the real
//! server on a loopback port with a fresh database (SQLite file, or a new PostgreSQL database when
//! `TEST_DATABASE_URL` is set).

// Tests state their expectations with unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod actors;
mod admin;
mod api;
mod as_posted;
mod as_shown;
mod big_threads;
mod browser;
mod cli;
mod context;
mod conversation;
mod dashboard;
mod delivery;
mod desk_views;
mod discovery;
mod embed;
mod fedify;
mod feeds;
mod fixtures;
mod following;
mod helpers;
mod hostile;
mod inbox_crash;
mod inbox_limits;
mod interop;
mod login_limits;
mod media;
mod moderation_log;
mod operations;
mod origin;
mod page_cache;
mod pages;
mod peer;
mod picks;
mod process;
mod quote_policy;
mod quotes;
mod quoting;
mod replicas;
mod replies;
mod stories;
mod triage;
mod unproven_hosts;
mod webhooks;
mod where_reply;
mod xss;
