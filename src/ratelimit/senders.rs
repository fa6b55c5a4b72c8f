//! The inbox's limits per verified sender. Each remote actor has a bucket of its own, and each
//! remote host one that grows with the number of its actors active lately: a big instance whose
//! readers all answer a viral story gets room for all of them, a host minting actors to get more
//! room stops at a cap, and one account flooding is stopped by its own bucket whatever room its
//! host has. Only verified signers are counted (the caller checks signatures first), so nobody
//! spends another server's allowance.

use std::time::{Duration, Instant};

use super::{MAX_KEYS, Table, bucket::Spent};

/// An actor counts as active for its host during the minute it sent in and the next one.
const ACTIVE_WINDOW: Duration = Duration::from_secs(60);

/// How much each sender may send, per minute; every bucket holds a minute's worth.
#[derive(Debug, Clone, Copy)]
pub struct SenderAllowance {
    pub per_actor: u32,
    /// A host's allowance with no actor active yet.
    pub per_host: u32,
    /// Added to its host's allowance by each of its actors active lately.
    pub per_active_actor: u32,
    /// The most a host's allowance grows to, however many actors it has.
    pub per_host_max: u32,
}

/// Which allowance ran out, and how long until the next request would be let in.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub by: Sender,
    pub retry_after: Duration,
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Sender {
    Actor,
    Host,
}

pub struct SenderLimits {
    allowance: SenderAllowance,
    /// Where activity windows are counted from.
    origin: Instant,
    actors: Table<ActorEntry>,
    hosts: Table<HostEntry>,
}

#[derive(Default)]
struct ActorEntry {
    spent: Spent,
    /// The window in which this actor was last counted as active for its host.
    counted_in: Option<u64>,
}

/// A host's bucket and how many distinct actors it had active in this window and the last.
#[derive(Default)]
struct HostEntry {
    spent: Spent,
    window: u64,
    active_now: u32,
    active_before: u32,
}

impl HostEntry {
    fn enter(&mut self, window: u64) {
        if window != self.window {
            self.active_before = if window == self.window + 1 {
                self.active_now
            } else {
                0
            };
            self.active_now = 0;
            self.window = window;
        }
    }

    /// Actors active lately: the larger of the two windows, so the count does not drop to zero
    /// the moment a new window starts.
    fn active(&self) -> u32 {
        self.active_now.max(self.active_before)
    }
}

impl SenderLimits {
    pub fn new(allowance: SenderAllowance) -> Self {
        Self::with_capacity(allowance, MAX_KEYS)
    }

    pub fn with_capacity(allowance: SenderAllowance, capacity: usize) -> Self {
        // Long enough for a bucket to refill and for both activity windows to pass: a key
        // forgotten after this is no different from one never seen.
        let ttl = ACTIVE_WINDOW * 3;
        SenderLimits {
            allowance,
            origin: Instant::now(),
            actors: Table::new(capacity, ttl),
            hosts: Table::new(capacity, ttl),
        }
    }

    /// Counts one request from `actor` on `host`, or says which allowance refuses it. A request
    /// refused by its host's allowance does not spend its actor's.
    pub fn admit(&self, host: &str, actor: &str) -> Result<(), Refused> {
        let now = Instant::now();
        let window = now.saturating_duration_since(self.origin).as_secs() / ACTIVE_WINDOW.as_secs();
        let per_actor = f64::from(self.allowance.per_actor.max(1));
        let newly_active = self.actors.with(actor, now, |(stamp, entry)| {
            entry
                .spent
                .take(stamp, now, per_actor, per_actor / 60.0)
                .map_err(|retry_after| Refused {
                    by: Sender::Actor,
                    retry_after,
                })?;
            let newly = entry.counted_in != Some(window);
            entry.counted_in = Some(window);
            Ok(newly)
        })?;
        let by_host = self.hosts.with(host, now, |(stamp, entry)| {
            entry.enter(window);
            if newly_active {
                entry.active_now = entry.active_now.saturating_add(1);
            }
            let per_minute = self.host_per_minute(entry.active());
            entry.spent.take(stamp, now, per_minute, per_minute / 60.0)
        });
        by_host.map_err(|retry_after| {
            self.actors
                .with(actor, now, |(_, entry)| entry.spent.give_back());
            Refused {
                by: Sender::Host,
                retry_after,
            }
        })
    }

    /// A host's allowance per minute (and its bucket's size) with `active` actors.
    fn host_per_minute(&self, active: u32) -> f64 {
        let a = self.allowance;
        let grown = u64::from(a.per_host) + u64::from(a.per_active_actor) * u64::from(active);
        grown
            .min(u64::from(a.per_host_max))
            .max(u64::from(a.per_host.max(1))) as f64
    }

    /// Keys held now, actors and hosts together.
    pub fn len(&self) -> usize {
        self.actors.len() + self.hosts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
