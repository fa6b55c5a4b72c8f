//! Signing and verifying as Mastodon does, and what is refused.

#![allow(clippy::unwrap_used)]
use axum::http::{HeaderMap, HeaderValue};

use super::{parse, sign};
use crate::federation::signatures::{
    SignatureError,
    keys::{SigningKey, VerifyingKey},
};

#[test]
fn what_we_sign_verifies_from_the_receiving_side() {
    let pair = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
    let key = SigningKey::from_pem(&pair.private_key).unwrap();
    let date = "Wed, 25 Nov 2026 10:00:00 GMT";
    let header = sign(
        "POST",
        "/inbox",
        "example.com",
        date,
        Some("SHA-256=abc"),
        "https://a/@n#main-key",
        &key,
    )
    .unwrap();

    let mut headers = HeaderMap::new();
    headers.insert("signature", HeaderValue::from_str(&header).unwrap());
    headers.insert("date", HeaderValue::from_static(date));
    headers.insert("digest", HeaderValue::from_static("SHA-256=abc"));
    let parsed = parse(&headers).unwrap();
    assert_eq!(parsed.key_id, "https://a/@n#main-key");
    parsed.require_coverage(true).unwrap();
    let text = parsed
        .signing_string("POST", "/inbox", "example.com", &headers)
        .unwrap();
    let verifier = VerifyingKey::from_pem(&pair.public_key).unwrap();
    assert!(verifier.verify(text.as_bytes(), &parsed.signature));
    let elsewhere = parsed
        .signing_string("POST", "/other", "example.com", &headers)
        .unwrap();
    assert!(!verifier.verify(elsewhere.as_bytes(), &parsed.signature));
}

#[test]
fn malformed_and_weak_signatures_are_refused() {
    let with = |value: &'static str| {
        let mut h = HeaderMap::new();
        h.insert("signature", HeaderValue::from_static(value));
        h
    };
    assert_eq!(
        parse(&HeaderMap::new()).unwrap_err(),
        SignatureError::Missing
    );
    assert!(matches!(
        parse(&with("garbage")),
        Err(SignatureError::Malformed(_))
    ));
    assert!(matches!(
        parse(&with("keyId=\"k\",signature=\"%%%\"")),
        Err(SignatureError::Malformed(_))
    ));
    assert!(matches!(
        parse(&with(
            "keyId=\"k\",algorithm=\"hmac-sha256\",signature=\"AA==\""
        )),
        Err(SignatureError::UnsupportedAlgorithm(_))
    ));
    let only_date = parse(&with("keyId=\"k\",headers=\"date\",signature=\"AA==\"")).unwrap();
    assert_eq!(
        only_date.require_coverage(true),
        Err(SignatureError::NotCovered("(request-target)"))
    );
    let no_digest = parse(&with(
        "keyId=\"k\",headers=\"(request-target) host date\",signature=\"AA==\"",
    ))
    .unwrap();
    assert_eq!(
        no_digest.require_coverage(true),
        Err(SignatureError::NotCovered("digest"))
    );
    assert!(no_digest.require_coverage(false).is_ok());
}

#[test]
fn an_unsigned_created_or_expires_parameter_changes_nothing() {
    let two_hours_ago = chrono::Utc::now() - chrono::Duration::hours(2);
    let mut headers = HeaderMap::new();
    let now = chrono::Utc::now().timestamp();
    let value = format!(
        "keyId=\"k\",headers=\"(request-target) host date digest\",signature=\"AA==\",created={now}"
    );
    headers.insert("signature", HeaderValue::from_str(&value).unwrap());
    headers.insert(
        "date",
        HeaderValue::from_str(&super::http_date(two_hours_ago)).unwrap(),
    );
    let parsed = parse(&headers).unwrap();
    let at = parsed.signed_at(&headers).unwrap();
    assert_eq!(
        at.timestamp(),
        two_hours_ago.timestamp(),
        "the signed Date counts"
    );

    // Covered, `(created)` is what counts, and a covered `(expires)` in the past is stale.
    let past = now - 10;
    let value = format!(
        "keyId=\"k\",headers=\"(request-target) host (created) (expires) digest\",signature=\"AA==\",created={now},expires={past}"
    );
    headers.insert("signature", HeaderValue::from_str(&value).unwrap());
    let parsed = parse(&headers).unwrap();
    assert_eq!(parsed.signed_at(&headers), Err(SignatureError::Stale));
    let value = format!(
        "keyId=\"k\",headers=\"(request-target) host (created) digest\",signature=\"AA==\",created={now}"
    );
    headers.insert("signature", HeaderValue::from_str(&value).unwrap());
    headers.remove("date");
    let parsed = parse(&headers).unwrap();
    assert_eq!(parsed.signed_at(&headers).unwrap().timestamp(), now);
}
