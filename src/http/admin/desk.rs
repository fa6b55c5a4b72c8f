//! The desk's views beside the held queue: Recent (every published reply across stories, newest
//! first, live while open, with hide, block and feature at hand: the view an editor in `open`
//! mode lives in) and Featured (the editor picks). Keyboard shortcuts are in `static/desk.js`.

use std::{convert::Infallible, time::Duration};

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{
        Html, IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::{get, post},
};
use futures_util::{Stream, StreamExt};
use maud::{Markup, html};
use serde_json::json;
use tokio_stream::wrappers::BroadcastStream;

use super::{
    Editor,
    moderation::back,
    session::CsrfForm,
    stories::Nothing,
    views::{self, ReasonForm},
};
use crate::{
    domain::{
        moderation::blocks,
        reply::{self, ThreadChange, ThreadEvent},
    },
    error::AppError,
    http::{actions, client_addr::ClientIp, views::reply::row_body},
    live::{Rendered, StreamSlot},
    state::AppState,
    storage::{
        actors,
        entities::{actor, reply as reply_entity, story},
        replies, stories,
    },
};

/// Rows a tab lists.
const LISTED: u64 = 100;
const LIVE_PATH: &str = "/admin/moderation/live";

pub fn router() -> Router {
    Router::new()
        .route("/admin/moderation/recent", get(recent))
        .route("/admin/moderation/featured", get(featured))
        .route(LIVE_PATH, get(live))
        .route("/admin/replies/{id}/feature", post(feature))
        .route("/admin/replies/{id}/unfeature", post(unfeature))
        .route("/admin/replies/{id}/block", post(block_author))
}

async fn recent(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let rows = replies::published_across(&data.db, false, None, LISTED).await?;
    let body = html! {
        (views::desk_tabs("Recent"))
        p { "Every published reply, newest first. New ones appear here as they arrive." }
        @if rows.is_empty() { p class="empty" { "No replies yet." } }
        ul class="desk recent" data-desk-live=(LIVE_PATH) data-csrf=(editor.csrf_token) {
            @for (r, a, s) in &rows { (row(&data, &editor.csrf_token, r, a, s)) }
        }
        script src="/static/desk.js" defer {}
    };
    Ok(Html(views::page(&data, Some(&editor), "Moderation", body)))
}

async fn featured(Editor(editor): Editor, data: Data<AppState>) -> Result<Html<String>, AppError> {
    let rows = replies::published_across(&data.db, true, None, LISTED).await?;
    let body = html! {
        (views::desk_tabs("Featured"))
        @if rows.is_empty() { p class="empty" { "No featured replies." } }
        ul class="desk featured-picks" {
            @for (r, a, s) in &rows { (row(&data, &editor.csrf_token, r, a, s)) }
        }
        script src="/static/desk.js" defer {}
    };
    Ok(Html(views::page(&data, Some(&editor), "Moderation", body)))
}

/// One published reply with its actions. `csrf` is the editor's token (empty in a live update,
/// which every editor receives: the page's script fills in its own).
fn row(
    state: &AppState,
    csrf: &str,
    r: &reply_entity::Model,
    author: &actor::Model,
    story: &story::Model,
) -> Markup {
    let action = |what: &str| format!("/admin/replies/{}/{what}", r.id);
    html! {
        li id={ "desk-" (r.id) } data-reply=(r.id) {
            p class="meta" {
                strong { (author.name) } " @" (author.username) "@" (author.domain)
                " on " a href={ (story.ap_id) "#reply-" (r.id) } { (story.title) }
                " · " (r.published_at.format("%Y-%m-%d %H:%M"))
                @if r.featured_at.is_some() { " " span class="badge featured" { "Featured" } }
            }
            (row_body(state, r))
            div class="actions" {
                (button(csrf, &action("hide"), "Hide"))
                @if !author.local { (button(csrf, &action("block"), "Block author")) }
                @if r.featured_at.is_some() {
                    (button(csrf, &action("unfeature"), "Unfeature"))
                } @else {
                    (button(csrf, &action("feature"), "Feature"))
                }
                (button(csrf, &action("delete"), "Delete"))
            }
        }
    }
}

