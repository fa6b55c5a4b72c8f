//! Body digests: `Digest: SHA-256=…` (draft-cavage) and `Content-Digest: sha-256=:…:` (RFC 9530).

use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

/// The `Digest` header value for a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(Sha256::digest(body)))
}

/// True when a `Digest` header holds a SHA-256 entry that matches `body`. Other algorithms in the
/// list are ignored; a header with no SHA-256 entry does not match.
pub fn digest_matches(header: &str, body: &[u8]) -> bool {
    let expected = Sha256::digest(body);
    header.split(',').any(|entry| {
        let Some((algorithm, value)) = entry.trim().split_once('=') else {
            return false;
        };
        algorithm.eq_ignore_ascii_case("sha-256")
            && STANDARD
                .decode(value.trim())
                .is_ok_and(|d| d.as_slice() == expected.as_slice())
    })
}

/// True when an RFC 9530 `Content-Digest` header holds a matching `sha-256` entry.
pub fn content_digest_matches(header: &str, body: &[u8]) -> bool {
    let expected = Sha256::digest(body);
    header.split(',').any(|entry| {
        let Some((algorithm, value)) = entry.trim().split_once('=') else {
            return false;
        };
        let value = value.trim().trim_start_matches(':').trim_end_matches(':');
        algorithm.trim() == "sha-256"
            && STANDARD
                .decode(value)
                .is_ok_and(|d| d.as_slice() == expected.as_slice())
    })
}

#[cfg(test)]
mod tests {
    use super::{content_digest_matches, digest_header, digest_matches};

    #[test]
    fn digests_match_only_their_body() {
        let header = digest_header(b"{}");
        assert_eq!(
            header,
            "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="
        );
        assert!(digest_matches(&header, b"{}"));
        assert!(digest_matches(&format!("MD5=abc, {header}"), b"{}"));
        assert!(!digest_matches(&header, b"{ }"));
        assert!(!digest_matches("SHA-512=abc", b"{}"));
        assert!(content_digest_matches(
            "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:",
            b"{}"
        ));
        assert!(!content_digest_matches(
            "sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:",
            b"[]"
        ));
    }
}
