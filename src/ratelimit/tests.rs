//! The limiters' windows, delays and bounds.

#![allow(clippy::unwrap_used)]
use std::time::Duration;

use super::{Backoff, RateLimiter, Sender, SenderAllowance, SenderLimits, TokenBuckets};

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

#[test]
fn a_fixed_window_says_when_it_ends() {
    let limiter = RateLimiter::new(1, Duration::from_secs(60));
    assert!(limiter.check("a").is_ok());
    let wait = limiter.check("a").unwrap_err();
    assert!(
        wait > Duration::from_secs(59) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
}

#[test]
fn a_bucket_lets_a_burst_through_then_the_steady_rate() {
    // 5 at once, then one every 20 ms.
    let buckets = TokenBuckets::new(5, 50.0);
    for _ in 0..5 {
        assert!(buckets.take("a").is_ok());
    }
    let wait = buckets.take("a").unwrap_err();
    assert!(wait <= Duration::from_millis(20), "{wait:?}");
    assert!(
        buckets.take("b").is_ok(),
        "other keys have their own bucket"
    );
    std::thread::sleep(wait + Duration::from_millis(5));
    assert!(buckets.take("a").is_ok(), "earned back at the rate");
    assert!(buckets.take("a").is_err(), "but only one");
}

#[test]
fn a_sender_keeping_to_the_rate_is_never_refused() {
    let buckets = TokenBuckets::new(1, 200.0);
    for _ in 0..20 {
        assert!(buckets.take("steady").is_ok());
        std::thread::sleep(Duration::from_millis(6));
    }
}

#[test]
fn a_refused_request_spends_nothing() {
    let buckets = TokenBuckets::new(1, 100.0);
    assert!(buckets.take("a").is_ok());
    for _ in 0..50 {
        assert!(buckets.take("a").is_err());
    }
    // Hammering while refused did not push the next opening back.
    std::thread::sleep(Duration::from_millis(15));
    assert!(buckets.take("a").is_ok());
}

#[test]
fn a_full_bucket_table_stays_bounded() {
    let buckets = TokenBuckets::with_capacity(5, 1.0, 1000);
    for i in 0..20_000 {
        let _ = buckets.take(&format!("addr-{i}"));
    }
    assert!(buckets.len() <= 1000);
}

fn allowance(per_actor: u32, per_host: u32, per_active_actor: u32, max: u32) -> SenderAllowance {
    SenderAllowance {
        per_actor,
        per_host,
        per_active_actor,
        per_host_max: max,
    }
}

#[test]
fn a_host_with_many_active_actors_gets_room_for_them() {
    // Alone, the host could send 10 a minute; 200 actors sending 10 each all pass.
    let limits = SenderLimits::new(allowance(20, 10, 20, 100_000));
    for round in 0..10 {
        for actor in 0..200 {
            let result = limits.admit("big.example", &format!("https://big.example/u/{actor}"));
            assert!(result.is_ok(), "round {round}, actor {actor}: {result:?}");
        }
    }
}

#[test]
fn one_actor_flooding_is_refused_whatever_room_its_host_has() {
    let limits = SenderLimits::new(allowance(5, 1000, 100, 100_000));
    for _ in 0..5 {
        assert!(
            limits
                .admit("h.example", "https://h.example/u/flood")
                .is_ok()
        );
    }
    let refused = limits
        .admit("h.example", "https://h.example/u/flood")
        .unwrap_err();
    assert_eq!(refused.by, Sender::Actor);
    // Five a minute: the next is earned back within 12 s.
    assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= Duration::from_secs(12));
    assert!(
        limits
            .admit("h.example", "https://h.example/u/calm")
            .is_ok()
    );
}

#[test]
fn a_host_minting_actors_stops_at_its_cap() {
    let limits = SenderLimits::new(allowance(1000, 10, 10, 50));
    let admitted = (0..500)
        .filter(|i| {
            limits
                .admit("mint.example", &format!("https://mint.example/u/{i}"))
                .is_ok()
        })
        .count();
    assert_eq!(admitted, 50);
    let refused = limits
        .admit("mint.example", "https://mint.example/u/new")
        .unwrap_err();
    assert_eq!(refused.by, Sender::Host);
    assert!(
        refused.retry_after <= Duration::from_secs(2),
        "{:?}",
        refused.retry_after
    );
    assert!(
        limits
            .admit("other.example", "https://other.example/u/1")
            .is_ok(),
        "other hosts are not slowed"
    );
}

#[test]
fn a_request_its_host_refuses_does_not_spend_its_actors_allowance() {
    // Host h has room for one request; actor b, for three.
    let limits = SenderLimits::new(allowance(3, 1, 0, 1));
    assert!(limits.admit("h.example", "https://h.example/u/a").is_ok());
    for _ in 0..5 {
        let refused = limits
            .admit("h.example", "https://h.example/u/b")
            .unwrap_err();
        assert_eq!(refused.by, Sender::Host);
    }
    // The same actor key counted under hosts with room: its three are all still there.
    for host in ["k.example", "l.example", "m.example"] {
        assert!(limits.admit(host, "https://h.example/u/b").is_ok());
    }
    let refused = limits
        .admit("n.example", "https://h.example/u/b")
        .unwrap_err();
    assert_eq!(refused.by, Sender::Actor);
}
