//! HTTP signatures, our own module on the two hot paths (signing every delivery, verifying every
//! inbox request). RSA runs on `ring`, several times faster than the `rsa` crate at both; `rsa`
//! only parses PEM, once per key.

pub mod cavage;
pub mod digest;
pub mod keys;
pub mod rfc9421;

/// Why a request's signature was not accepted. Every variant is answered with 401.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the request is not signed")]
    Missing,
    #[error("the Signature header is malformed: {0}")]
    Malformed(String),
    #[error("unsupported signature algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    #[error("the signature must cover `{0}`")]
    NotCovered(&'static str),
    #[error("the signed header `{0}` is missing")]
    MissingHeader(String),
    #[error("the signature's date is outside the accepted window")]
    Stale,
    #[error("the body does not match its digest")]
    DigestMismatch,
    #[error("the signature does not verify")]
    Invalid,
    #[error("the signing key could not be found: {0}")]
    UnknownKey(String),
}

/// A signed header's value as both schemes read it: every field line of that name, trimmed,
/// joined with `, `.
fn header(headers: &axum::http::HeaderMap, name: &str) -> Result<String, SignatureError> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::trim)
        .collect();
    if values.is_empty() {
        return Err(SignatureError::MissingHeader(name.to_string()));
    }
    Ok(values.join(", "))
}
