//! Editors: accounts with argon2-hashed passwords, and login sessions.

use anyhow::anyhow;
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

use crate::{
    error::{AppError, FieldErrors},
    storage::{entities::user, users},
};

/// How long a login lasts.
const SESSION_DAYS: i64 = 14;
const MIN_PASSWORD: usize = 10;

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
        && name.len() <= 50
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid_name {
        errors.add("name", "1 to 50 letters, digits, _ . or -");
    }
    if password.chars().count() < MIN_PASSWORD {
        errors.add("password", format!("at least {MIN_PASSWORD} characters"));
    }
    if users::find_by_name(db, name).await?.is_some() {
        errors.add("name", "is taken");
    }
    errors.into_result(())?;
    let hash = hash_password(password)?;
    Ok(users::insert(db, name, &hash).await?)
}

fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow!("cannot hash password: {e}")))
}

/// The user when `password` is theirs. Costs an argon2 verification even for unknown names, so
/// timing does not reveal which names exist.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    name: &str,
    password: &str,
) -> Result<Option<user::Model>, AppError> {
    let found = users::find_by_name(db, name).await?;
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(dummy_hash);
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow!("password check failed: {e}")))?;
    Ok(found.filter(|_| matches))
}

fn dummy_hash() -> String {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Oj/5D1fNC07FK4NuV6eg8oNOsCaK0PLtPQ/R7sHBMxE".to_string()
}

/// Opens a session; returns the cookie value (shown once) and the session.
pub async fn start_session(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> Result<(String, Session), AppError> {
    let cookie = random_token()?;
    let csrf = random_token()?;
    let expires = Utc::now() + Duration::days(SESSION_DAYS);
    users::insert_session(db, &digest(&cookie), user.id, &csrf, expires).await?;
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
    let Some(found) = users::find_session(db, &digest(cookie)).await? else {
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
    users::delete_session(db, &digest(cookie)).await?;
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
