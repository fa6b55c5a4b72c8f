//! The one task that hears the other replicas: it re-sends their notices into this process's
//! broadcasts (never back to PostgreSQL). It listens on a connection of its own, not one of the
//! pool's, which it would hold for ever. When that connection drops, notices sent meanwhile are
//! gone: once listening again, every cache is told to drop everything.

use std::sync::Arc;

use sea_orm::sqlx::{self, postgres::PgListener};
use tokio::sync::watch;

use super::{
    CHANNEL,
    notice::{Notice, unpack},
    retry_delay,
};
use crate::{
    domain::reply::ThreadEvent,
    federation::context::{Federation, Invalidation},
};

pub struct Listener {
    fed: Arc<Federation>,
}

impl Listener {
    pub fn new(fed: Arc<Federation>) -> Self {
        Listener { fed }
    }

    /// Listens until `stop`, reconnecting as needed. Returns at once on SQLite.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        if !self.fed.cluster.shared() {
            return;
        }
        let url = self.fed.settings.database.url.expose().to_string();
        let mut failures = 0;
        let mut listened_before = false;
        loop {
            let connected = tokio::select! {
                connected = listen(&url) => connected,
                _ = stop.changed() => return,
            };
            match connected {
                Ok(mut listener) => {
                    if listened_before {
                        self.missed("listening again after the connection dropped");
                    }
                    listened_before = true;
                    failures = 0;
                    let error = tokio::select! {
                        error = self.hear_until_error(&mut listener) => error,
                        _ = stop.changed() => return,
                    };
                    tracing::warn!(%error, "stopped hearing the other replicas; reconnecting");
                }
                Err(error) => tracing::warn!(%error, "cannot listen to the other replicas"),
            }
            failures += 1;
            tokio::select! {
                () = tokio::time::sleep(retry_delay(failures)) => {},
                _ = stop.changed() => return,
            }
        }
    }

    async fn hear_until_error(&self, listener: &mut PgListener) -> sqlx::Error {
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => self.hear(notification.payload()),
                // The connection dropped and sqlx made a new one (listening again) before
                // saying so.
                Ok(None) => self.missed("the listening connection dropped"),
                Err(error) => return error,
            }
        }
    }

    fn hear(&self, payload: &str) {
        let Some(payload) = unpack(payload) else {
            self.missed("a notice this version cannot read");
            return;
        };
        if payload.replica == self.fed.cluster.replica {
            return;
        }
        for notice in payload.notices {
            match notice {
                Notice::Thread {
                    story,
                    reply,
                    change,
                } => {
                    let _ = self.fed.events.send(ThreadEvent {
                        story_id: story,
                        reply_id: reply,
                        kind: change,
                    });
                }
                Notice::Invalidate(what) => {
                    let _ = self.fed.invalidations.send(what);
                }
                Notice::Lost => self.missed("another replica lost some of its notices"),
            }
        }
    }

    /// Notices may have been missed: every cache drops everything. Live pages cannot be
    /// repaired; their readers see the missed changes on reload.
    fn missed(&self, why: &str) {
        tracing::warn!(
            why,
            "changes on other replicas may have been missed; caches start over"
        );
        for what in [
            Invalidation::Story(None),
            Invalidation::Moderation,
            Invalidation::RemoteActor(None),
        ] {
            let _ = self.fed.invalidations.send(what);
        }
    }
}

/// A connection of its own, listening on [`CHANNEL`].
async fn listen(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
