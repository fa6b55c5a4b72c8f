//! Per-operation cost of HTTP signatures: `broadsheet::federation::signatures` (RSA on `ring`)
//! against the `rsa` crate (RSASSA-PKCS1-v1_5 / SHA-256, the path activitypub_federation uses),
//! with the same RSA-2048 key from `generate_actor_keypair()`.
//!
//! Rows:
//! - `sign`: one signature over a ~170-byte signing string;
//! - `verify`: one verification of it;
//! - `cavage::sign`: the whole `Signature` header of a POST (signing string, RSA, base64);
//! - `cavage parse+verify`: what an inbox does per request once the key is cached: parse the
//!   header, check its coverage, rebuild the signing string from the request and verify;
//! - `from_pem`: parsing a key, which the federation runtime caches (fewer iterations).
//!
//! Run (release optimisations, through the bench profile):
//!
//! ```sh
//! cargo bench --bench signatures
//! BENCH_ITERS=5000 cargo bench --bench signatures   # iterations per row (default 3000)
//! BENCH_QUICK=1 cargo bench --bench signatures      # a smoke run: 300 iterations per row
//! ```
//!
//! Settings come from the environment only; arguments (cargo passes `--bench`) are ignored.
//!
//! Figures are single-threaded wall time per operation; run on a quiet machine.

#![allow(clippy::unwrap_used)]

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use axum::http::{HeaderMap, HeaderValue};
use broadsheet::federation::signatures::{
    cavage,
    digest::digest_header,
    keys::{SigningKey, VerifyingKey},
};
use rsa::{
    RsaPrivateKey, RsaPublicKey, pkcs1v15,
    pkcs8::{DecodePrivateKey, DecodePublicKey},
    signature::{SignatureEncoding, Signer, Verifier},
};
use sha2::Sha256;

const DEFAULT_ITERS: usize = 3000;
const KEY_ID: &str = "https://news.example/actors/news#main-key";
const HOST: &str = "mastodon.example";
const INBOX: &str = "/inbox";

/// One measured row of the table.
struct Row {
    name: &'static str,
    iters: usize,
    total: Duration,
}

impl Row {
    fn micros_per_op(&self) -> f64 {
        self.total.as_secs_f64() * 1e6 / self.iters as f64
    }
}

/// Runs `op` a tenth of `iters` times to warm up, then `iters` times on the clock.
fn measure(name: &'static str, iters: usize, mut op: impl FnMut()) -> Row {
    for _ in 0..(iters / 10).max(1) {
        op();
    }
    let start = Instant::now();
    for _ in 0..iters {
        op();
    }
    let row = Row {
        name,
        iters,
        total: start.elapsed(),
    };
    eprintln!("  {:<42} {:>10.1} µs/op", row.name, row.micros_per_op());
    row
}

/// The headers an inbox sees on a signed POST.
fn signed_request(header: &str, date: &str, digest: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static(HOST));
    headers.insert("date", HeaderValue::from_str(date).unwrap());
    headers.insert("digest", HeaderValue::from_str(digest).unwrap());
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/activity+json"),
    );
    headers.insert("signature", HeaderValue::from_str(header).unwrap());
    headers
}

