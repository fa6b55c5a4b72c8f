//! Proving who sent a request. Both schemes are accepted: RFC 9421 (`Signature-Input` with
//! `Content-Digest`) and draft-cavage (`Signature` with `Digest`). Either way the digest matches
//! the exact body, the signature covers the target and the digest, its date is within the
//! window, and the key verifies. A failure with a stored key fetches the key once more, since
//! actors rotate keys.

use chrono::{DateTime, Utc};

use super::InboxRequest;
use crate::{
    domain::remote::RemoteActor,
    error::AppError,
    federation::{
        context::Federation,
        remote,
        signatures::{SignatureError, cavage, digest, rfc9421},
    },
};

/// What both schemes yield: who claims to sign, and what exactly they signed.
struct Claim {
    key_id: String,
    signed_at: DateTime<Utc>,
    text: String,
    signature: Vec<u8>,
}

pub async fn verify(fed: &Federation, request: &InboxRequest<'_>) -> Result<RemoteActor, AppError> {
    let claim = if rfc9421::is_present(request.headers) {
        rfc9421_claim(fed, request)
    } else {
        cavage_claim(fed, request)
    }
    .map_err(reject)?;
    let window = fed.settings.inbox.signature_window_secs;
    if (Utc::now() - claim.signed_at).num_seconds().abs() > window {
        return Err(reject(SignatureError::Stale));
    }
    let stored = remote::actor_for_key(fed, &claim.key_id, false).await?;
    if verifies(fed, &claim, &stored)? {
        return Ok(stored);
    }
    let refreshed = remote::actor_for_key(fed, &claim.key_id, true).await?;
    if verifies(fed, &claim, &refreshed)? {
        return Ok(refreshed);
    }
    Err(reject(SignatureError::Invalid))
}

fn cavage_claim(fed: &Federation, request: &InboxRequest<'_>) -> Result<Claim, SignatureError> {
    let parsed = cavage::parse(request.headers)?;
    parsed.require_coverage(true)?;
    let digest_header = header(request, "digest")?;
    if !digest::digest_matches(digest_header, request.body) {
        return Err(SignatureError::DigestMismatch);
    }
    let text = parsed.signing_string(
        "POST",
        request.path_and_query,
        &fed.settings.domain(),
        request.headers,
    )?;
    Ok(Claim {
        signed_at: parsed.signed_at(request.headers)?,
        key_id: parsed.key_id,
        text,
        signature: parsed.signature,
    })
}

fn rfc9421_claim(fed: &Federation, request: &InboxRequest<'_>) -> Result<Claim, SignatureError> {
    let parsed = rfc9421::parse(request.headers)?;
    parsed.require_coverage()?;
    if !digest::content_digest_matches(header(request, "content-digest")?, request.body) {
        return Err(SignatureError::DigestMismatch);
    }
    let origin = fed.settings.public_url.as_str().trim_end_matches('/');
    let authority = fed.settings.domain();
    let target = rfc9421::Target {
        method: "POST",
        origin,
        authority: &authority,
        path_and_query: request.path_and_query,
    };
    let text = parsed.signature_base(&target, request.headers)?;
    Ok(Claim {
        signed_at: parsed.signed_at()?,
        key_id: parsed.key_id,
        text,
        signature: parsed.signature,
    })
}

fn header<'a>(request: &'a InboxRequest<'_>, name: &str) -> Result<&'a str, SignatureError> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| SignatureError::MissingHeader(name.into()))
}

fn verifies(fed: &Federation, claim: &Claim, actor: &RemoteActor) -> Result<bool, AppError> {
    if actor.public_key_id.as_deref() != Some(claim.key_id.as_str()) {
        return Ok(false);
    }
    let key = fed
        .verifying_key(&claim.key_id, &actor.public_key_pem)
        .map_err(|e| AppError::Signature(format!("the signer's key is unusable: {e}")))?;
    Ok(key.verify(claim.text.as_bytes(), &claim.signature))
}

fn reject(err: SignatureError) -> AppError {
    AppError::Signature(err.to_string())
}
