//! Proving who sent a request. Both schemes are accepted: RFC 9421 (`Signature-Input` with
//! `Content-Digest`) and draft-cavage (`Signature` with `Digest`). Either way the digest matches
//! the exact body, the signature covers the target and the digest, its date is within the
//! window, and the key verifies.
//!
//! Keys are looked up before anything is fetched: a key on our own host is refused outright
//! (we never fetch ourselves), a blocked host's key is never fetched, and a stored key that
//! fails is fetched again only once per cool-down (actors rotate keys; floods must not make us
//! fetch).

use chrono::{DateTime, Utc};

use super::InboxRequest;
use crate::{
    domain::ids::host_with_port,
    domain::{moderation::blocks::Blocklist, remote::RemoteActor},
    error::AppError,
    federation::{
        context::Federation,
        origin, remote_actors,
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

pub async fn verify(
    fed: &Federation,
    request: &InboxRequest<'_>,
    blocks: &Blocklist,
) -> Result<RemoteActor, AppError> {
    let claim = fresh_claim(fed, request).map_err(reject)?;
    let key_url = remote_actors::key_url(&claim.key_id)?;
    if origin::is_ours(&fed.settings, &key_url) {
        return Err(AppError::Signature(
            "the keyId is on our own host: nobody else signs for it".into(),
        ));
    }
    if let Some(reason) = blocks.blocks_actor(key_url.as_str(), &host_with_port(&key_url)) {
        return Err(AppError::Forbidden(reason));
    }
    let stored = fed.memo.actor_by_key(&fed.db, &claim.key_id).await?;
    let actor = match stored {
        Some(stored) if verifies(fed, &claim, &stored) => return Ok(stored),
        Some(stored) if !remote_actors::may_refresh(fed, &stored) => {
            return Err(reject(SignatureError::Invalid));
        }
        // Unknown, or known but failing after the cool-down: the key may have rotated.
        _ => remote_actors::fetch_key_owner(fed, &claim.key_id).await?,
    };
    if verifies(fed, &claim, &actor) {
        Ok(actor)
    } else {
        Err(reject(SignatureError::Invalid))
    }
}

/// The signer proven with the key we already hold, never fetching anything: for answering a
/// blocked account (whose keys we do not fetch) only when it really is that account.
pub async fn verify_stored(fed: &Federation, request: &InboxRequest<'_>) -> Option<RemoteActor> {
    let claim = fresh_claim(fed, request).ok()?;
    let stored = crate::domain::remote::find_by_key_id(&fed.db, &claim.key_id)
        .await
        .ok()??;
    verifies(fed, &claim, &stored).then_some(stored)
}

/// What the request claims (either scheme), signed within the accepted window.
fn fresh_claim(fed: &Federation, request: &InboxRequest<'_>) -> Result<Claim, SignatureError> {
    let claim = if rfc9421::is_present(request.headers) {
        rfc9421_claim(fed, request)
    } else {
        cavage_claim(fed, request)
    }?;
    let window = fed.settings.inbox.signature_window_secs;
    if (Utc::now() - claim.signed_at).num_seconds().abs() > window {
        return Err(SignatureError::Stale);
    }
    Ok(claim)
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

/// Whether `actor`'s stored key made this signature. A key that no longer parses is treated as
/// not verifying, so the caller may fetch a fresh one.
fn verifies(fed: &Federation, claim: &Claim, actor: &RemoteActor) -> bool {
    if actor.public_key_id.as_deref() != Some(claim.key_id.as_str()) {
        return false;
    }
    match fed.verifying_key(&claim.key_id, &actor.public_key_pem) {
        Ok(key) => key.verify(claim.text.as_bytes(), &claim.signature),
        Err(err) => {
            tracing::info!(key = %claim.key_id, error = %err, "stored key is unusable");
            false
        }
    }
}

fn reject(err: SignatureError) -> AppError {
    AppError::Signature(err.to_string())
}