fn main() {
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1");
    let iters = std::env::var("BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick {
            DEFAULT_ITERS / 10
        } else {
            DEFAULT_ITERS
        });
    let pem_iters = (iters / 10).max(10);

    let pair = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
    let ours_signer = SigningKey::from_pem(&pair.private_key).unwrap();
    let ours_verifier = VerifyingKey::from_pem(&pair.public_key).unwrap();
    let rsa_private = RsaPrivateKey::from_pkcs8_pem(&pair.private_key).unwrap();
    let rsa_public = RsaPublicKey::from_public_key_pem(&pair.public_key).unwrap();
    let rsa_signer = pkcs1v15::SigningKey::<Sha256>::new(rsa_private);
    let rsa_verifier = pkcs1v15::VerifyingKey::<Sha256>::new(rsa_public);

    let body = br#"{"@context":"https://www.w3.org/ns/activitystreams","type":"Create","actor":"https://news.example/actors/news","object":{"type":"Article","name":"Council approves the 2027 budget"}}"#;
    let date = cavage::http_date(chrono::Utc::now());
    let digest = digest_header(body);
    let message =
        format!("(request-target): post {INBOX}\nhost: {HOST}\ndate: {date}\ndigest: {digest}");
    let message = message.as_bytes();

    // Both implementations produce the same deterministic PKCS#1 v1.5 signature.
    let ours_signature = ours_signer.sign(message).unwrap();
    let rsa_signature = rsa_signer.sign(message).to_vec();
    assert_eq!(ours_signature, rsa_signature, "implementations disagree");
    assert!(ours_verifier.verify(message, &ours_signature));

    let header = cavage::sign(
        "POST",
        INBOX,
        HOST,
        &date,
        Some(&digest),
        KEY_ID,
        &ours_signer,
    )
    .unwrap();
    let request = signed_request(&header, &date, &digest);
    let rsa_request_signature =
        rsa::pkcs1v15::Signature::try_from(rsa_signature.as_slice()).unwrap();

    eprintln!(
        "RSA-2048, {iters} iterations per row ({pem_iters} for from_pem), {} core(s) available",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut rows = vec![
        measure("ours  SigningKey::sign (ring)", iters, || {
            black_box(ours_signer.sign(black_box(message)).unwrap());
        }),
        measure("rsa   pkcs1v15::SigningKey::sign", iters, || {
            black_box(rsa_signer.sign(black_box(message)));
        }),
        measure("ours  VerifyingKey::verify (ring)", iters, || {
            assert!(ours_verifier.verify(black_box(message), black_box(&ours_signature)));
        }),
        measure("rsa   pkcs1v15::VerifyingKey::verify", iters, || {
            rsa_verifier
                .verify(black_box(message), black_box(&rsa_request_signature))
                .unwrap();
        }),
        measure("ours  cavage::sign (POST header)", iters, || {
            black_box(
                cavage::sign(
                    "POST",
                    INBOX,
                    HOST,
                    black_box(&date),
                    Some(&digest),
                    KEY_ID,
                    &ours_signer,
                )
                .unwrap(),
            );
        }),
        measure("ours  cavage parse+signing_string+verify", iters, || {
            let parsed = cavage::parse(black_box(&request)).unwrap();
            parsed.require_coverage(true).unwrap();
            let text = parsed
                .signing_string("POST", INBOX, HOST, &request)
                .unwrap();
            assert!(ours_verifier.verify(text.as_bytes(), &parsed.signature));
        }),
        measure("rsa   cavage parse+signing_string+verify", iters, || {
            let parsed = cavage::parse(black_box(&request)).unwrap();
            parsed.require_coverage(true).unwrap();
            let text = parsed
                .signing_string("POST", INBOX, HOST, &request)
                .unwrap();
            let signature = pkcs1v15::Signature::try_from(parsed.signature.as_slice()).unwrap();
            rsa_verifier.verify(text.as_bytes(), &signature).unwrap();
        }),
        measure("ours  cavage::parse alone", iters, || {
            black_box(cavage::parse(black_box(&request)).unwrap());
        }),
    ];
    rows.push(measure("ours  SigningKey::from_pem", pem_iters, || {
        black_box(SigningKey::from_pem(black_box(&pair.private_key)).unwrap());
    }));
    rows.push(measure("ours  VerifyingKey::from_pem", pem_iters, || {
        black_box(VerifyingKey::from_pem(black_box(&pair.public_key)).unwrap());
    }));
    rows.push(measure(
        "rsa   RsaPrivateKey::from_pkcs8_pem",
        pem_iters,
        || {
            black_box(RsaPrivateKey::from_pkcs8_pem(black_box(&pair.private_key)).unwrap());
        },
    ));

    println!();
    println!("| operation | iterations | µs/op | ops/s |");
    println!("|---|---:|---:|---:|");
    for row in &rows {
        let micros = row.micros_per_op();
        println!(
            "| {} | {} | {:.1} | {:.0} |",
            row.name,
            row.iters,
            micros,
            1e6 / micros
        );
    }
    let ratio = |a: usize, b: usize| rows[b].micros_per_op() / rows[a].micros_per_op();
    println!();
    println!(
        "ring vs rsa: sign {:.1}× faster, verify {:.1}× faster, full inbox check {:.1}× faster",
        ratio(0, 1),
        ratio(2, 3),
        ratio(5, 6)
    );
    println!(
        "\nBENCH signatures: ring sign {:.1} µs, verify {:.1} µs, inbox check {:.1} µs; rsa sign {:.1} µs, verify {:.1} µs",
        rows[0].micros_per_op(),
        rows[2].micros_per_op(),
        rows[5].micros_per_op(),
        rows[1].micros_per_op(),
        rows[3].micros_per_op()
    );
}
