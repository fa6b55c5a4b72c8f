//! draft-cavage-http-signatures-12, as Mastodon signs and verifies it:
//! `Signature: keyId="…",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="…"`.

#[cfg(test)]
mod tests;

use axum::http::HeaderMap;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};

use super::{SignatureError, header, keys::SigningKey};

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
    let value = header_value(headers).ok_or(SignatureError::Missing)?;
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
    check_algorithm(algorithm)?;
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

/// `Signature: …`, or `Authorization: Signature …` as some servers send it.
fn header_value(headers: &HeaderMap) -> Option<String> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    text("signature").map(str::to_string).or_else(|| {
        text("authorization")
            .and_then(|v| v.strip_prefix("Signature "))
            .map(str::to_string)
    })
}

/// hs2019 means "whatever the key is": for us, RSA with SHA-256, as rsa-sha256 says.
fn check_algorithm(algorithm: Option<String>) -> Result<(), SignatureError> {
    match algorithm {
        Some(a) if !matches!(a.to_ascii_lowercase().as_str(), "rsa-sha256" | "hs2019") => {
            Err(SignatureError::UnsupportedAlgorithm(a))
        }
        _ => Ok(()),
    }
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
