//! Replicas on one PostgreSQL database hear each other's changes: conversation changes, for the
//! live pages each replica serves, and invalidations, for the caches each one keeps. Every local
//! [`Federation::announce`](super::context::Federation::announce) and
//! [`Federation::invalidate`](super::context::Federation::invalidate) is also queued here; one
//! [`sender`] task sends the queue with `pg_notify`, tagged with this process's replica id, and
//! one [`listener`] task re-sends into this process's broadcasts what the *other* replicas sent
//! (never notifying again, so nothing loops). On SQLite there is one process: nothing is queued.

pub mod listener;
pub mod notice;
pub mod sender;

use std::sync::{
    Mutex,
    atomic::{AtomicBool, Ordering},
};

use tokio::sync::mpsc;
use uuid::Uuid;

use notice::Notice;

/// The NOTIFY channel every replica of a database listens on. Notifications never leave their
/// database, so two sites on one PostgreSQL server do not hear each other.
pub const CHANNEL: &str = "broadsheet_changes";

/// Notices waiting for the sender. Past this (the database is unreachable, or far behind) new
/// ones are dropped and the next payload says so ([`Notice::Lost`]).
const QUEUE: usize = 8192;

/// This process's side of the conversation between replicas.
pub struct Cluster {
    /// Made at start: tells this process's notices from the others'.
    pub replica: Uuid,
    /// `None` on SQLite, where there is no other replica to tell.
    queue: Option<mpsc::Sender<Notice>>,
    /// The sending end's queue, until the sender task takes it.
    pending: Mutex<Option<mpsc::Receiver<Notice>>>,
    /// Set when a notice could not be queued or sent; cleared once the others are told.
    lost: AtomicBool,
}

impl Cluster {
    /// `shared` when other processes may use the same database (PostgreSQL).
    pub fn new(shared: bool) -> Self {
        let (queue, pending) = if shared {
            let (sender, receiver) = mpsc::channel(QUEUE);
            (Some(sender), Some(receiver))
        } else {
            (None, None)
        };
        Cluster {
            replica: Uuid::new_v4(),
            queue,
            pending: Mutex::new(pending),
            lost: AtomicBool::new(false),
        }
    }

    /// Queues `notice` for the other replicas. Never waits: the inbox calls this on its hot
    /// path, and the sender batches what accumulates while it is busy.
    pub fn publish(&self, notice: Notice) {
        if let Some(queue) = &self.queue
            && queue.try_send(notice).is_err()
        {
            self.lost.store(true, Ordering::Relaxed);
        }
    }

    /// The queue's receiving end, for the one sender task; `None` on SQLite or once taken.
    fn take_queue(&self) -> Option<mpsc::Receiver<Notice>> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }

    /// Whether notices were lost since the last call (and forgets it).
    fn take_lost(&self) -> bool {
        self.lost.swap(false, Ordering::Relaxed)
    }

    fn mark_lost(&self) {
        self.lost.store(true, Ordering::Relaxed);
    }
}

impl Cluster {
    /// Whether other replicas may share the database, so there is anyone to tell or hear.
    pub fn shared(&self) -> bool {
        self.queue.is_some()
    }
}

/// The wait before retry `failures` (from 1): doubling from a quarter second to half a minute,
/// so a database that is down is not hammered, and one that is back is used again soon.
fn retry_delay(failures: u32) -> std::time::Duration {
    let millis = 250u64.saturating_mul(1 << failures.saturating_sub(1).min(7));
    std::time::Duration::from_millis(millis.min(30_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_half_a_minute() {
        assert_eq!(retry_delay(1).as_millis(), 250);
        assert_eq!(retry_delay(2).as_millis(), 500);
        assert_eq!(retry_delay(8).as_millis(), 30_000);
        assert_eq!(retry_delay(u32::MAX).as_millis(), 30_000);
    }

    #[test]
    fn on_sqlite_nothing_is_queued_and_nothing_is_lost() {
        let alone = Cluster::new(false);
        alone.publish(Notice::Lost);
        assert!(!alone.shared() && alone.take_queue().is_none() && !alone.take_lost());
    }

    #[test]
    fn a_full_queue_is_remembered_as_lost() {
        let shared = Cluster::new(true);
        for _ in 0..=QUEUE {
            shared.publish(Notice::Lost);
        }
        assert!(shared.take_lost());
        assert!(!shared.take_lost(), "and forgotten once told");
        assert_eq!(shared.take_queue().map(|q| q.len()), Some(QUEUE));
    }
}
