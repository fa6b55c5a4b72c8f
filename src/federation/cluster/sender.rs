//! The one task that sends this replica's notices. Whatever accumulated while the previous
//! statement ran goes out in the next one, so a burst of inbox work costs a few statements, and
//! no request ever waits on a NOTIFY.

use std::sync::Arc;

use sea_orm::sqlx::{self, PgPool};
use tokio::sync::{mpsc, watch};

use super::{
    CHANNEL,
    notice::{NOTICES_PER_PAYLOAD, Notice, pack},
    retry_delay,
};
use crate::federation::context::Federation;

/// Every payload in one statement; they are delivered in this order.
const NOTIFY: &str = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";

/// Notices sent in one statement at most; more wait for the next.
const NOTICES_PER_STATEMENT: usize = NOTICES_PER_PAYLOAD * 32;

pub struct Sender {
    fed: Arc<Federation>,
}

impl Sender {
    pub fn new(fed: Arc<Federation>) -> Self {
        Sender { fed }
    }

    /// Sends queued notices until `stop`, then what is still queued. Returns at once on SQLite.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let Some(mut queue) = self.fed.cluster.take_queue() else {
            return;
        };
        let pool = self.fed.db.get_postgres_connection_pool().clone();
        let mut failures = 0;
        loop {
            let batch = if failures == 0 {
                let first = tokio::select! {
                    received = queue.recv() => received,
                    _ = stop.changed() => None,
                };
                let Some(first) = first else { break };
                take_batch(vec![first], &mut queue)
            } else {
                // After a failure, retry even with nothing queued: the others must hear that
                // they missed something.
                tokio::select! {
                    () = tokio::time::sleep(retry_delay(failures)) => {},
                    _ = stop.changed() => break,
                }
                take_batch(Vec::new(), &mut queue)
            };
            failures = if self.send(&pool, batch).await {
                0
            } else {
                failures + 1
            };
        }
        // What the stopping server announced last still reaches the other replicas.
        loop {
            let batch = take_batch(Vec::new(), &mut queue);
            let last = batch.is_empty();
            if !self.send(&pool, batch).await || last {
                break;
            }
        }
    }

    /// Sends `notices` (and, first, word that earlier ones were lost); false on failure.
    async fn send(&self, pool: &PgPool, mut notices: Vec<Notice>) -> bool {
        let cluster = &self.fed.cluster;
        if cluster.take_lost() {
            notices.insert(0, Notice::Lost);
        }
        if notices.is_empty() {
            return true;
        }
        let payloads = pack(cluster.replica, &notices);
        let sent = sqlx::query(NOTIFY)
            .bind(CHANNEL)
            .bind(payloads)
            .execute(pool)
            .await;
        match sent {
            Ok(_) => true,
            Err(err) => {
                tracing::warn!(error = %err, lost = notices.len(), "cannot tell the other replicas");
                cluster.mark_lost();
                false
            }
        }
    }
}

/// `batch` and whatever else is queued, up to one statement's worth.
fn take_batch(mut batch: Vec<Notice>, queue: &mut mpsc::Receiver<Notice>) -> Vec<Notice> {
    while batch.len() < NOTICES_PER_STATEMENT {
        match queue.try_recv() {
            Ok(notice) => batch.push(notice),
            Err(_) => break,
        }
    }
    batch
}

/// Tells the running replicas about `notices` once, from a process that runs no sender (the
/// CLI writes to the database directly, and the servers' caches must hear of it). Does nothing
/// on SQLite, where no other process listens.
pub async fn notify_once(
    db: &sea_orm::DatabaseConnection,
    notices: &[Notice],
) -> Result<(), sqlx::Error> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    sqlx::query(NOTIFY)
        .bind(CHANNEL)
        .bind(pack(uuid::Uuid::new_v4(), notices))
        .execute(db.get_postgres_connection_pool())
        .await?;
    Ok(())
}
