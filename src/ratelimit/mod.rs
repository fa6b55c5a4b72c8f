//! Limits kept in memory, per key (a remote host, a client address, an account name). Each
//! replica counts for itself; the limits are meant to blunt floods, not to meter.
//!
//! - [`RateLimiter`]: a fixed window, at most `limit` events per key per window.
//! - [`TokenBuckets`]: a burst at once, then a steady rate, per key.
//! - [`SenderLimits`]: the inbox's buckets per verified actor and per host, a host's growing with
//!   its active actors.
//! - [`Backoff`]: after a few failures, each further attempt waits twice as long as the last,
//!   up to a cap; a success clears it.
//!
//! Both keep their keys in a [`Table`]: the keys are spread over shards, each behind its own
//! mutex, and a shard drops its expired keys at most once per period, so no request waits for
//! a sweep of every key (or for a lock every other request holds). A table never holds more
//! than its capacity: when a shard is full of live keys, one of them is forgotten.

use std::{
    collections::HashMap,
    hash::{BuildHasher, RandomState},
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

mod backoff;
mod bucket;
mod senders;
#[cfg(test)]
mod tests;

pub use backoff::Backoff;
pub use bucket::TokenBuckets;
pub use senders::{Refused, Sender, SenderAllowance, SenderLimits};

/// Keys kept at most, per limiter.
const MAX_KEYS: usize = 100_000;
const SHARDS: usize = 32;

/// A map from keys to a value and the instant it was last stamped, forgotten `ttl` after that.
struct Table<V> {
    shards: Box<[Mutex<Shard<V>>]>,
    hasher: RandomState,
    per_shard: usize,
    ttl: Duration,
}

struct Shard<V> {
    entries: HashMap<String, (Instant, V)>,
    last_sweep: Instant,
}

impl<V: Default> Table<V> {
    fn new(capacity: usize, ttl: Duration) -> Self {
        let shards = if capacity < SHARDS * 16 { 1 } else { SHARDS };
        let now = Instant::now();
        Table {
            shards: (0..shards)
                .map(|_| {
                    Mutex::new(Shard {
                        entries: HashMap::new(),
                        last_sweep: now,
                    })
                })
                .collect(),
            hasher: RandomState::new(),
            per_shard: (capacity / shards).max(1),
            ttl,
        }
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, Shard<V>> {
        let index = (self.hasher.hash_one(key) % self.shards.len() as u64) as usize;
        // Nothing panics while a shard is held, but a poisoned lock still holds valid counts.
        self.shards[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on `key`'s entry (a fresh one is stamped `now` with the default value).
    fn with<R>(&self, key: &str, now: Instant, f: impl FnOnce(&mut (Instant, V)) -> R) -> R {
        let mut shard = self.shard(key);
        if let Some(entry) = shard.entries.get_mut(key) {
            return f(entry);
        }
        let ttl = self.ttl;
        let full = shard.entries.len() >= self.per_shard;
        // A sweep costs one shard's keys and happens at most once per period; a full shard may
        // sweep a little more often, since its expired keys are taking the room of live ones.
        let since = now.saturating_duration_since(shard.last_sweep);
        if since >= ttl || (full && since >= ttl / 8) {
            shard
                .entries
                .retain(|_, (stamp, _)| now.saturating_duration_since(*stamp) < ttl);
            shard.last_sweep = now;
        }
        if shard.entries.len() >= self.per_shard {
            let victim = shard.entries.keys().next().cloned();
            if let Some(victim) = victim {
                shard.entries.remove(&victim);
            }
        }
        let entry = shard
            .entries
            .entry(key.to_string())
            .or_insert((now, V::default()));
        f(entry)
    }

    fn remove(&self, key: &str) {
        self.shard(key).entries.remove(key);
    }

    fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                s.lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .entries
                    .len()
            })
            .sum()
    }
}

/// At most `limit` events per key in each fixed window.
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    counts: Table<u32>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self::with_capacity(limit, window, MAX_KEYS)
    }

    /// A limiter that keeps at most `capacity` keys.
    pub fn with_capacity(limit: u32, window: Duration, capacity: usize) -> Self {
        RateLimiter {
            limit,
            window,
            counts: Table::new(capacity, window),
        }
    }

    /// Counts one event for `key`; false once the window's limit is passed.
    pub fn allow(&self, key: &str) -> bool {
        self.check(key).is_ok()
    }

    /// Counts one event for `key`. Err once the window's limit is passed: how long until the
    /// window ends and the key may try again.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let window = self.window;
        self.counts.with(key, now, |(start, count)| {
            if now.saturating_duration_since(*start) >= window {
                *start = now;
                *count = 0;
            }
            *count = count.saturating_add(1);
            if *count <= self.limit {
                Ok(())
            } else {
                Err(window.saturating_sub(now.saturating_duration_since(*start)))
            }
        })
    }

    /// Forgets `key` (a successful login clears its count).
    pub fn reset(&self, key: &str) {
        self.counts.remove(key);
    }

    /// Keys held now (expired ones included until their shard is swept).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
