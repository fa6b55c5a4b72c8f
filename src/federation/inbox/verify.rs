//! Proving who sent a request: the digest matches the exact body, the signature covers the target,
//! host, date and digest, the date is recent, and the key verifies. A failure with a stored key
//! fetches the key once more, since actors rotate keys.

use chrono::Utc;

use super::InboxRequest;
use crate::{
    domain::remote::RemoteActor,
    error::AppError,
    federation::{
        context::Federation,
        remote,
        signatures::{SignatureError, cavage, digest},
    },
};

pub async fn verify(fed: &Federation, request: &InboxRequest<'_>) -> Result<RemoteActor, AppError> {
    let parsed = cavage::parse(request.headers).map_err(reject)?;
    parsed.require_coverage(true).map_err(reject)?;
    let window = fed.settings.inbox.signature_window_secs;
    let signed_at = parsed.signed_at(request.headers).map_err(reject)?;
    if (Utc::now() - signed_at).num_seconds().abs() > window {
        return Err(reject(SignatureError::Stale));
    }
    let digest_header = request
        .headers
        .get("digest")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| reject(SignatureError::MissingHeader("digest".into())))?;
    if !digest::digest_matches(digest_header, request.body) {
        return Err(reject(SignatureError::DigestMismatch));
    }
    let host = fed.settings.domain();
    let text = parsed
        .signing_string("POST", request.path_and_query, &host, request.headers)
        .map_err(reject)?;
    let stored = remote::actor_for_key(fed, &parsed.key_id, false).await?;
    if verifies(
        fed,
        &parsed.key_id,
        &stored,
        text.as_bytes(),
        &parsed.signature,
    )? {
        return Ok(stored);
    }
    let refreshed = remote::actor_for_key(fed, &parsed.key_id, true).await?;
    if verifies(
        fed,
        &parsed.key_id,
        &refreshed,
        text.as_bytes(),
        &parsed.signature,
    )? {
        return Ok(refreshed);
    }
    Err(reject(SignatureError::Invalid))
}

fn verifies(
    fed: &Federation,
    key_id: &str,
    actor: &RemoteActor,
    text: &[u8],
    signature: &[u8],
) -> Result<bool, AppError> {
    if actor.public_key_id.as_deref() != Some(key_id) {
        return Ok(false);
    }
    let key = fed
        .verifying_key(key_id, &actor.public_key_pem)
        .map_err(|e| AppError::Signature(format!("the signer's key is unusable: {e}")))?;
    Ok(key.verify(text, signature))
}

fn reject(err: SignatureError) -> AppError {
    AppError::Signature(err.to_string())
}
