//! Fixed-window rate limits kept in memory, per key (a remote host, an address and account
//! name). Each replica counts for itself; the limits are meant to blunt floods, not to meter.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Keys kept at most; past this, expired windows are swept.
const MAX_KEYS: usize = 100_000;

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event for `key`; false once the window's limit is passed.
    pub fn allow(&self, key: &str) -> bool {
        let Ok(mut counts) = self.counts.lock() else {
            return true;
        };
        let now = Instant::now();
        if counts.len() >= MAX_KEYS {
            let window = self.window;
            counts.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = counts.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }

    /// Forgets `key` (a successful login clears its failures).
    pub fn reset(&self, key: &str) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::RateLimiter;

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
}
