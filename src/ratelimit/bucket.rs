//! Token buckets: a key may spend its whole bucket at once (a burst) and earns it back at a
//! steady rate, so a sender that keeps to the rate is never refused and one that bursts is only
//! slowed to it. Unlike a fixed window, there is no edge where twice the limit passes.

use std::time::{Duration, Instant};

use super::{MAX_KEYS, Table};

/// What one key has spent of its bucket, as of its table entry's stamp. Keeping the spent
/// amount rather than what is left means a fresh key starts with a full bucket, and a bucket
/// that grows (a host with more active actors) has the difference to spend at once.
#[derive(Default)]
pub(super) struct Spent(f64);

impl Spent {
    /// Earns back what `per_sec` gives for the time since `stamp`, then spends one if a bucket
    /// of `burst` has room for it. Err: how long until it would.
    pub(super) fn take(
        &mut self,
        stamp: &mut Instant,
        now: Instant,
        burst: f64,
        per_sec: f64,
    ) -> Result<(), Duration> {
        let earned = now.saturating_duration_since(*stamp).as_secs_f64() * per_sec;
        self.0 = (self.0 - earned).max(0.0);
        *stamp = now;
        if self.0 + 1.0 <= burst {
            self.0 += 1.0;
            return Ok(());
        }
        let missing = self.0 + 1.0 - burst;
        Err(Duration::try_from_secs_f64(missing / per_sec).unwrap_or(Duration::MAX))
    }

    /// Returns one taken by [`Spent::take`] (another limit refused the request after all).
    pub(super) fn give_back(&mut self) {
        self.0 = (self.0 - 1.0).max(0.0);
    }
}

/// A bucket per key, all of one size and rate.
pub struct TokenBuckets {
    burst: f64,
    per_sec: f64,
    spent: Table<Spent>,
}

impl TokenBuckets {
    /// Buckets of `burst` requests, refilled at `rate` per second (a zero rate counts as one
    /// request a minute: nothing is ever refused for good).
    pub fn new(burst: u32, rate: f64) -> Self {
        Self::with_capacity(burst, rate, MAX_KEYS)
    }

    /// Buckets that hold a minute's allowance: `per_minute` at once, then `per_minute` a minute.
    pub fn per_minute(per_minute: u32) -> Self {
        Self::new(per_minute, f64::from(per_minute) / 60.0)
    }

    pub fn with_capacity(burst: u32, rate: f64, capacity: usize) -> Self {
        let burst = f64::from(burst.max(1));
        let per_sec = rate.max(1.0 / 60.0);
        // A bucket left alone for this long is full again, the same as a key never seen.
        let refilled = Duration::try_from_secs_f64(burst / per_sec).unwrap_or(Duration::MAX);
        TokenBuckets {
            burst,
            per_sec,
            spent: Table::new(capacity, refilled.max(Duration::from_secs(1))),
        }
    }

    /// Spends one request of `key`'s bucket. Err: how long until the next would be let in.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        self.spent.with(key, now, |(stamp, spent)| {
            spent.take(stamp, now, self.burst, self.per_sec)
        })
    }

    pub fn len(&self) -> usize {
        self.spent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
