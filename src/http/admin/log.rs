//! The moderation log: every editor action, newest first, filtered by story, editor or account.

use activitypub_federation::config::Data;
use axum::{Router, extract::Query, response::Html, routing::get};
use maud::html;
use serde::Deserialize;

use super::{Editor, views};
use crate::{
    domain::{
        moderation::log::{self, Filter},
        page::PageRequest,
        story,
    },
    error::AppError,
    state::AppState,
};

pub fn router() -> Router {
    Router::new().route("/admin/moderation/log", get(page))
}

const PAGE_SIZE: u64 = 50;

/// The log's filters as a query string: `story` (a slug), `editor`, `account`, `page`.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    pub story: Option<String>,
    pub editor: Option<String>,
    pub account: Option<String>,
    pub page: Option<u64>,
}

impl LogQuery {
    /// The filter these name; a story that does not exist matches nothing.
    pub async fn filter(&self, data: &AppState) -> Result<Filter, AppError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let story_id = match given(&self.story) {
            Some(slug) => Some(
                story::find_by_slug(&data.db, &slug)
                    .await?
                    .map_or(-1, |s| s.id),
            ),
            None => None,
        };
        Ok(Filter {
            story_id,
            editor: given(&self.editor),
            account: given(&self.account),
        })
    }
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, PAGE_SIZE)
    }
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
