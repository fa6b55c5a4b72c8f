//! The signature on every webhook body: `X-Broadsheet-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of the exact body bytes under the webhook's secret. The body carries the
//! `timestamp` also sent as `X-Broadsheet-Timestamp`, so the signature covers it: a receiver
//! that checks the signature, then that the two agree and are recent, refuses replays.

use crate::domain::alerts::hex;

pub const SIGNATURE: &str = "x-broadsheet-signature";
pub const TIMESTAMP: &str = "x-broadsheet-timestamp";
pub const EVENT: &str = "x-broadsheet-event";
/// The delivery's id: the same on every retry, so a receiver can drop a duplicate.
pub const DELIVERY: &str = "x-broadsheet-delivery";

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    format!("sha256={}", hex(ring::hmac::sign(&key, body).as_ref()))
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signs_like_any_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
