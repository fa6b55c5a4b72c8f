//! When to try again. Exponential from a base delay, capped, with ±25 % jitter so a host that
//! comes back is not hit by every queued delivery in the same second.

use std::time::Duration;

/// The wait after `attempts` failed attempts (1 = the first failure).
pub fn delay(attempts: u32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).min(30);
    let raw = base.saturating_mul(1u32 << exponent).min(cap);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    raw.mul_f64(factor).min(cap)
}

/// A jitter value in [0, 1) from the system's randomness.
pub fn random_jitter() -> f64 {
    let mut bytes = [0u8; 4];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

/// What an answer means for a delivery.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Verdict {
    Delivered,
    /// The inbox will never accept it: do not retry.
    Rejected,
    Retry,
}

/// Mastodon's rule: 2xx is done; 4xx is final except 401 (key not fetched yet), 408 and 429.
pub fn verdict(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        401 | 408 | 429 => Verdict::Retry,
        400..=499 => Verdict::Rejected,
        _ => Verdict::Retry,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Verdict, delay, verdict};

    #[test]
    fn delays_double_up_to_the_cap() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(86_400);
        assert_eq!(delay(1, base, cap, 0.5), Duration::from_secs(30));
        assert_eq!(delay(2, base, cap, 0.5), Duration::from_secs(60));
        assert_eq!(delay(5, base, cap, 0.5), Duration::from_secs(480));
        assert_eq!(delay(40, base, cap, 0.5), cap);
        assert_eq!(
            delay(40, base, cap, 1.0),
            cap,
            "jitter never passes the cap"
        );
        assert_eq!(delay(1, base, cap, 0.0), Duration::from_millis(22_500));
    }

    #[test]
    fn status_codes_follow_mastodons_retry_rules() {
        assert_eq!(verdict(202), Verdict::Delivered);
        for retry in [401, 408, 429, 500, 502, 503] {
            assert_eq!(verdict(retry), Verdict::Retry, "{retry}");
        }
        for final_status in [400, 403, 404, 410, 413, 422] {
            assert_eq!(verdict(final_status), Verdict::Rejected, "{final_status}");
        }
    }
}
