//! Broadsheet: a news publisher on the fediverse. Stories are ActivityPub `Article`s; replies
//! from any server become the story's comment thread.
//!
//! # Layout
//!
//! Requests flow left to right, and a module imports only modules to its right:
//!
//! ```text
//! http  →  federation  →  domain  →  storage
//! ```
//!
//! - [`http`]: axum routes: web pages, the JSON API, ActivityPub endpoints, WebFinger/NodeInfo.
//! - [`federation`]: the wire format (`protocol`), conversions from domain types, the inbox and
//!   signatures, fetching through the origin rules (`origin`) and the address guard.
//! - [`domain`]: stories, actors, tokens: every rule lives here.
//! - [`storage`]: SeaORM entities and the queries on them, SQLite or PostgreSQL.
//! - [`config`], [`error`], [`startup`], [`telemetry`], [`cli`]: the process around them.

pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod federation;
pub mod http;
pub mod live;
pub mod metrics;
pub mod ratelimit;
pub mod secret;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
