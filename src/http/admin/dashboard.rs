//! The admin's front page: the newsroom's numbers (charts drawn on the server), with links to
//! where the work is. `GET /api/v1/stats` answers the same figures.

use activitypub_federation::config::Data;
use axum::response::Html;
use maud::{Markup, html};

use super::{Editor, charts, views};
use crate::{
    domain::{actor, moderation as rules, page::PageRequest, stats, story},
    error::AppError,
    state::AppState,
    storage::{replies, stories::Listing},
};

pub async fn dashboard(
    Editor(editor): Editor,
    data: Data<AppState>,
) -> Result<Html<String>, AppError> {
    let stories = story::list(&data.db, Listing::All, PageRequest::new(Some(1), 1))
        .await?
        .total_items;
    let held = replies::in_state(&data.db, rules::HELD, 1000).await?.len();
    let mode = rules::mode(&data.db, data.settings.moderation.default_mode()).await?;
    let publication = actor::publication(&data.db).await?;
    let figures = stats::gather(&data.db, publication.id).await?;
    let body = html! {
        ul class="stats" {
            li { a href="/admin/stories" { (stories) " published stories" } }
            li { a href="/admin/moderation" { (held) " replies waiting" } " (mode: " (mode.as_str()) ")" }
            li { a href="/admin/deliveries" { (figures.deliveries.pending) " deliveries pending, " (figures.deliveries.dead_hosts) " dead servers" } }
        }
        p { a class="button" href="/admin/stories/new" { "Write a story" } }
        (numbers(&publication.username, &figures))
    };
    Ok(Html(views::page(&data, Some(&editor), "Newsroom", body)))
}

fn numbers(handle: &str, figures: &stats::Stats) -> Markup {
    let followers = format!("Followers of @{handle}");
    html! {
        section aria-labelledby="numbers" {
            h2 id="numbers" { "The last " (stats::DAYS) " days" }
            div class="charts" {
                (charts::line("followers", &followers, &figures.followers))
                (charts::bars("replies", "Replies per day", &figures.replies))
                (charts::bars("likes", "Likes per day", &figures.likes))
                (charts::bars("boosts", "Boosts per day", &figures.boosts))
                (charts::bars("quotes", "Quotes per day", &figures.quotes))
            }
        }
        section aria-labelledby="conversation" {
            h2 id="conversation" { "Most conversation this week" }
            @if figures.top_stories.is_empty() {
                p { "No replies this week yet." }
            }
            ol class="top-stories" {
                @for s in &figures.top_stories {
                    li {
                        a href=(format!("/admin/stories/{}/thread", s.slug)) { (s.title) }
                        " · " (s.replies) @if s.replies == 1 { " reply" } @else { " replies" }
                    }
                }
            }
        }
        section aria-labelledby="health" {
            h2 id="health" { "Delivery health" }
            ul class="health" {
                li { strong { (figures.deliveries.pending) } " queued" }
                li { strong { (figures.deliveries.delivered) } " delivered" }
                li { strong { (figures.deliveries.failed) } " failed" }
                li { strong { (figures.deliveries.expired) } " expired" }
                li { a href="/admin/deliveries" { strong { (figures.deliveries.dead_hosts) } " dead servers" } }
            }
        }
    }
}
