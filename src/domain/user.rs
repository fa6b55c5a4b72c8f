//! Editors: accounts with argon2-hashed passwords, and login sessions.

use std::sync::{Arc, LazyLock};

use anyhow::anyhow;
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::{
    error::{AppError, FieldErrors},
    storage::{entities::user, sessions, users},
};

/// How long a login lasts.
const SESSION_DAYS: i64 = 14;
const MIN_PASSWORD: usize = 10;
/// Longer names and passwords are refused without hashing them (no account has one).
const MAX_NAME: usize = 50;
const MAX_PASSWORD: usize = 1024;

/// Argon2 runs at once, process-wide: one per core. Each takes ~19 MiB and a core for a while,
/// so a flood of logins queues here instead of filling the blocking pool.
static ARGON2_PERMITS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Arc::new(Semaphore::new(cores))
});

/// Runs an Argon2 computation on the blocking pool once a permit is free. The permit goes with
/// the work, so a request given up mid-way still holds it until the hash is done.
async fn argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = ARGON2_PERMITS
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(anyhow!("password hashing unavailable: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
    .map_err(|e| AppError::Internal(anyhow!("password hashing failed: {e}")))
}

/// A logged-in editor and the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: i64,
    pub user_name: String,
    pub csrf_token: String,
}

pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let mut errors = FieldErrors::default();
    let valid_name = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid_name {
        errors.add("name", "1 to 50 letters, digits, _ . or -");
    }
    if password.chars().count() < MIN_PASSWORD {
        errors.add("password", format!("at least {MIN_PASSWORD} characters"));
    }
    if password.len() > MAX_PASSWORD {
        errors.add("password", format!("at most {MAX_PASSWORD} bytes"));
    }
    if users::find_by_name(db, name).await?.is_some() {
        errors.add("name", "is taken");
    }
    errors.into_result(())?;
    let hash = hash_password(password).await?;
    Ok(users::insert(db, name, &hash).await?)
}

async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    argon2(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow!("cannot hash password: {e}")))
    })
    .await?
}

/// The user when `password` is theirs. Costs an argon2 verification even for unknown names, so
/// timing does not reveal which names exist.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    name: &str,
    password: &str,
) -> Result<Option<user::Model>, AppError> {
    if name.len() > MAX_NAME || password.len() > MAX_PASSWORD {
        return Ok(None);
    }
    let found = users::find_by_name(db, name).await?;
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let password = password.to_string();
    let matches = argon2(move || verify(&stored, &password)).await?;
    Ok(found.filter(|_| matches))
}

fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checked against when the name is unknown: made with the same parameters as every stored
/// hash (argon2's defaults), so it costs the same (a test holds it to that).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Oj/5D1fNC07FK4NuV6eg8oNOsCaK0PLtPQ/R7sHBMxE";

/// Opens a session; returns the cookie value (shown once) and the session.
pub async fn start_session(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> Result<(String, Session), AppError> {
    let cookie = random_token()?;
    let csrf = random_token()?;
    let expires = Utc::now() + Duration::days(SESSION_DAYS);
    sessions::insert(db, &digest(&cookie), user.id, &csrf, expires).await?;
    Ok((
        cookie,
        Session {
            user_id: user.id,
            user_name: user.name.clone(),
            csrf_token: csrf,
        },
    ))
}

pub async fn session(db: &impl ConnectionTrait, cookie: &str) -> Result<Option<Session>, AppError> {
    let Some(found) = sessions::find_live(db, &digest(cookie)).await? else {
        return Ok(None);
    };
    let Some(user) = users::find_by_id(db, found.user_id).await? else {
        return Ok(None);
    };
    Ok(Some(Session {
        user_id: user.id,
        user_name: user.name,
        csrf_token: found.csrf_token,
    }))
}

pub async fn end_session(db: &impl ConnectionTrait, cookie: &str) -> Result<(), AppError> {
    sessions::delete(db, &digest(cookie)).await?;
    Ok(())
}

fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow!("no system randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use argon2::{Argon2, PasswordHash, password_hash::PasswordHasher};

    use super::{DUMMY_HASH, hash_password, verify};

    /// An unknown name must cost a full verification: the stand-in hash parses and has the
    /// parameters new hashes get.
    #[tokio::test]
    async fn the_stand_in_hash_costs_what_a_real_one_does() {
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let real = hash_password("correct horse battery").await.unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(
            dummy.hash.map(|h| h.len()),
            real.hash.map(|h| h.len()),
            "same output length"
        );
        let fresh = Argon2::default()
            .hash_password(b"x", dummy.salt.unwrap())
            .unwrap();
        assert_eq!(fresh.params, dummy.params);
        assert!(!verify(DUMMY_HASH, "anything"));
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let hash = hash_password("correct horse battery").await.unwrap();
        assert!(verify(&hash, "correct horse battery"));
        assert!(!verify(&hash, "correct horse battery!"));
    }
}
