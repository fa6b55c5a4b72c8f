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
//! - [`http`]: axum routes: web pages, the JSON API, the admin, ActivityPub endpoints,
//!   WebFinger/NodeInfo; the actions the admin and the API share; the HTML views.
//! - [`federation`]: the wire: `protocol` (the JSON), `inbox` (one file per activity kind),
//!   `ancestors` and `backfill` (fetching what was not delivered), `outbox` and `delivery`
//!   (what we send), `origin` and `guard` (what may be fetched and believed), `signatures`,
//!   `cluster` (replicas on one PostgreSQL hearing each other's changes).
//! - [`domain`]: every rule: stories, replies (`reply::accept` is the one intake), moderation,
//!   actors, follows, users and tokens.
//! - [`storage`]: one file per table, queries named for what they do, SQLite or PostgreSQL.
//! - [`config`], [`error`], [`live`], [`ratelimit`], [`secret`]: leaves every layer may use;
//!   [`startup`], [`state`], [`telemetry`], [`cli`]: the process around them.

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
