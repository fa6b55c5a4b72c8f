//! RFC 9421 HTTP Message Signatures, as Mastodon 4.5+ verifies them and newer servers send them
//! first: `Signature-Input: sig1=("@method" "@target-uri" "content-digest");created=…;keyid="…"`
//! with `Signature: sig1=:…:` and an RFC 9530 `Content-Digest`.

use axum::http::HeaderMap;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};

use super::{SignatureError, header};

/// One parsed signature: its label's components and parameters, and the raw parameter string
/// the signature base ends with.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub components: Vec<String>,
    pub key_id: String,
    pub created: i64,
    pub expires: Option<i64>,
    pub signature: Vec<u8>,
    /// The inner list with its parameters, exactly as received (`@signature-params`).
    params_text: String,
}

/// What the signature base needs to know about the request, from our own configuration.
pub struct Target<'a> {
    pub method: &'a str,
    /// `https://host[:port]` as configured, so a TLS proxy changes nothing.
    pub origin: &'a str,
    pub authority: &'a str,
    pub path_and_query: &'a str,
}

pub fn is_present(headers: &HeaderMap) -> bool {
    headers.contains_key("signature-input")
}

pub fn parse(headers: &HeaderMap) -> Result<Parsed, SignatureError> {
    let input = header(headers, "signature-input")?;
    let signatures = header(headers, "signature")?;
    // The first label we can read; servers send one.
    let (label, rest) = input
        .split_once('=')
        .ok_or_else(|| SignatureError::Malformed("Signature-Input has no label".into()))?;
    let label = label.trim();
    let params_text = rest
        .trim()
        .split(", ")
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let (list, params) = params_text
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .ok_or_else(|| SignatureError::Malformed("Signature-Input is not an inner list".into()))?;
    let components = components(list)?;
    let params = SignatureParams::read(params)?;
    let signature = labelled(&signatures, label)
        .ok_or_else(|| SignatureError::Malformed(format!("no signature labelled {label}")))?;
    Ok(Parsed {
        components,
        key_id: params
            .key_id
            .ok_or_else(|| SignatureError::Malformed("no keyid".into()))?,
        created: params
            .created
            .ok_or(SignatureError::NotCovered("created"))?,
        expires: params.expires,
        signature: STANDARD
            .decode(signature)
            .map_err(|_| SignatureError::Malformed("signature is not base64".into()))?,
        params_text,
    })
}

/// The covered components: an inner list of plain strings, lower-cased.
fn components(list: &str) -> Result<Vec<String>, SignatureError> {
    list.split_whitespace()
        .map(|c| {
            c.strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .map(str::to_ascii_lowercase)
                .ok_or_else(|| {
                    SignatureError::Malformed(format!("component {c} is not a plain string"))
                })
        })
        .collect()
}

/// The parameters after the component list (`;created=…;keyid="…"`).
#[derive(Default)]
struct SignatureParams {
    key_id: Option<String>,
    created: Option<i64>,
    expires: Option<i64>,
}

impl SignatureParams {
    fn read(params: &str) -> Result<Self, SignatureError> {
        let mut read = SignatureParams::default();
        for param in params.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            let unquoted = value.trim_matches('"').to_string();
            match name {
                "keyid" => read.key_id = Some(unquoted),
                "created" => read.created = unquoted.parse().ok(),
                "expires" => read.expires = unquoted.parse().ok(),
                "alg" if unquoted != "rsa-v1_5-sha256" => {
                    return Err(SignatureError::UnsupportedAlgorithm(unquoted));
                }
                _ => {}
            }
        }
        Ok(read)
    }
}

/// The `:base64:` value labelled `label` in the `Signature` header.
fn labelled<'a>(signatures: &'a str, label: &str) -> Option<&'a str> {
    signatures
        .split(',')
        .map(str::trim)
        .find_map(|entry| entry.strip_prefix(label).and_then(|r| r.strip_prefix('=')))
        .and_then(|v| v.trim().strip_prefix(':').and_then(|v| v.strip_suffix(':')))
}

