//! Live story pages. A hub renders each conversation change once and broadcasts the HTML;
//! every open page of that story receives it over Server-Sent Events. Many readers of one story
//! cost one query and one render per change, not one each. Every replica hears every change,
//! whichever replica accepted it (on PostgreSQL through `LISTEN/NOTIFY`, see
//! `federation::cluster`), so a reader sees them all on the replica serving their stream; only
//! while a replica's listening connection is down are changes missed (a reload shows them). The
//! embed on the newsroom's site opens this same stream. One client address may hold only so
//! many streams open at once (`web.live_streams_per_client`); past it, 429.

use std::{convert::Infallible, time::Duration};

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::get,
};
use futures_util::{Stream, StreamExt};
use serde_json::json;
use tokio::sync::{broadcast, watch};
use tokio_stream::wrappers::BroadcastStream;

use super::views::{quotes::item as quote_item, reply_card::item};
use crate::{
    domain::{
        quote,
        reply::{ThreadChange, thread},
        story,
    },
    error::AppError,
    http::client_addr::ClientIp,
    live::{Rendered, StreamSlot},
    state::AppState,
};

/// Renders announced changes until `stop`.
pub async fn render_changes(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut events = state.federation.events.subscribe();
    loop {
        let event = tokio::select! {
            received = events.recv() => received,
            _ = stop.changed() => return,
        };
        let event = match event {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(
                    missed,
                    "live updates fell behind; readers will see them on reload"
                );
                continue;
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if state.live.desk_listening() {
            match crate::http::admin::desk_update(&state, &event).await {
                Ok(Some(change)) => {
                    state.live.publish_desk(change);
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "cannot render a desk update"),
            }
        }
        if !state.live.has_listeners() {
            continue;
        }
        match render(&state, event.reply_id, event.kind).await {
            Ok(Some((name, data))) => {
                state.live.publish(Rendered {
                    story_id: event.story_id,
                    event: name,
                    data: data.into(),
                });
            }
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "cannot render a live update"),
        }
    }
}

async fn render(
    state: &AppState,
    reply_id: i64,
    kind: ThreadChange,
) -> Result<Option<(&'static str, String)>, AppError> {
    match kind {
        ThreadChange::Removed => {
            return Ok(Some(("remove", json!({ "id": reply_id }).to_string())));
        }
        ThreadChange::QuoteShown | ThreadChange::QuoteRemoved => {
            return render_quote(state, reply_id, kind).await;
        }
        ThreadChange::Added | ThreadChange::Changed => {}
    }
    let Some((entry, parent)) = thread::single(&state.db, reply_id).await? else {
        return Ok(None);
    };
    let name = if kind == ThreadChange::Added {
        "reply"
    } else {
        "change"
    };
    let html = item(state, &entry).into_string();
    Ok(Some((
        name,
        json!({ "id": reply_id, "parent": parent, "html": html }).to_string(),
    )))
}

/// A quote shown (with its list item) or gone, and how many now show.
async fn render_quote(
    state: &AppState,
    quote_id: i64,
    kind: ThreadChange,
) -> Result<Option<(&'static str, String)>, AppError> {
    if kind == ThreadChange::QuoteRemoved {
        let found = quote::find_by_id(&state.db, quote_id).await?;
        let total = quote::shown_count(&state.db, found.story_id).await?;
        let data = json!({ "id": quote_id, "total": total });
        return Ok(Some(("quote-remove", data.to_string())));
    }
    let Some((story_id, shown)) = quote::shown_one(&state.db, quote_id).await? else {
        return Ok(None);
    };
    let total = quote::shown_count(&state.db, story_id).await?;
    let html = quote_item(&shown).into_string();
    let data = json!({ "id": quote_id, "total": total, "html": html });
    Ok(Some(("quote", data.to_string())))
}

pub fn router() -> Router {
    Router::new().route("/stories/{slug}/live", get(stream))
}

async fn stream(
    data: Data<AppState>,
    client: ClientIp,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let found = story::find_by_slug(&data.db, &slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))?;
    let cap = data.settings.web.live_streams_per_client;
    let Some(slot) = data.live.open_stream(client.limit_key(), cap) else {
        tracing::debug!(client = %client, "too many live streams open");
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, HeaderValue::from_static("60"))],
            "Too many live pages open.",
        )
            .into_response());
    };
    Ok(Sse::new(updates(&data, found.id, slot))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response())
}

/// The story's changes until the hub closes; the stream owns `slot`, so dropping the stream (the
/// reader left, or the server stops) frees it.
fn updates(
    data: &AppState,
    story_id: i64,
    slot: StreamSlot,
) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
    let updates =
        BroadcastStream::new(data.live.subscribe()).filter_map(move |update| async move {
            match update {
                Ok(r) if r.story_id == story_id => {
                    Some(Ok(Event::default().event(r.event).data(r.data.as_ref())))
                }
                _ => None,
            }
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
