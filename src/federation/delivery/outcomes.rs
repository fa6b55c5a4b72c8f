//! The writer of delivery outcomes. Attempts hand their outcome over and free their slot at
//! once; the writer takes whatever has piled up since its last write and writes it in one
//! transaction (`storage::delivery_outcomes`), so the database sees a commit per batch, not
//! three writes per delivery, and a slow commit holds no delivery slot.
//!
//! Until its batch commits, a row stays pending under the worker's lease: nobody else takes it,
//! and if the process dies first the lease runs out and the row is sent again. A crash may
//! repeat a delivery; it never skips one.

use std::{sync::Arc, time::Duration};

use tokio::{sync::mpsc, task::JoinHandle};

use crate::{
    federation::context::Federation,
    storage::delivery_outcomes::{self, Attempted},
};

/// Outcomes written at most per transaction; more wait for the next one.
const MAX_BATCH: usize = 1000;
/// A batch that cannot be written is tried again after these waits, then left to the lease.
const RETRY_WAITS: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(500),
    Duration::from_secs(2),
];

/// Where attempts hand their outcomes; cloned into each attempt. Unbounded, yet never large:
/// each attempt in flight (at most `concurrency` + `slow_slots`) hands over one outcome.
#[derive(Clone)]
pub struct Outcomes(mpsc::UnboundedSender<Attempted<'static>>);

impl Outcomes {
    /// Starts the writer for rows leased under `token`. It runs until every [`Outcomes`] is
    /// dropped and what they handed over is written; await the handle to know it is.
    pub fn start(fed: Arc<Federation>, token: Arc<str>) -> (Outcomes, JoinHandle<()>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_batches(fed, token, receiver));
        (Outcomes(sender), writer)
    }

    pub fn hand_over(&self, attempted: Attempted<'static>) {
        // The writer outlives every sender, so this fails only if it panicked; the row then
        // goes out again when its lease runs out.
        if self.0.send(attempted).is_err() {
            tracing::error!("the delivery outcome writer is gone");
        }
    }
}

async fn write_batches(
    fed: Arc<Federation>,
    token: Arc<str>,
    mut receiver: mpsc::UnboundedReceiver<Attempted<'static>>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Whatever arrived while the last batch was being written makes the next one.
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        write(&fed, &token, &batch).await;
        batch.clear();
    }
}

async fn write(fed: &Federation, token: &str, batch: &[Attempted<'static>]) {
    let dead_after = chrono::Duration::seconds(fed.settings.delivery.dead_after_secs as i64);
    let mut waits = RETRY_WAITS.iter();
    loop {
        let dead_before = chrono::Utc::now() - dead_after;
        let Err(err) = delivery_outcomes::record(&fed.db, token, batch, dead_before).await else {
            return;
        };
        let Some(wait) = waits.next() else {
            // The rows stay leased; they are sent again when the lease runs out.
            tracing::error!(error = %err, outcomes = batch.len(), "cannot record delivery outcomes");
            return;
        };
        tracing::warn!(error = %err, outcomes = batch.len(), "recording delivery outcomes failed; trying again");
        tokio::time::sleep(*wait).await;
    }
}