fn button(csrf: &str, action: &str, label: &str) -> Markup {
    html! {
        form method="post" action=(action) class="inline" {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { (label) }
        }
    }
}

async fn feature(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::picks::feature(&data, &views::by(&editor), id, form.reason()).await?;
    Ok(back(&headers).into_response())
}

async fn unfeature(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm { editor, form }: CsrfForm<ReasonForm>,
) -> Result<Response, AppError> {
    actions::picks::unfeature(&data, &views::by(&editor), id, form.reason()).await?;
    Ok(back(&headers).into_response())
}

/// Blocks the reply's author (as `POST /api/v1/blocks` with `kind: actor` does).
async fn block_author(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    _f: CsrfForm<Nothing>,
) -> Result<Response, AppError> {
    let found = reply::find_by_id(&data.db, id)
        .await?
        .ok_or(AppError::NotFound("reply"))?;
    let author = actors::find_by_id(&data.db, found.author_id)
        .await?
        .filter(|a| !a.local)
        .ok_or(AppError::NotFound("remote author"))?;
    blocks::add(&data.db, "actor", &author.ap_id, "blocked from the desk").await?;
    data.federation
        .invalidate(crate::federation::context::Invalidation::Moderation);
    actions::quotes::after_block(&data).await?;
    // Its replies leave open pages at once.
    data.federation
        .announce(found.story_id, found.id, ThreadChange::Removed);
    Ok(back(&headers).into_response())
}

/// A conversation change as the Recent tab shows it: the row of a published reply (`reply` for
/// a new one, `change` for an edit or a feature), or `remove` for one no longer published.
pub async fn desk_update(
    state: &AppState,
    event: &ThreadEvent,
) -> Result<Option<Rendered>, AppError> {
    let removed = || Rendered {
        story_id: event.story_id,
        event: "remove",
        data: json!({ "id": event.reply_id }).to_string().into(),
    };
    if event.kind == ThreadChange::Removed {
        return Ok(Some(removed()));
    }
    let Some(found) = reply::find_by_id(&state.db, event.reply_id).await? else {
        return Ok(Some(removed()));
    };
    if found.state != replies::VISIBLE || found.deleted_at.is_some() {
        return Ok(Some(removed()));
    }
    let (Some(author), Some(story)) = (
        actors::find_by_id(&state.db, found.author_id).await?,
        stories::find_by_id(&state.db, found.story_id).await?,
    ) else {
        return Ok(None);
    };
    let name = if event.kind == ThreadChange::Added {
        "reply"
    } else {
        "change"
    };
    let html = row(state, "", &found, &author, &story).into_string();
    Ok(Some(Rendered {
        story_id: event.story_id,
        event: name,
        data: json!({ "id": found.id, "html": html }).to_string().into(),
    }))
}

/// The desk's live stream, for editors only (the session is checked like every admin page).
async fn live(
    Editor(_editor): Editor,
    data: Data<AppState>,
    client: ClientIp,
) -> Result<Response, AppError> {
    let cap = data.settings.web.live_streams_per_client;
    let Some(slot) = data.live.open_stream(client.limit_key(), cap) else {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, HeaderValue::from_static("60"))],
            "Too many live pages open.",
        )
            .into_response());
    };
    Ok(Sse::new(updates(&data, slot))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response())
}

fn updates(
    data: &AppState,
    slot: StreamSlot,
) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
    let updates =
        BroadcastStream::new(data.live.subscribe_desk()).filter_map(|update| async move {
            update
                .ok()
                .map(|r| Ok(Event::default().event(r.event).data(r.data.as_ref())))
        });
    let mut closing = data.live.closing();
    updates
        .take_until(async move {
            let _ = closing.wait_for(|closed| *closed).await;
        })
        .map(move |event| {
            let _held = &slot;
            event
        })
}