impl Parsed {
    /// A POST must cover its method, its target and its body's digest.
    pub fn require_coverage(&self) -> Result<(), SignatureError> {
        let covers = |c: &str| self.components.iter().any(|x| x == c);
        if !covers("@method") {
            return Err(SignatureError::NotCovered("@method"));
        }
        if !covers("@target-uri")
            && !(covers("@authority") && (covers("@path") || covers("@request-target")))
        {
            return Err(SignatureError::NotCovered("@target-uri"));
        }
        if !covers("content-digest") {
            return Err(SignatureError::NotCovered("content-digest"));
        }
        Ok(())
    }

    pub fn signed_at(&self) -> Result<DateTime<Utc>, SignatureError> {
        if self.expires.is_some_and(|e| e < Utc::now().timestamp()) {
            return Err(SignatureError::Stale);
        }
        DateTime::from_timestamp(self.created, 0).ok_or(SignatureError::Stale)
    }

    /// The signature base (RFC 9421 §2.5), rebuilt from our view of the request.
    pub fn signature_base(
        &self,
        target: &Target<'_>,
        headers: &HeaderMap,
    ) -> Result<String, SignatureError> {
        let mut lines = Vec::with_capacity(self.components.len() + 1);
        let (path, query) = target
            .path_and_query
            .split_once('?')
            .map_or((target.path_and_query, None), |(p, q)| (p, Some(q)));
        for component in &self.components {
            let value = match component.as_str() {
                "@method" => target.method.to_ascii_uppercase(),
                "@target-uri" => format!("{}{}", target.origin, target.path_and_query),
                "@authority" => target.authority.to_ascii_lowercase(),
                "@scheme" => target
                    .origin
                    .split("://")
                    .next()
                    .unwrap_or("https")
                    .to_string(),
                "@path" => path.to_string(),
                "@query" => format!("?{}", query.unwrap_or("")),
                "@request-target" => target.path_and_query.to_string(),
                derived if derived.starts_with('@') => {
                    return Err(SignatureError::Malformed(format!(
                        "unsupported component {derived}"
                    )));
                }
                field => header(headers, field)?,
            };
            lines.push(format!("\"{component}\": {value}"));
        }
        lines.push(format!("\"@signature-params\": {}", self.params_text));
        Ok(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::{HeaderMap, HeaderValue};

    use super::{Target, parse};
    use crate::federation::signatures::SignatureError;

    fn headers(input: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("signature-input", HeaderValue::from_static(input));
        h.insert("signature", HeaderValue::from_static("sig1=:AAAA:"));
        h.insert(
            "content-digest",
            HeaderValue::from_static("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"),
        );
        h
    }

    #[test]
    fn the_signature_base_follows_the_rfc() {
        let h = headers(
            r#"sig1=("@method" "@target-uri" "content-digest");created=1700000000;keyid="https://a.example/u#k""#,
        );
        let parsed = parse(&h).unwrap();
        parsed.require_coverage().unwrap();
        assert_eq!(parsed.key_id, "https://a.example/u#k");
        let target = Target {
            method: "post",
            origin: "https://news.example",
            authority: "news.example",
            path_and_query: "/inbox",
        };
        assert_eq!(
            parsed.signature_base(&target, &h).unwrap(),
            "\"@method\": POST\n\"@target-uri\": https://news.example/inbox\n\"content-digest\": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n\"@signature-params\": (\"@method\" \"@target-uri\" \"content-digest\");created=1700000000;keyid=\"https://a.example/u#k\""
        );
    }

    #[test]
    fn weak_or_unknown_signatures_are_refused() {
        let h = headers(r#"sig1=("@method" "@target-uri");created=1;keyid="k""#);
        assert_eq!(
            parse(&h).unwrap().require_coverage(),
            Err(SignatureError::NotCovered("content-digest"))
        );
        let h = headers(r#"sig1=("@method" "@target-uri" "content-digest");keyid="k""#);
        assert_eq!(
            parse(&h).unwrap_err(),
            SignatureError::NotCovered("created")
        );
        let h = headers(
            r#"sig1=("@method" "@target-uri" "content-digest");created=1;keyid="k";alg="hmac-sha256""#,
        );
        assert!(matches!(
            parse(&h),
            Err(SignatureError::UnsupportedAlgorithm(_))
        ));
    }
}
