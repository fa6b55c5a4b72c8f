//! draft-cavage-http-signatures-12, as Mastodon signs and verifies it:
//! `Signature: keyId="…",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="…"`.

use axum::http::HeaderMap;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};

use super::{SignatureError, keys::SigningKey};

/// The headers we sign on a POST; a GET drops `digest`.
const POST_HEADERS: &str = "(request-target) host date digest";
const GET_HEADERS: &str = "(request-target) host date";

/// The `Date` header format (RFC 7231 IMF-fixdate).
pub fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Builds the `Signature` header for a request. `digest` is the `Digest` header of a POST body.
pub fn sign(
    method: &str,
    path_and_query: &str,
    host: &str,
    date: &str,
    digest: Option<&str>,
    key_id: &str,
    key: &SigningKey,
) -> anyhow::Result<String> {
    let mut lines = vec![
        format!(
            "(request-target): {} {path_and_query}",
            method.to_ascii_lowercase()
        ),
        format!("host: {host}"),
        format!("date: {date}"),
    ];
    if let Some(digest) = digest {
        lines.push(format!("digest: {digest}"));
    }
    let signature = STANDARD.encode(key.sign(lines.join("\n").as_bytes())?);
    let headers = if digest.is_some() {
        POST_HEADERS
    } else {
        GET_HEADERS
    };
    Ok(format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{headers}\",signature=\"{signature}\""
    ))
}

/// A parsed `Signature` header.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub key_id: String,
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    /// The `created` parameter; it counts only when `(created)` is covered (see
    /// [`Parsed::signed_at`]), since anyone can append parameters to an unsigned header.
    pub created: Option<i64>,
    /// The `expires` parameter; it counts only when `(expires)` is covered.
    pub expires: Option<i64>,
}

/// Reads `Signature` (or `Authorization: Signature …`).
pub fn parse(headers: &HeaderMap) -> Result<Parsed, SignatureError> {
    let value = headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Signature "))
                .map(str::to_string)
        })
        .ok_or(SignatureError::Missing)?;
    let mut key_id = None;
    let mut algorithm = None;
    let mut covered = None;
    let mut signature = None;
    let mut created = None;
    let mut expires = None;
    for (name, value) in params(&value)? {
        match name.as_str() {
            "keyId" => key_id = Some(value),
            "algorithm" => algorithm = Some(value),
            "headers" => covered = Some(value),
            "signature" => signature = Some(value),
            "created" => created = value.parse().ok(),
            "expires" => expires = value.parse().ok(),
            _ => {}
        }
    }
    if let Some(algorithm) = algorithm {
        // hs2019 means "whatever the key is": for us, RSA with SHA-256.
        if !matches!(
            algorithm.to_ascii_lowercase().as_str(),
            "rsa-sha256" | "hs2019"
        ) {
            return Err(SignatureError::UnsupportedAlgorithm(algorithm));
        }
    }
    let signature = STANDARD
        .decode(signature.ok_or_else(|| SignatureError::Malformed("no signature".into()))?)
        .map_err(|_| SignatureError::Malformed("signature is not base64".into()))?;
    Ok(Parsed {
        key_id: key_id.ok_or_else(|| SignatureError::Malformed("no keyId".into()))?,
        headers: covered
            .unwrap_or_else(|| "date".into())
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect(),
        signature,
        created,
        expires,
    })
}

/// `name="value"` pairs separated by commas; values may contain commas inside quotes.
fn params(value: &str) -> Result<Vec<(String, String)>, SignatureError> {
    let mut out = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once('=')
            .ok_or_else(|| SignatureError::Malformed(format!("expected name=value at `{rest}`")))?;
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| SignatureError::Malformed("unterminated quote".into()))?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            after.split_once(',').map_or((after, ""), |(v, r)| (v, r))
        };
        out.push((name.trim().to_string(), value.to_string()));
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    Ok(out)
}

impl Parsed {
    /// Checks that the signature covers what makes a POST unforgeable and unreplayable
    /// elsewhere: the target, the host, a date and the body's digest.
    pub fn require_coverage(&self, is_post: bool) -> Result<(), SignatureError> {
        let covers = |h: &str| self.headers.iter().any(|c| c == h);
        if !covers("(request-target)") {
            return Err(SignatureError::NotCovered("(request-target)"));
        }
        if !covers("host") {
            return Err(SignatureError::NotCovered("host"));
        }
        // The freshness of a request must itself be signed: a covered `(created)`, or else a
        // covered `Date` header.
        if !covers("date") && !covers("(created)") {
            return Err(SignatureError::NotCovered("date"));
        }
        if is_post && !covers("digest") {
            return Err(SignatureError::NotCovered("digest"));
        }
        Ok(())
    }

    /// When the request was signed: the `created` parameter when `(created)` is covered, else
    /// the signed `Date` header. A covered `(expires)` in the past makes the request stale.
    /// Uncovered parameters are ignored: they could have been added by anyone on the way.
    pub fn signed_at(&self, headers: &HeaderMap) -> Result<DateTime<Utc>, SignatureError> {
        let covers = |h: &str| self.headers.iter().any(|c| c == h);
        if covers("(expires)") {
            let expires = self
                .expires
                .ok_or_else(|| SignatureError::MissingHeader("(expires)".into()))?;
            if expires < Utc::now().timestamp() {
                return Err(SignatureError::Stale);
            }
        }
        if covers("(created)") {
            let created = self
                .created
                .ok_or_else(|| SignatureError::MissingHeader("(created)".into()))?;
            return DateTime::from_timestamp(created, 0).ok_or(SignatureError::Stale);
        }
        if !covers("date") {
            return Err(SignatureError::NotCovered("date"));
        }
        let date = header(headers, "date")?;
        DateTime::parse_from_rfc2822(&date)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| SignatureError::Malformed(format!("unreadable date `{date}`")))
    }

    /// The string the sender signed, rebuilt from our own view of the request. `host` is our
    /// configured host, not the Host header, so a TLS proxy that rewrites it breaks nothing.
    pub fn signing_string(
        &self,
        method: &str,
        path_and_query: &str,
        host: &str,
        headers: &HeaderMap,
    ) -> Result<String, SignatureError> {
        let mut lines = Vec::with_capacity(self.headers.len());
        for name in &self.headers {
            let value = match name.as_str() {
                "(request-target)" => format!("{} {path_and_query}", method.to_ascii_lowercase()),
                "(created)" => self
                    .created
                    .ok_or_else(|| SignatureError::MissingHeader("(created)".into()))?
                    .to_string(),
                "(expires)" => self
                    .expires
                    .ok_or_else(|| SignatureError::MissingHeader("(expires)".into()))?
                    .to_string(),
                "host" => host.to_string(),
                other => header(headers, other)?,
            };
            lines.push(format!("{name}: {value}"));
        }
        Ok(lines.join("\n"))
    }
}

fn header(headers: &HeaderMap, name: &str) -> Result<String, SignatureError> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return Err(SignatureError::MissingHeader(name.to_string()));
    }
    Ok(values.join(", "))
}

#[cfg(test)]
mod tests {
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
        assert_eq!(at.timestamp(), two_hours_ago.timestamp(), "the signed Date counts");

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
}
