//! Reports received from other servers, each reported reply with its triage signals.

use activitypub_federation::config::Data;
use axum::{Router, response::Html, routing::get};
use maud::html;

use super::{
    Editor, triage,
    views::{self, button},
};
use crate::{
    domain::{moderation::triage::Signals, reply},
    error::AppError,
    http::views::{reply::row_body, safe_href},
    state::AppState,
    storage::{actors, entities::reply as reply_entity, reports},
};

pub fn router() -> Router {
    Router::new().route("/admin/reports", get(page))
}

type Reported = (String, Option<(reply_entity::Model, Signals)>);

/// The reported objects of one report: each a reply we hold (with its signals) or just its id.
async fn reported(data: &Data<AppState>, objects: &[String]) -> Result<Vec<Reported>, AppError> {
    let mut out = Vec::new();
    for object in objects {
        let found = match reply::find(&data.db, object).await? {
            Some(r) => match actors::find_by_id(&data.db, r.author_id).await? {
                Some(author) => {
                    let signals = triage::signals_of(data, &r, &author).await?;
                    Some((r, signals))
                }
                None => None,
            },
            None => None,
        };
        out.push((object.clone(), found));
    }
    Ok(out)
}

/// Reports received: one template, kept whole so the page reads top to bottom.
async fn page(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let mut all = reports::all(&data.db).await?;
    all.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    let mut items = Vec::new();
    for report in all {
        let reporter = actors::find_by_id(&data.db, report.actor_id).await?;
        let objects: Vec<String> = serde_json::from_str(&report.objects).unwrap_or_default();
        let reported = reported(&data, &objects).await?;
        items.push((report, reporter, reported));
    }
    let body = html! {
        (views::desk_tabs("Reported"))
        @if items.is_empty() { p { "No reports." } }
        ul class="reports" {
            @for (report, reporter, reported) in &items {
                li {
                    p class="meta" { (report.created_at.format("%Y-%m-%d %H:%M")) " from "
                        (reporter.as_ref().map_or("unknown".to_string(), |a| format!("@{}@{}", a.username, a.domain))) }
                    @if !report.content.is_empty() { blockquote { (report.content) } }
                    @for (object, found) in reported {
                        div class="reported" {
                            @if let Some(href) = safe_href(object) {
                                a href=(href) rel="nofollow noopener ugc" { (object) }
                            } @else {
                                code { (object) }
                            }
                            @if let Some((r, signals)) = found {
                                (row_body(&data, r))
                                (triage::panel(signals))
                                div class="actions" {
                                    (button(&editor, &format!("/admin/replies/{}/hide", r.id), "Hide"))
                                    (button(&editor, &format!("/admin/replies/{}/delete", r.id), "Delete"))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(views::page(&data, Some(&editor), "Reports", body)))
}
