//! API bearer tokens: random, shown once, stored only as a SHA-256 digest.

use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

use crate::{error::AppError, storage::api_tokens};

/// Every token starts with this, so one found in a log or a repository is recognisable.
const PREFIX: &str = "bs_";

/// Creates a token named `name` and returns its secret, which is not stored anywhere.
pub async fn create(db: &impl ConnectionTrait, name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        let mut errors = crate::error::FieldErrors::default();
        errors.add("name", "must be 1 to 100 characters");
        return Err(AppError::Validation(errors));
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    let secret = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    api_tokens::insert(db, name, &digest(&secret))
        .await
        .context("cannot store the token")?;
    Ok(secret)
}

/// The token's name when `secret` is a token we issued (the moderation log names who acted by
/// it). Records its use.
pub async fn verify(db: &impl ConnectionTrait, secret: &str) -> Result<Option<String>, AppError> {
    if !secret.starts_with(PREFIX) {
        return Ok(None);
    }
    Ok(api_tokens::use_by_hash(db, &digest(secret))
        .await?
        .map(|t| t.name))
}

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
