//! The limiters' windows, delays and bounds.

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
