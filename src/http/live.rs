//! Live story pages. A hub renders each conversation change once and broadcasts the HTML;
//! every open page of that story receives it over Server-Sent Events. Many readers of one story
//! cost one query and one render per change, not one each. Changes are announced within the
//! process that accepted them; with several replicas, a reader sees those accepted by the
//! replica serving their stream (a reload shows everything).

use std::{convert::Infallible, sync::Arc, time::Duration};

use activitypub_federation::config::Data;
use axum::{
    Router,
    extract::Path,
    response::sse::{Event, KeepAlive, Sse},
    routing::get,
};
use futures_util::{Stream, StreamExt};
use serde_json::json;
use tokio::sync::{broadcast, watch};
use tokio_stream::wrappers::BroadcastStream;

use super::views::thread::item;
use crate::{
    domain::{
        reply::{ThreadChange, thread},
        story,
    },
    error::AppError,
    state::AppState,
};

/// A change, rendered.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub story_id: i64,
    pub event: &'static str,
    pub data: Arc<str>,
}

/// Sends rendered changes to every open stream.
pub struct Hub {
    sender: broadcast::Sender<Rendered>,
    /// Flipped at shutdown: open streams end, so the server's graceful stop need not wait for
    /// readers who keep a page open for hours.
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(256).0,
            closing: watch::channel(false).0,
        }
    }
}

impl Hub {
    /// Ends every open stream (the browsers reconnect to another replica or after restart).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Rendered> {
        self.sender.subscribe()
    }

    /// Renders announced changes until `stop`.
    pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
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
            if state.live.sender.receiver_count() == 0 {
                continue;
            }
            match render(&state, event.reply_id, event.kind).await {
                Ok(Some((name, data))) => {
                    let _ = state.live.sender.send(Rendered {
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
}

async fn render(
    state: &AppState,
    reply_id: i64,
    kind: ThreadChange,
) -> Result<Option<(&'static str, String)>, AppError> {
    if kind == ThreadChange::Removed {
        return Ok(Some(("remove", json!({ "id": reply_id }).to_string())));
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

pub fn router() -> Router {
    Router::new().route("/stories/{slug}/live", get(stream))
}

async fn stream(
    data: Data<AppState>,
    Path(slug): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let found = story::find_by_slug(&data.db, &slug)
        .await?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound("story"))?;
    let story_id = found.id;
    let updates =
        BroadcastStream::new(data.live.subscribe()).filter_map(move |update| async move {
            match update {
                Ok(r) if r.story_id == story_id => {
                    Some(Ok(Event::default().event(r.event).data(r.data.as_ref())))
                }
                _ => None,
            }
        });
    let mut closing = data.live.closing.subscribe();
    let updates = updates.take_until(async move {
        let _ = closing.wait_for(|closed| *closed).await;
    });
    Ok(Sse::new(updates).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
