//! The moderation log: every editor action, newest first, filtered by story, editor or account.

use activitypub_federation::config::Data;
use axum::{Router, extract::Query, response::Html, routing::get};
use maud::html;

use super::{Editor, views};
use crate::{
    domain::moderation::log, error::AppError, http::actions::log::LogQuery, state::AppState,
};

pub fn router() -> Router {
    Router::new().route("/admin/moderation/log", get(page))
}

/// The log: one template, kept whole so the page reads top to bottom.
async fn page(
    Editor(editor): Editor,
    data: Data<AppState>,
    Query(query): Query<LogQuery>,
) -> Result<Html<String>, AppError> {
    let filter = query.filter(&data).await?;
    let page = log::list(&data.db, &filter, query.page()).await?;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let body = html! {
        form method="get" action="/admin/moderation/log" class="row" {
            label { "Story (slug) " input name="story" value=(value(&query.story)); }
            label { "Editor " input name="editor" value=(value(&query.editor)); }
            label { "Account " input name="account" value=(value(&query.account)); }
            button type="submit" { "Filter" }
        }
        p { (page.total_items) " entries" }
        table class="moderation-log" {
            thead { tr { th { "When" } th { "Editor" } th { "Action" } th { "Target" } th { "Story" } th { "Account" } th { "Reason" } } }
            tbody {
                @for e in &page.items {
                    tr {
                        td { (e.at.format("%Y-%m-%d %H:%M:%S")) }
                        td { (e.editor) " (" (e.via) ")" }
                        td { (e.action) }
                        td { (e.target_kind) " " (e.target) }
                        td { (e.story_id.map(|s| s.to_string()).unwrap_or_default()) }
                        td { (e.account.clone().unwrap_or_default()) }
                        td { (e.reason.clone().unwrap_or_default()) }
                    }
                }
            }
        }
        nav class="pager" {
            @if page.has_previous() { a href={ "?page=" (page.number - 1) } { "Newer" } " " }
            @if page.has_next() { a href={ "?page=" (page.number + 1) } { "Older" } }
        }
    };
    Ok(Html(views::page(
        &data,
        Some(&editor),
        "Moderation log",
        body,
    )))
}
