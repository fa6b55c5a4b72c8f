//! A growing delay between attempts per key (see the module above).

use std::time::{Duration, Instant};

use super::{MAX_KEYS, Table};

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
