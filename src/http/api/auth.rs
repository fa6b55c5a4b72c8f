//! The bearer-token check: [`ApiToken`] extracts only from a request with a valid token; the
//! API router requires it of every route and hands it on to the handlers, which name it as the
//! editor ([`ApiEditor`]) in the moderation log.

use activitypub_federation::config::Data;
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use crate::{
    domain::{moderation::log::Editor, token},
    error::AppError,
    state::AppState,
};

/// Proof that the request carried a valid token, and the token's name.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub name: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if let Some(checked) = parts.extensions.get::<ApiToken>() {
            return Ok(checked.clone());
        }
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|v| v.trim().to_string())
            .ok_or(AppError::Unauthorized)?;
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(|_| anyhow::anyhow!("federation middleware missing"))?;
        match token::verify(&data.db, &secret).await? {
            Some(name) => Ok(ApiToken { name }),
            None => Err(AppError::Unauthorized),
        }
    }
}

/// The editor acting through the API: the token, by its name.
pub struct ApiEditor(pub Editor);

impl<S: Send + Sync> FromRequestParts<S> for ApiEditor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let token = ApiToken::from_request_parts(parts, state).await?;
        Ok(ApiEditor(Editor::api(&token.name)))
    }
}
