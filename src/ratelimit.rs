//! Limits kept in memory, per key (a remote host, a client address, an account name). Each
//! replica counts for itself; the limits are meant to blunt floods, not to meter.
//!
//! - [`RateLimiter`]: a fixed window, at most `limit` events per key per window.
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
        let now = Instant::now();
        let window = self.window;
        self.counts.with(key, now, |(start, count)| {
            if now.saturating_duration_since(*start) >= window {
                *start = now;
                *count = 0;
            }
            *count = count.saturating_add(1);
            *count <= self.limit
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

/// A growing delay between attempts per key: the first `free` failures cost nothing; then each
/// attempt must come at least `base · 2^(n − free)` after the previous one (n: failures so far),
/// never more than `max`. Failures are forgotten `forget_after` the last attempt, or on success.
pub struct Backoff {
    free: u32,
    base: Duration,
    max: Duration,
    failures: Table<u32>,
}

impl Backoff {
    pub fn new(free: u32, base: Duration, max: Duration, forget_after: Duration) -> Self {
        Self::with_capacity(free, base, max, forget_after, MAX_KEYS)
    }

    pub fn with_capacity(
        free: u32,
        base: Duration,
        max: Duration,
        forget_after: Duration,
        capacity: usize,
    ) -> Self {
        Backoff {
            free,
            base,
            max,
            failures: Table::new(capacity, forget_after.max(max)),
        }
    }

    /// Starts an attempt for `key`: `Err(wait)` when it comes too soon (nothing is counted),
    /// otherwise it is counted as a failure until [`Backoff::succeeded`] says otherwise. Counting
    /// up front means attempts sent at once cannot all slip through the same opening.
    pub fn attempt(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        self.failures.with(key, now, |(last, failures)| {
            if *failures >= self.free {
                let wait = self.delay(*failures - self.free);
                let waited = now.saturating_duration_since(*last);
                if waited < wait {
                    return Err(wait - waited);
                }
            }
            *failures = failures.saturating_add(1);
            *last = now;
            Ok(())
        })
    }

    /// The attempt succeeded: `key`'s failures are forgotten.
    pub fn succeeded(&self, key: &str) {
        self.failures.remove(key);
    }

    fn delay(&self, beyond_free: u32) -> Duration {
        let factor = 2u32.saturating_pow(beyond_free.min(31));
        self.base.saturating_mul(factor).min(self.max)
    }

    pub fn len(&self) -> usize {
        self.failures.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::time::Duration;

    use super::{Backoff, RateLimiter};

    #[test]
    fn allows_up_to_the_limit_per_key_and_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.allow("a") && limiter.allow("a"));
        assert!(!limiter.allow("a"));
        assert!(limiter.allow("b"));
        limiter.reset("a");
        assert!(limiter.allow("a"));
        let short = RateLimiter::new(1, Duration::from_millis(1));
        assert!(short.allow("x"));
        std::thread::sleep(Duration::from_millis(5));
        assert!(short.allow("x"));
    }

    #[test]
    fn a_full_table_stays_bounded() {
        for capacity in [100, 10_000] {
            let limiter = RateLimiter::with_capacity(5, Duration::from_secs(3600), capacity);
            for i in 0..capacity * 5 {
                limiter.allow(&format!("key-{i}"));
                assert!(limiter.len() <= capacity, "{} keys", limiter.len());
            }
            assert!(limiter.len() >= capacity * 9 / 10, "room is not wasted");
        }
    }

    #[test]
    fn expired_keys_are_swept_without_a_full_table() {
        let limiter = RateLimiter::with_capacity(1, Duration::from_millis(20), 100);
        for i in 0..50 {
            limiter.allow(&format!("old-{i}"));
        }
        std::thread::sleep(Duration::from_millis(30));
        limiter.allow("new");
        assert_eq!(limiter.len(), 1, "one sweep dropped every expired key");
    }

    #[test]
    fn backoff_grows_to_its_cap_and_clears_on_success() {
        let ms = Duration::from_millis;
        let backoff = Backoff::new(2, ms(40), ms(100), Duration::from_secs(60));
        assert!(backoff.attempt("ana").is_ok());
        assert!(backoff.attempt("ana").is_ok());
        // Two free failures; the third attempt waits 40 ms after the last one.
        let wait = backoff.attempt("ana").unwrap_err();
        assert!(wait > ms(20) && wait <= ms(40), "{wait:?}");
        assert!(
            backoff.attempt("bo").is_ok(),
            "other accounts are not slowed"
        );
        std::thread::sleep(ms(45));
        assert!(backoff.attempt("ana").is_ok());
        // Then 80 ms, then the 100 ms cap however many failures follow.
        let wait = backoff.attempt("ana").unwrap_err();
        assert!(wait > ms(60) && wait <= ms(80), "{wait:?}");
        std::thread::sleep(ms(85));
        assert!(backoff.attempt("ana").is_ok());
        for _ in 0..3 {
            let wait = backoff.attempt("ana").unwrap_err();
            assert!(wait <= ms(100), "{wait:?}");
            std::thread::sleep(wait + ms(5));
            assert!(backoff.attempt("ana").is_ok());
        }
        backoff.succeeded("ana");
        assert!(backoff.attempt("ana").is_ok() && backoff.attempt("ana").is_ok());
    }

    #[test]
    fn a_full_backoff_table_stays_bounded() {
        let backoff = Backoff::with_capacity(
            3,
            Duration::from_secs(1),
            Duration::from_secs(60),
            Duration::from_secs(900),
            1000,
        );
        for i in 0..20_000 {
            let _ = backoff.attempt(&format!("name-{i}"));
        }
        assert!(backoff.len() <= 1000);
    }
}
