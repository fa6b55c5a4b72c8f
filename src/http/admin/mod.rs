//! The newsroom's desk at `/admin`: login, stories, moderation, reports, blocks, followers,
//! deliveries and webhooks; the front page is the newsroom's numbers.
//! Every page needs a session; every form a CSRF token.

mod blocks;
mod charts;
mod dashboard;
mod desk;
mod feeds;
mod log;
mod login;
mod moderation;
mod network;
mod quotes;
mod reports;
mod session;
mod stories;
mod story_form;
mod triage;
mod views;
mod webhooks;

use axum::{Router, routing::get};

pub use desk::desk_update;
pub use session::Editor;

pub fn router() -> Router {
    Router::new()
        .route("/admin", get(dashboard::dashboard))
        .merge(login::router())
        .merge(stories::router())
        .merge(moderation::router())
        .merge(desk::router())
        .merge(blocks::router())
        .merge(network::router())
        .merge(quotes::router())
        .merge(webhooks::router())
        .merge(feeds::router())
        .merge(reports::router())
        .merge(log::router())
}
