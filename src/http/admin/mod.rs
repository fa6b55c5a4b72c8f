//! The newsroom's desk at `/admin`: login, stories, moderation, reports, blocks, followers and
//! deliveries. Every page needs a session; every form a CSRF token.

mod blocks;
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

use activitypub_federation::config::Data;
use axum::{Router, response::Html, routing::get};
use maud::html;

pub use session::Editor;

use crate::{
    domain::{moderation as rules, page::PageRequest, story},
    error::AppError,
    state::AppState,
    storage::{deliveries, replies, stories::Listing},
};

pub fn router() -> Router {
    Router::new()
        .route("/admin", get(dashboard))
        .merge(login::router())
        .merge(stories::router())
        .merge(moderation::router())
        .merge(blocks::router())
        .merge(network::router())
        .merge(quotes::router())
        .merge(reports::router())
        .merge(log::router())
}

async fn dashboard(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let stories = story::list(&data.db, Listing::All, PageRequest::new(Some(1), 1))
        .await?
        .total_items;
    let held = replies::in_state(&data.db, rules::HELD, 1000).await?.len();
    let mode = rules::mode(&data.db, data.settings.moderation.default_mode()).await?;
    let (pending, _, dead) = deliveries::snapshot(&data.db).await?;
    let body = html! {
        ul class="stats" {
            li { a href="/admin/stories" { (stories) " published stories" } }
            li { a href="/admin/moderation" { (held) " replies waiting" } " (mode: " (mode.as_str()) ")" }
            li { a href="/admin/deliveries" { (pending) " deliveries pending, " (dead) " dead servers" } }
        }
        p { a class="button" href="/admin/stories/new" { "Write a story" } }
    };
    Ok(Html(views::page(&data, Some(&editor), "Newsroom", body)))
}
